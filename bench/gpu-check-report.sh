# gpu-report.md for bench/gpu-check.sh (sourced by it): what ran where, each step's outcome, the speed
# table with Scratch / PyTorch ratios and the loss comparison. docs/gpu.md explains how to read it.

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "—"; else printf "%.2f×", a / b }'; }

write_report() {
  local failed_steps=() s name status secs detail i w cells
  for s in "${steps[@]}"; do
    IFS=$'\t' read -r name status secs detail <<<"$s"
    [[ $status == fail ]] && failed_steps+=("**$name**: $detail")
  done
  {
    echo "# Scratch on \`$device\`: GPU check"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC') · commit \`${bundle_commit:-?}\` · $(uname -m), ${os:-?}, $(nproc) cores"
    echo
    echo "- **GPU**: ${gpu:-—} · driver ${driver:-—} · CUDA ${cuda_version:-—}"
    echo "- **Scratch device**: ${device_line:-$device (see the devices step)}"
    for i in "${!gemms[@]}"; do echo "- **matmul, SCRATCH_GEMM=${gemms[$i]:-(unset)}**: ${gemm_labels[$i]:-?}"; done
    echo "- **PyTorch**: ${torch_version:-not run}"
    echo "- **budget**: $budget s$([[ $quick == 1 ]] && echo " (quick: CI's dry run)"), used $((SECONDS - start)) s"
    echo
    if (( ${#failed_steps[@]} )); then
      echo "## Failed"
      echo
      for s in "${failed_steps[@]}"; do echo "- $s"; done
    else
      echo "## Nothing failed"
    fi
    echo
    echo "## Tests on \`$device\` (\`SCRATCH_TEST_ILGPU=$device\`, xunit.console \`$tests_filter\`)"
    echo
    echo "${tests_summary:-the runner did not report (see the tests step)}"
    if [[ -n ${failed_tests:-} ]]; then echo; echo "Failed:"; echo; sed 's/^/- `/; s/$/`/' <<<"$failed_tests"; fi
    echo
    echo "## Speed: median ms per call (\`scratch bench\`, $iters timed after $warmup warm-up; lower is better)"
    echo
    # Columns named by what `scratch devices` said each SCRATCH_GEMM really uses (its words before any parenthesis).
    cells="| workload |"
    for i in "${!gemms[@]}"; do cells+=" Scratch, ${gemm_labels[$i]%% (*} |"; done
    cells+=" PyTorch |"
    for i in "${!gemms[@]}"; do cells+=" ${gemm_labels[$i]%% (*} / PyTorch |"; done
    echo "$cells"
    echo "|---|$(for i in "${!gemms[@]}"; do printf -- '---:|---:|'; done)---:|"
    for w in "${bench_list[@]}"; do
      cells="| $w |"
      for i in "${!gemms[@]}"; do cells+=" ${bench_ms["$w $i"]:-failed} |"; done
      cells+=" ${torch_ms[$w]:-—} |"
      for i in "${!gemms[@]}"; do cells+=" $(ratio "${bench_ms["$w $i"]:-}" "${torch_ms[$w]:-}") |"; done
      echo "$cells"
    done
    echo
    echo "A ratio above 1 means Scratch is slower than PyTorch on the same device by that factor."
    echo
    echo "## Training: DCGAN losses, \`$device\` against \`cpu\`"
    echo
    echo "\`scratch train ${train_args:-} --device DEVICE\`; relative gap = |$device − cpu| / |cpu|."
    echo
    if [[ -n ${loss_table:-} ]]; then
      echo "Largest gap: **${loss_max}** (passes below $(awk -v t="$loss_tol" 'BEGIN { print 100 * t }')%)."
      echo
      echo "| iteration | D cpu | D $device | gap | G cpu | G $device | gap |"
      echo "|---:|---:|---:|---:|---:|---:|---:|"
      echo "$loss_table"
    else
      echo "Not compared (see the train steps)."
    fi
    echo
    echo "## Steps"
    echo
    echo "| step | result | s | detail |"
    echo "|---|---|---:|---|"
    for s in "${steps[@]}"; do
      IFS=$'\t' read -r name status secs detail <<<"$s"
      echo "| $name | $status | $secs | ${detail//|/\\|} |"
    done
    echo
    echo "Log: \`gpu-check.log\` beside this file; libraries: $( (( ${#lib_notes[@]} )) && printf '%s; ' "${lib_notes[@]}" | sed 's/; $//' || echo "nothing linked")."
  } >"$report"
}
