#!/usr/bin/env bash
# Runs the OpenCL lane's checks inside the Debian 13 root. .ci/lanes/opencl.sh starts this script with
# `unshare --mount --propagation private`, so every mount below lives in a mount namespace of its own:
# the host never sees them, and they vanish with the namespace even if this script is killed. The
# trap unmounts them anyway, in reverse order.
#
# Arguments: ROOT REPO DOTNET_DIR NUGET_DIR RESULTS FILTER DEADLINE
# RESULTS is a host file this script appends "PASS|FAIL name: why" lines and "tests P F S" to.
# DEADLINE (seconds since the epoch) is the lane's budget: no step runs past it.
set -uo pipefail
root=$1 repo=$2 dotnet_dir=$3 nuget=$4 results=$5 filter=$6 deadline=$7

mounted=()
cleanup() {
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount -R "${mounted[i]}" 2>/dev/null || umount -R -l "${mounted[i]}" 2>/dev/null || echo "could not unmount ${mounted[i]}"
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The host's paths, at the same paths inside the root: the built test assembly's paths and the
# SDK's stay valid. /dev and /sys are recursive binds, made slaves so nothing propagates back.
bind() {
  local from=$1 to=$root$1
  mkdir -p "$to" || return 1
  mount "${@:2}" "$from" "$to" || return 1
  mounted+=("$to")
}
mount -t proc proc "$root/proc" && mounted+=("$root/proc") || { echo "cannot mount /proc in the root"; exit 3; }
bind /dev --rbind --make-rslave && bind /sys --rbind --make-rslave \
  && bind "$dotnet_dir" --bind && bind "$repo" --bind && bind "$nuget" --bind \
  || { echo "cannot bind-mount into the root"; exit 3; }

work=/tmp/scratch-ci-opencl            # inside the root: test results, the training run folder
rm -rf --one-file-system "${root:?}$work"; mkdir -p "$root$work"
# in_root SECONDS COMMAND…: runs COMMAND in the root, in $work, killed after SECONDS; a clean
# environment: only what .NET and the tests need, and the device the ILGPU tests run on.
# A step gets its own limit or what is left of the budget, whichever is less; timeout signals the
# whole process group (vstest's test host too), and KILLs what is still there 15 s later.
in_root() {
  local limit=$1 left=$((deadline - $(date +%s))); shift
  ((left < limit)) && limit=$((left > 1 ? left : 1))
  timeout --kill-after=15 "$limit" chroot "$root" /usr/bin/env -i HOME="$HOME" PATH="$dotnet_dir:/usr/sbin:/usr/bin:/sbin:/bin" LANG=C.UTF-8 \
    DOTNET_ROOT="$dotnet_dir" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
    NUGET_PACKAGES="$nuget" SCRATCH_TEST_ILGPU=opencl TERM=dumb \
    /bin/sh -c "cd $work && exec \"\$@\"" sh "$@"
}
scratch() { local limit=$1; shift; in_root "$limit" "$dotnet_dir/dotnet" "$repo/src/Gan/bin/Release/net10.0/scratch.dll" "$@"; }

echo "--- scratch devices (inside Debian $(cat "$root/etc/debian_version"))"
scratch 120 devices

echo "--- the ILGPU tests on opencl: dotnet test --filter \"$filter\""
log=$root$work/tests.log
in_root 480 "$dotnet_dir/dotnet" test "$repo/tests/bin/Release/net10.0/Scratch.Tests.dll" --filter "$filter" 2>&1 | tee "$log"
code=${PIPESTATUS[0]}
summary=$(grep -E '^(Passed|Failed)!' "$log" | tail -n 1)
num() { echo "$summary" | sed -nE "s/.*$1: *([0-9]+).*/\1/p"; }
p=$(num Passed) f=$(num Failed) s=$(num Skipped)
if [[ -z $summary ]]; then
  # No summary: the run crashed, timed out (124), or the filter selected no test. All count as a failure.
  why="no test summary (exit $code)"; grep -q 'No test matches' "$log" && why="the filter \"$filter\" selected no test"
  [[ $code == 124 ]] && why="timed out (480 s, or the lane's budget)"
  echo "tests 0 1 0" >>"$results"; echo "FAIL tests: $why" >>"$results"
elif [[ $((${p:-0} + ${f:-0})) == 0 ]]; then
  echo "tests 0 1 ${s:-0}" >>"$results"; echo "FAIL tests: every selected test was skipped" >>"$results"
else
  if ((${f:-0} > 0)); then
    # One rerun of the failed test methods, in a fresh process. A test that passes then is counted as
    # passed but named here as FLAKY with its first error, so an intermittent fault (a race, a driver
    # bug) is reported in every log that sees it instead of failing CI at random; a test that fails
    # twice fails the lane.
    methods=$(sed -nE 's/^  Failed (Scratch\.Tests\.[A-Za-z0-9_.]+).*/\1/p' "$log" | sort -u)
    rerun_filter=$(echo "$methods" | sed 's/^/FullyQualifiedName~/' | paste -sd'|')
    echo "--- rerun of the failed test methods: $(echo "$methods" | tr '\n' ' ')"
    in_root 240 "$dotnet_dir/dotnet" test "$repo/tests/bin/Release/net10.0/Scratch.Tests.dll" --filter "$rerun_filter" 2>&1 | tee "$log.rerun"
    again=$(grep -E '^(Passed|Failed)!' "$log.rerun" | tail -n 1 | sed -nE 's/.*Failed: *([0-9]+).*/\1/p')
    if [[ -n $again ]] && ((again < f)); then
      for m in $methods; do
        grep -q "^  Failed $m" "$log.rerun" && continue
        block=$(grep -A12 "^  Failed $m" "$log")
        first=$( (echo "$block" | grep -m1 -E 'vs cpu-ref|[Ee]xpected' || echo "$block" | grep -m1 'Exception') | sed 's/^[- ]*//' | cut -c1-300)
        echo "FLAKY: $m failed, then passed on the rerun; first error: $first"
      done
      p=$((${p:-0} + f - again)) f=$again
    fi
  fi
  echo "tests ${p:-0} ${f:-0} ${s:-0}" >>"$results"
  if [[ $code != 0 && ${f:-0} == 0 ]]; then
    # Every test that ran passed, yet dotnet test failed: a crashed test host (the rest never ran) or
    # another error. One failure, named with the test host's own words where it crashed.
    why="dotnet test exited $code"
    grep -q 'Test host process crashed' "$log" && why="the test host crashed after ${p:-0} tests ($(grep -m1 -o 'Test host process crashed.*' "$log" | cut -c1-120)); the rest did not run"
    echo "tests 0 1 0" >>"$results"; echo "FAIL tests: $why" >>"$results"
  fi
fi

# A tiny training: vanilla GAN, 20 iterations of the first epoch. Passes when it exits 0 and
# metrics.csv has a row of losses.
echo "--- scratch train --model vanilla --epochs 1 --stop-after 20 --device opencl"
run=$work/train
scratch 300 train --model vanilla --epochs 1 --stop-after 20 --sample-every 0 --device opencl --out "$run"
code=$?
rows=$(tail -n +2 "$root$run/metrics.csv" 2>/dev/null | grep -c .)
if [[ $code == 0 && $rows -gt 0 ]]; then echo "PASS train: exit 0, $rows rows in metrics.csv" >>"$results"
else echo "FAIL train: exit $code$( ((code == 124)) && echo ', timed out'), ${rows:-0} rows in metrics.csv" >>"$results"; fi

# --warmup 0: the check is that a whole DCGAN step runs on OpenCL, not its speed (3 untimed
# warm-up steps would triple its cost on pocl).
echo "--- scratch bench dcgan-step --device opencl --iters 2 --warmup 0"
scratch 300 bench dcgan-step --device opencl --iters 2 --warmup 0
code=$?
if [[ $code == 0 ]]; then echo "PASS bench: exit 0" >>"$results"; else echo "FAIL bench: exit $code$( ((code == 124)) && echo ', timed out')" >>"$results"; fi
rm -rf --one-file-system "${root:?}$work"
