# The steps of bench/gpu-check.sh (sourced by it: they read its settings and call its record/bounded).
# Each step records pass, fail or skip with one line saying why, and never stops the check.

# The machine, for the report: no step of its own, nvidia-smi only where it exists.
host_info() {
  os=$( (. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}") || true)
  cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')
  gpu="none seen (no nvidia-smi)" driver="" cuda_version=""
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi || true
    gpu=$(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null | head -n 1)
    driver=$(nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -n 1)
    cuda_version=$(nvidia-smi 2>/dev/null | sed -nE 's/.*CUDA Version: *([0-9.]+).*/\1/p' | head -n 1)
  fi
  say "host: $(uname -m), ${os:-unknown OS}, $(nproc) cores ($cpu); GPU: $gpu; driver ${driver:-—}, CUDA ${cuda_version:-—}"
}

# .gpu/scratch-gpu.tar.xz, checked against its sha256, unpacked once per content into /tmp.
unpack_bundle() {
  local t0=$SECONDS tarball=$repo/.gpu/scratch-gpu.tar.xz sum
  if [[ ! -f $tarball ]]; then
    record bundle fail 0 "no .gpu/scratch-gpu.tar.xz: build it with 'bash bench/gpu-bundle.sh' where the .NET SDK is, then bring .gpu along"
    return 1
  fi
  sum=$(sha256sum "$tarball" | cut -d' ' -f1)
  if [[ -f $repo/.gpu/scratch-gpu.sha256 && $(cut -d' ' -f1 "$repo/.gpu/scratch-gpu.sha256") != "$sum" ]]; then
    record bundle fail $((SECONDS - t0)) "the tarball's sha256 is not the one gpu-bundle.sh wrote (a partial copy?)"
    return 1
  fi
  bundle=/tmp/scratch-gpu-${sum:0:12}/scratch-gpu
  if [[ ! -f $bundle/.unpacked ]]; then
    rm -rf "/tmp/scratch-gpu-${sum:0:12}" && mkdir -p "/tmp/scratch-gpu-${sum:0:12}" \
      && tar -xJf "$tarball" -C "/tmp/scratch-gpu-${sum:0:12}" && touch "$bundle/.unpacked" \
      || { record bundle fail $((SECONDS - t0)) "could not unpack $tarball into /tmp (disk full?)"; return 1; }
  fi
  bundle_commit=$(sed -n 's/^commit //p' "$bundle/BUNDLE")
  # `scratch` as a command (timeout runs programs, not shell functions).
  mkdir -p "$work/bin"
  printf '#!/bin/sh\nexec "%s/dotnet/dotnet" "%s/app/scratch.dll" "$@"\n' "$bundle" "$bundle" >"$work/bin/scratch"
  chmod +x "$work/bin/scratch"
  export PATH=$work/bin:$PATH
  export DOTNET_ROOT=$bundle/dotnet DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
  # The CUDA driver caches the PTX it compiles under ~/.nv unless told; keep it in /tmp.
  export CUDA_CACHE_PATH=$work/nv-cache
  # .NET needs ICU for culture data unless told to use the invariant culture (Scratch prints invariant numbers anyway).
  if ! ldconfig -p 2>/dev/null | grep -q 'libicuuc\.so'; then export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1; icu_note="no ICU here: invariant culture"; fi
  record bundle pass $((SECONDS - t0)) "$(du -sm "$bundle" | cut -f1) MB in ${bundle%/scratch-gpu}, commit $bundle_commit, .NET $(sed -n 's/^dotnet-runtime //p' "$bundle/BUNDLE")${icu_note:+; $icu_note}"
}


# The path of a shared library the loader would find, else one in the usual driver and CUDA folders
# (PyTorch's pip wheels keep the CUDA libraries under site-packages/nvidia/).
find_lib() {
  local name=$1 hit dirs=()
  hit=$(ldconfig -p 2>/dev/null | awk -v n="$name" '$1 == n && /x86-64/ { print $NF; exit }')
  [[ -n $hit ]] && { echo "$hit"; return; }
  IFS=: read -ra dirs <<<"${LD_LIBRARY_PATH:-}"
  dirs+=(/usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/nvidia/lib64 /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib /usr/lib/wsl/lib)
  for d in "${dirs[@]}"; do [[ -n $d && -e $d/$name ]] && { echo "$d/$name"; return; }; done
  if [[ -z ${py_nvidia+set} ]]; then
    py_nvidia=$(python3 -c 'import nvidia, sys; print("\n".join(nvidia.__path__))' 2>/dev/null || true)
  fi
  [[ -n $py_nvidia ]] && find $py_nvidia -maxdepth 3 -name "$name" 2>/dev/null | head -n 1
}

# ILGPU opens the unversioned libcuda.so, which a driver install may lack beside libcuda.so.1; cuBLAS
# ships as libcublas.so.13 only. Both get links in a private folder on LD_LIBRARY_PATH, nothing is
# written to the system's folders.
link_libraries() {
  local libs=$work/lib found dir extra_dirs=""
  lib_notes=()
  mkdir -p "$libs"
  if [[ -z $(find_lib libcuda.so) ]]; then
    found=$(find_lib libcuda.so.1)
    if [[ -n $found ]]; then ln -sf "$found" "$libs/libcuda.so"; lib_notes+=("libcuda.so -> $found")
    else lib_notes+=("no libcuda.so.1 (no NVIDIA driver)"); fi
  fi
  found=$(find_lib libcublas.so.13)
  [[ -z $found ]] && found=$(find_lib libcublas.so)
  if [[ -n $found ]]; then
    dir=$(dirname "$(readlink -f "$found")")
    [[ -e $dir/libcublas.so ]] || { ln -sf "$found" "$libs/libcublas.so"; lib_notes+=("libcublas.so -> $found"); }
    [[ -e $dir/libcublas.so.13 ]] || ln -sf "$found" "$libs/libcublas.so.13"
    # libcublas needs libcublasLt from its own folder.
    extra_dirs=$dir
  else
    lib_notes+=("no libcublas.so.13 (cuBLAS unavailable: the tiled kernel does every matmul)")
  fi
  export LD_LIBRARY_PATH=$libs${extra_dirs:+:$extra_dirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  say "libraries: $( (( ${#lib_notes[@]} )) && printf '%s; ' "${lib_notes[@]}" || echo "nothing to link; ")LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
}

# The matmul line `scratch devices` prints under the device, with SCRATCH_GEMM=$1 ("" for the default).
gemm_note() {
  SCRATCH_GEMM=$1 timeout 60 "$bundle/dotnet/dotnet" "$bundle/app/scratch.dll" devices 2>/dev/null \
    | awk -v d="$device" '$1 == d { inside = 1; next } /^[^ ]/ { inside = 0 } inside && /matmul:/ { sub(/.*matmul: */, ""); print; exit }'
}

devices_step() {
  local t0=$SECONDS rc line
  bounded 90 "$work/devices.txt" scratch devices; rc=$?
  line=$(grep -E "^$device +" "$work/devices.txt" | head -n 1 | sed -E 's/^([^ ]+) +(available|unavailable) +/\1 \2: /')
  device_line=$line
  device_ok=0
  if (( rc != 0 )); then record devices "$(fail_or_skip $rc)" $((SECONDS - t0)) "scratch devices: $(why $rc 90)"; return; fi
  if [[ $line == "$device available:"* ]]; then device_ok=1; record devices pass $((SECONDS - t0)) "$line"
  else record devices fail $((SECONDS - t0)) "${line:-$device is not listed by scratch devices}"; return; fi
  # GEMM engines: cuBLAS and the tiled kernel on CUDA; elsewhere the device's own choice (cuBLAS is CUDA-only).
  gemms=() gemm_labels=()
  if [[ $device == cuda ]]; then gemms=(cublas tiled); else gemms=(""); fi
  for g in "${gemms[@]}"; do gemm_labels+=("$(gemm_note "$g")"); done
  for i in "${!gemms[@]}"; do say "matmul with SCRATCH_GEMM=${gemms[$i]:-(unset)}: ${gemm_labels[$i]:-?}"; done
}

tests_step() {
  local t0=$SECONDS rc cap summary total errors failures skips filter
  runner_ran=0
  if (( device_ok == 0 )); then record tests skip 0 "$device unavailable (see devices)"; return; fi
  read -ra filter <<<"$tests_filter"
  cap=$(( $(left) * 40 / 100 ))
  say "tests: xunit.console ${filter[*]} with SCRATCH_TEST_ILGPU=$device (at most $cap s)"
  (cd "$work" && SCRATCH_TEST_ILGPU=$device DOTNET_ROLL_FORWARD=Major bounded "$cap" "$work/tests.txt" \
    "$bundle/dotnet/dotnet" "$bundle/app/xunit.console.dll" "$bundle/app/Scratch.Tests.dll" "${filter[@]}" \
    -nologo -nocolor -xml "$out/tests.xml"); rc=$?
  summary=$(grep -E 'Total: [0-9]+' "$work/tests.txt" | tail -n 1)
  tests_summary=${summary#"${summary%%[! ]*}"}
  failed_tests=$(grep -E '\[FAIL\]' "$work/tests.txt" | sed -E 's/^ *//; s/ *\[FAIL\]//' | sort -u | head -n 30)
  if [[ -z $summary ]]; then record tests "$(fail_or_skip $rc)" $((SECONDS - t0)) "the runner printed no summary: $(why $rc "$cap")"; return; fi
  total=$(sed -nE 's/.*Total: ([0-9]+).*/\1/p' <<<"$summary"); errors=$(sed -nE 's/.*Errors: ([0-9]+).*/\1/p' <<<"$summary")
  failures=$(sed -nE 's/.*Failed: ([0-9]+).*/\1/p' <<<"$summary"); skips=$(sed -nE 's/.*Skipped: ([0-9]+).*/\1/p' <<<"$summary")
  if (( total == 0 )); then record tests fail $((SECONDS - t0)) "the filter '${filter[*]}' selected no test"; return; fi
  runner_ran=1
  tests_passed=$((total - failures - skips)) tests_failed=$((failures + errors)) tests_skipped=$skips
  if (( tests_failed > 0 || rc != 0 )); then
    record tests fail $((SECONDS - t0)) "$tests_passed passed, $failures failed, $errors errors, $skips skipped (runner exit $rc)"
    (( tests_failed == 0 )) && tests_failed=1   # a runner that failed without a failed test still failed
  else record tests pass $((SECONDS - t0)) "$tests_passed passed, $skips skipped"; fi
}

# The workloads `scratch bench --help` lists: the CLI, not this script, says what there is to time.
bench_workloads() {
  [[ -n $workloads ]] && { echo "$workloads"; return; }
  scratch bench --help 2>/dev/null | sed -nE 's/.*what to time: *//p' | tr -d ' ' | tr '|' ' '
}

bench_step() {
  local list t0 rc cap json ms runs_left
  if (( device_ok == 0 )); then record bench skip 0 "$device unavailable (see devices)"; return; fi
  read -ra list <<<"$(bench_workloads)"
  bench_list=("${list[@]}")
  if [[ $device != cuda ]]; then record "bench cublas" skip 0 "cuBLAS is CUDA-only: $device runs its own engine (${gemm_labels[0]:-?})"; fi
  runs_left=$(( ${#list[@]} * ${#gemms[@]} ))
  # The bench may spend 65% of what is left (tests and training are done; PyTorch follows), shared
  # evenly among the runs still to go, so one slow run leaves the others their time.
  local bench_until=$(( SECONDS + $(left) * 65 / 100 ))
  for w in "${list[@]}"; do
    for i in "${!gemms[@]}"; do
      t0=$SECONDS
      cap=$(( (bench_until - SECONDS) / runs_left )); (( cap < 20 )) && cap=20
      ((runs_left--))
      SCRATCH_GEMM=${gemms[$i]} bounded "$cap" "$work/bench-$w-$i.txt" scratch bench "$w" --device "$device" --iters "$iters" --warmup "$warmup"; rc=$?
      json=$(grep -E '^\{"workload"' "$work/bench-$w-$i.txt" | tail -n 1)
      ms=$(sed -nE 's/.*"median_ms":([0-9.]+).*/\1/p' <<<"$json")
      if (( rc == 0 )) && [[ -n $ms ]]; then
        bench_ms["$w $i"]=$ms
        record "bench $w ${gemms[$i]:-default}" pass $((SECONDS - t0)) "$json"
      else
        record "bench $w ${gemms[$i]:-default}" "$(fail_or_skip $rc)" $((SECONDS - t0)) "$(why $rc "$cap" "$(grep -v '^{' "$work/bench-$w-$i.txt" | tail -n 1)")"
      fi
    done
  done
}

torch_step() {
  local t0=$SECONDS rc cap json w ms
  torch_version=""
  if [[ $quick == 1 ]]; then record pytorch skip 0 "quick mode: no PyTorch"; return; fi
  if [[ $device != cuda ]]; then record pytorch skip 0 "PyTorch has no $device device to compare with"; return; fi
  if (( device_ok == 0 )); then record pytorch skip 0 "nothing to compare with: $device unavailable (see devices)"; return; fi
  if ! torch_version=$(python3 -c 'import torch; print(torch.__version__)' 2>/dev/null); then
    record pytorch skip $((SECONDS - t0)) "no PyTorch here (python3 -c 'import torch' fails)"; return
  fi
  if ! python3 -c 'import sys, torch; sys.exit(not torch.cuda.is_available())' 2>/dev/null; then
    record pytorch skip $((SECONDS - t0)) "PyTorch $torch_version sees no CUDA device"; torch_version+=" (no CUDA)"; return
  fi
  cap=$(( $(left) - 5 ))
  bounded "$cap" "$work/torch.txt" python3 "$repo/bench/torch_bench.py" "${bench_list[@]}" --device cuda --iters "$iters" --warmup "$warmup"; rc=$?
  for w in "${bench_list[@]}"; do
    json=$(grep -E "^\{\"workload\":\"$w\"" "$work/torch.txt" | tail -n 1)
    ms=$(sed -nE 's/.*"median_ms":([0-9.]+).*/\1/p' <<<"$json")
    if [[ -n $ms ]]; then torch_ms[$w]=$ms; record "pytorch $w" pass $((SECONDS - t0)) "$json"
    else record "pytorch $w" "$(fail_or_skip $rc)" $((SECONDS - t0)) "$(why $rc "$cap" "$(grep -v '^{' "$work/torch.txt" | tail -n 1)")"; fi
  done
}

# DCGAN on the device and on `cpu` from the same seed: the same noise and batches (both backends draw
# the same Philox numbers), so the losses may differ only by rounding. A metrics row is written every
# iteration because --sample-every 1 makes the trainer read the losses each time (on a GPU it reads
# every 10th otherwise); both runs take the same flags.
train_step() {
  local t0 rc cap d grid args=(--model dcgan --seed 0 --stop-after "$train_iters" --sample-every 1 --checkpoint-every 0)
  [[ -n $train_batch ]] && args+=(--batch-size "$train_batch")
  train_args="${args[*]}"
  if (( device_ok == 0 )); then record train skip 0 "$device unavailable (see devices)"; return; fi
  for d in "$device" cpu; do
    t0=$SECONDS
    # A share of what is left for each run: 30% when the full speed steps come after, 70% in quick mode.
    cap=$(( $(left) * (quick == 1 ? 70 : 30) / 100 ))
    (cd "$work" && bounded "$cap" "$work/train-$d.txt" scratch train "${args[@]}" --device "$d" --out "$work/train-$d"); rc=$?
    if (( rc == 0 )) && [[ -f $work/train-$d/metrics.csv ]]; then
      cp "$work/train-$d/metrics.csv" "$out/metrics-$d.csv"
      grid=$(ls "$work/train-$d/samples/"*.png 2>/dev/null | tail -n 1); [[ -n $grid ]] && cp "$grid" "$out/samples-$d.png"
      rm -rf "$work/train-$d/checkpoints"   # ~90 MB of weights and Adam state, of no use here
      record "train $d" pass $((SECONDS - t0)) "$train_iters iterations of dcgan: metrics-$d.csv, last sample grid samples-$d.png"
    else record "train $d" "$(fail_or_skip $rc)" $((SECONDS - t0)) "$(why $rc "$cap" "$(tail -n 1 "$work/train-$d.txt")")"; fi
  done
  compare_losses
}

# Relative gap per iteration, |device - cpu| / max(|cpu|, 1e-3), of D's and G's loss; the worst decides.
compare_losses() {
  local a=$out/metrics-$device.csv b=$out/metrics-cpu.csv
  loss_table="" loss_max=""
  if [[ ! -f $a || ! -f $b ]]; then record "loss gap" skip 0 "needs both training runs"; return; fi
  loss_table=$(awk -F, 'NR == FNR { if (FNR > 1) { d[$1] = $3; g[$1] = $4 } next }
    FNR > 1 && ($1 in d) {
      gd = ($3 - d[$1]) / (d[$1] * d[$1] > 1e-6 ? (d[$1] < 0 ? -d[$1] : d[$1]) : 1e-3); if (gd < 0) gd = -gd
      gg = ($4 - g[$1]) / (g[$1] * g[$1] > 1e-6 ? (g[$1] < 0 ? -g[$1] : g[$1]) : 1e-3); if (gg < 0) gg = -gg
      printf "| %d | %.6f | %.6f | %.4f%% | %.6f | %.6f | %.4f%% |\n", $1, d[$1], $3, 100 * gd, g[$1], $4, 100 * gg
    }' "$b" "$a")
  local rows worst where
  rows=$(grep -c '^|' <<<"$loss_table")
  read -r worst where < <(awk -F'|' '{ for (c = 5; c <= 8; c += 3) { v = $c; sub(/%.*/, "", v); v += 0; if (v >= m) { m = v; at = $2 + 0 } } } END { printf "%.4f %d\n", m, at }' <<<"$loss_table")
  loss_max="$worst% (iteration $where)"
  if (( rows < train_iters )); then record "loss gap" fail 0 "only $rows of $train_iters iterations logged by both runs"
  elif awk -v w="$worst" -v t="$loss_tol" 'BEGIN { exit !(w / 100 <= t) }'; then
    record "loss gap" pass 0 "largest relative gap $loss_max over $rows iterations, within $(awk -v t="$loss_tol" 'BEGIN { print 100 * t }')%"
  else record "loss gap" fail 0 "largest relative gap $loss_max, over the $(awk -v t="$loss_tol" 'BEGIN { print 100 * t }')% a rounding difference stays under (a lost partial sum?)"; fi
}
