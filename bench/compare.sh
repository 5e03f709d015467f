#!/usr/bin/env bash
# Runs each workload in Scratch and in the TorchSharp peer, interleaved, and prints the ratio
# scratch/libtorch of the medians. Usage: [THREADS=N] bench/compare.sh [ITERS] [WORKLOAD...]
# THREADS limits both engines to N threads (SCRATCH_THREADS for Scratch, --threads for libtorch).
set -euo pipefail
cd "$(dirname "$0")/.."
iters=${1:-10}; shift || true
workloads=${*:-gemm vanilla-step dcgan-step wgan-gp-step sample-1k dcgan64-step}
peer=../shared/peer/torchsharp/run.sh
peer_threads=()
if [[ -n ${THREADS:-} ]]; then export SCRATCH_THREADS=$THREADS; peer_threads=(--threads "$THREADS"); fi
dotnet build src/Gan -c Release -nologo -v q >/dev/null
scratch=src/Gan/bin/Release/net10.0/scratch
med() { sed -E 's/.*"median_ms":([0-9.]+).*/\1/'; }
for w in $workloads; do
  s=$($scratch bench "$w" --iters "$iters"); p=$($peer "$w" --iters "$iters" "${peer_threads[@]}")
  echo "$s"; echo "$p"
  awk -v w="$w" -v s="$(echo "$s" | med)" -v p="$(echo "$p" | med)" 'BEGIN { printf "%-13s scratch %9.2f ms  libtorch %9.2f ms  ratio %.2fx\n", w, s, p, s / p }'
done
