#!/usr/bin/env bash
# How cost grows with the batch and the thread count, for Scratch and libtorch, interleaved:
#   bench/growth.sh [ITERS] [WORKLOAD...]     (default: 3 iterations; vanilla-step dcgan-step wgan-gp-step dcgan64-step)
# The TorchSharp peer fixes its batch at compile time (128, or 64 for dcgan64-step), so for each batch
# this builds a copy of it in /tmp with that one constant changed; the project itself never references it.
set -euo pipefail
cd "$(dirname "$0")/.."
iters=${1:-3}; shift || true
workloads=${*:-vanilla-step dcgan-step wgan-gp-step dcgan64-step}
peer_src=../shared/peer/torchsharp
dotnet build src/Gan -c Release -nologo -v q >/dev/null
scratch=src/Gan/bin/Release/net10.0/scratch
med() { sed -E 's/.*"median_ms":([0-9.]+).*/\1/'; }
peer_for() {   # $1 = batch: a copy of the peer whose GAN steps use that batch
  local d=/tmp/scratch-peer-batch-$1
  if [[ ! -f $d/Program.cs ]]; then
    mkdir -p "$d" && cp "$peer_src"/* "$d"/
    sed -i -E "s/const int B = 128,/const int B = $1,/; s/GanStep\(D64\(\), G64\(\), gp: false, b: 64,/GanStep(D64(), G64(), gp: false, b: B,/" "$d/Program.cs"
  fi
  echo "$d/run.sh"
}
printf "%-13s %6s %7s %12s %12s %7s\n" workload batch threads scratch_ms libtorch_ms ratio
for w in $workloads; do
  for b in 32 64 128 256; do
    peer=$(peer_for "$b")
    for t in 1 2; do
      s=$(SCRATCH_THREADS=$t $scratch bench "$w" --iters "$iters" --warmup 1 --batch "$b" | med)
      p=$($peer "$w" --iters "$iters" --warmup 1 --threads "$t" | med)
      awk -v w="$w" -v b="$b" -v t="$t" -v s="$s" -v p="$p" 'BEGIN { printf "%-13s %6d %7d %12.1f %12.1f %6.2fx\n", w, b, t, s, p, s / p }'
    done
  done
done
