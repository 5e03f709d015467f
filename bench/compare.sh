#!/usr/bin/env bash
# Runs each workload in Scratch and in the TorchSharp peer, interleaved, RUNS times each (default 3),
# and prints the ratios scratch/libtorch of the median step time and of the median peak RSS (whole
# process, from /usr/bin/time), with Scratch's pool peak (bytes tensors held at once, from its JSON).
# Usage: [THREADS=N] [RUNS=N] bench/compare.sh [ITERS] [WORKLOAD...]
# THREADS limits both engines to N threads (SCRATCH_THREADS for Scratch, --threads for libtorch).
# Scratch runs with --device cpu, as the peer runs libtorch's CPU: the default (auto) first probes for
# a CUDA or OpenCL GPU, and where pocl is installed that probe alone maps ~65 MB of LLVM.
set -euo pipefail
cd "$(dirname "$0")/.."
iters=${1:-10}; shift || true
workloads=${*:-gemm vanilla-step dcgan-step wgan-gp-step sample-1k dcgan64-step}
runs=${RUNS:-3}
peer=../shared/peer/torchsharp/run.sh
peer_threads=()
if [[ -n ${THREADS:-} ]]; then export SCRATCH_THREADS=$THREADS; peer_threads=(--threads "$THREADS"); fi
[[ -x /usr/bin/time ]] || { echo "compare.sh: /usr/bin/time is needed for peak RSS (apt-get install time)" >&2; exit 1; }
dotnet build src/Gan -c Release -nologo -v q >/dev/null
scratch=src/Gan/bin/Release/net10.0/scratch
"$peer" gemm --iters 1 >/dev/null   # builds the peer once, outside the measurements
field() { sed -nE "s/.*\"$1\":([0-9.]+).*/\1/p"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
rss_mb() { awk '/^RSS_KB/ { printf "%.1f\n", $2 / 1024 }' "$1"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for w in $workloads; do
  : >"$tmp/s_ms"; : >"$tmp/p_ms"; : >"$tmp/s_rss"; : >"$tmp/p_rss"; : >"$tmp/s_pool"
  for ((r = 0; r < runs; r++)); do
    s=$(/usr/bin/time -f 'RSS_KB %M' -o "$tmp/st" $scratch bench "$w" --iters "$iters" --device cpu)
    p=$(/usr/bin/time -f 'RSS_KB %M' -o "$tmp/pt" "$peer" "$w" --iters "$iters" "${peer_threads[@]}")
    echo "$s"; echo "$p"
    echo "$s" | field median_ms >>"$tmp/s_ms"; echo "$p" | field median_ms >>"$tmp/p_ms"
    echo "$s" | field pool_peak_mb >>"$tmp/s_pool"
    rss_mb "$tmp/st" >>"$tmp/s_rss"; rss_mb "$tmp/pt" >>"$tmp/p_rss"
  done
  awk -v w="$w" -v s="$(median <"$tmp/s_ms")" -v p="$(median <"$tmp/p_ms")" \
      -v sr="$(median <"$tmp/s_rss")" -v pr="$(median <"$tmp/p_rss")" -v pool="$(median <"$tmp/s_pool")" \
    'BEGIN { printf "%-13s scratch %9.2f ms  libtorch %9.2f ms  ratio %.2fx | peak RSS scratch %7.1f MB  libtorch %7.1f MB  ratio %.2fx  (scratch pool peak %.1f MB)\n", w, s, p, s / p, sr, pr, sr / pr, pool }'
done
