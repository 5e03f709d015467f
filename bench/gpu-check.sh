#!/usr/bin/env bash
# One command that tells whether Scratch is right and how fast it is on this machine's GPU, measured
# against PyTorch on the same card: it runs the bundle bench/gpu-bundle.sh made (.gpu/), which needs
# no .NET and no network here. docs/gpu.md ("Checking a GPU machine") says how to read the report.
#
#   bash bench/gpu-check.sh [cuda|opencl|ilgpu-cpu] [--budget SECONDS] [--quick|--full]
#
# Steps, each bounded by what is left of the total budget (default 420 s), each recorded even when it
# fails: unpack the bundle into /tmp; `scratch devices`; the tests tagged Category=Ilgpu with
# SCRATCH_TEST_ILGPU=<device>; 20 DCGAN iterations on the device and on `cpu`, losses compared;
# `scratch bench` for every workload with SCRATCH_GEMM=cublas and =tiled (CUDA; other devices: their
# own engine); the same workloads in PyTorch (bench/torch_bench.py, where `import torch` works and
# sees the GPU). Writes gpu-report.md and gpu-check.log into $OUT (else a new folder under /tmp, named at
# the end); writes nothing else outside /tmp. The last line is "N passed, N failed, N skipped" (steps,
# with the runner's tests counted one by one); the exit code is 1 if anything failed.
#
# --quick (GPU_CHECK_QUICK=1; the default on ilgpu-cpu, --full to refuse it), for CI's dry run: two
# tests, one workload, a few iterations, no PyTorch. Knobs: GPU_CHECK_BUDGET, GPU_CHECK_TESTS
# (xunit.console filter arguments), GPU_CHECK_WORKLOADS, GPU_CHECK_ITERS, GPU_CHECK_WARMUP, GPU_CHECK_TRAIN_ITERS, GPU_CHECK_TRAIN_BATCH,
# GPU_CHECK_LOSS_TOL (largest relative loss gap that passes, default 0.01).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
usage() { echo "usage: bash bench/gpu-check.sh [cuda|opencl|ilgpu-cpu] [--budget SECONDS] [--quick|--full]"; }

device=cuda quick=${GPU_CHECK_QUICK:-} budget=${GPU_CHECK_BUDGET:-420}
while (( $# )); do
  case $1 in
    cuda|opencl|ilgpu-cpu|ilgpu-cpu-nvidia) device=$1 ;;
    --quick) quick=1 ;;
    --full) quick=0 ;;
    --budget) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || { echo "gpu-check: --budget takes a whole number of seconds" >&2; exit 2; }; budget=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "gpu-check: unknown argument '$1' ($(usage))" >&2; exit 2 ;;
  esac
  shift
done
# ILGPU's CPU accelerator emulates every GPU thread: one DCGAN step at batch 128 takes minutes there,
# so on it the check is the quick one unless --full says otherwise.
if [[ -z $quick ]]; then [[ $device == ilgpu-cpu* ]] && quick=1 || quick=0; fi
[[ $budget =~ ^[1-9][0-9]*$ ]] || { echo "gpu-check: GPU_CHECK_BUDGET must be a whole number of seconds" >&2; exit 2; }

if [[ $quick == 1 ]]; then
  tests_filter=${GPU_CHECK_TESTS:--class Scratch.Tests.Tensor.IlgpuUploadTests -method Scratch.Tests.Autograd.EngineTests.Gradients_on_ilgpu_equal_gradients_on_cpu}
  workloads=${GPU_CHECK_WORKLOADS:-gemm} iters=${GPU_CHECK_ITERS:-2} warmup=${GPU_CHECK_WARMUP:-1}
  train_iters=${GPU_CHECK_TRAIN_ITERS:-3} train_batch=${GPU_CHECK_TRAIN_BATCH:-8}
else
  tests_filter=${GPU_CHECK_TESTS:--trait Category=Ilgpu}
  workloads=${GPU_CHECK_WORKLOADS:-} iters=${GPU_CHECK_ITERS:-10} warmup=${GPU_CHECK_WARMUP:-3}
  train_iters=${GPU_CHECK_TRAIN_ITERS:-20} train_batch=${GPU_CHECK_TRAIN_BATCH:-}
fi
loss_tol=${GPU_CHECK_LOSS_TOL:-0.01}

out=${OUT:-/tmp/scratch-gpu-check-$device-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$out" || { echo "gpu-check: cannot create the report folder '$out'" >&2; exit 2; }
out=$(cd "$out" && pwd)
log=$out/gpu-check.log report=$out/gpu-report.md
work=$(mktemp -d /tmp/scratch-gpu-run.XXXXXX)
exec > >(tee "$log") 2>&1

start=$SECONDS deadline=$((SECONDS + budget))
left() { echo $((deadline - SECONDS)); }
say() { echo "== gpu-check [$((SECONDS - start))s]: $*"; }

# Every step's outcome: name, pass|fail|skip, seconds, one line of detail.
declare -A bench_ms=() torch_ms=()   # "workload engine-index" -> Scratch's median ms; workload -> PyTorch's
steps=() tests_passed=0 tests_failed=0 tests_skipped=0 runner_ran=0
# What the report reads, set by the steps that get to run.
gemms=() gemm_labels=() bench_list=() lib_notes=() device_ok=0 device_line="" tests_summary="" failed_tests="" train_args="" loss_table=""
record() { steps+=("$1"$'\t'"$2"$'\t'"$3"$'\t'"$4"); say "$1: $2 — $4"; }
# Runs "$@" with at most $1 seconds (never more than what is left); the output goes to the log and to $2.
bounded() {
  local cap=$1 file=$2; shift 2
  (( cap > $(left) )) && cap=$(left)
  (( cap < 1 )) && return 125
  timeout -k 10 "$cap" "$@" 2>&1 | tee "$file"
  return "${PIPESTATUS[0]}"
}
# A step the budget left no time to start is skipped; one that ran out of time or broke failed.
fail_or_skip() { (( $1 == 125 )) && echo skip || echo fail; }
# Why a command failed: its exit code or the budget, then the last line it printed ($3), if any.
why() {
  case $1 in 124|137) echo -n "timed out after $2 s (budget)" ;; 125) echo -n "not started: the budget of $budget s is spent" ;; *) echo -n "exit code $1" ;; esac
  [[ -n ${3:-} && $1 != 125 ]] && echo -n ": $3"
  echo
}

source "$repo/bench/gpu-check-steps.sh"
source "$repo/bench/gpu-check-report.sh"

say "Scratch GPU check on $device (budget $budget s$([[ $quick == 1 ]] && echo ", quick")); report folder $out"
host_info
if unpack_bundle; then
  link_libraries
  # Correctness first (tests, then the loss comparison), so a slow bench cannot starve it of budget.
  devices_step
  tests_step
  train_step
  bench_step
  torch_step
else
  for s in devices tests train bench pytorch; do record "$s" skip 0 "no bundle to run"; done
fi
write_report
say "report: $report   log: $log   work files: $work"
passed=$tests_passed failed=$tests_failed skipped=$tests_skipped
for s in "${steps[@]}"; do
  [[ $runner_ran == 1 && $s == tests$'\t'* ]] && continue   # the runner's tests are counted one by one instead
  case $(cut -f2 <<<"$s") in pass) ((passed++)) ;; fail) ((failed++)) ;; skip) ((skipped++)) ;; esac
done
echo "$passed passed, $failed failed, $skipped skipped"
exec >&- 2>&-; wait
(( failed == 0 ))
