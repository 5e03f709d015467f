#!/usr/bin/env bash
# CI lane: the GPU check's dry run, so bench/gpu-bundle.sh and bench/gpu-check.sh cannot rot while no
# GPU is at hand: build the bundle, then run it on ILGPU's CPU accelerator in quick mode (a few tests,
# one workload, three DCGAN iterations, no PyTorch) within a small budget. Last line: the lane's
# totals, the bundle build counted as one step and the check's own totals (steps and tests) added.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d /tmp/scratch-gpu-dryrun.XXXXXX)
totals='^([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$'
if ! bash bench/gpu-bundle.sh; then
  echo "gpu-bundle.sh failed: the check did not run"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
OUT=$out GPU_CHECK_BUDGET=${GPU_DRYRUN_BUDGET:-240} bash bench/gpu-check.sh ilgpu-cpu --quick | tee "$out/lane.txt"
status=${PIPESTATUS[0]}
echo "--- gpu-report.md ---"; cat "$out/gpu-report.md" 2>/dev/null || echo "(no report written)"
# Each commit unpacks to its own /tmp/scratch-gpu-<sha>; CI's would pile up, 110 MB each.
sum=$(cut -c1-12 .gpu/scratch-gpu.sha256 2>/dev/null) && [[ -n $sum ]] && rm -rf "/tmp/scratch-gpu-$sum"
last=$(grep -E "$totals" "$out/lane.txt" | tail -n 1)
if [[ $last =~ $totals ]]; then
  echo "$((BASH_REMATCH[1] + 1)) passed, ${BASH_REMATCH[2]} failed, ${BASH_REMATCH[3]} skipped"
else
  echo "gpu-check.sh ended without its totals line (exit $status)"
  echo "1 passed, 1 failed, 0 skipped"
fi
(( status == 0 ))
