#!/usr/bin/env bash
# Per-shape GEMM rates inside one workload (from the profiler): bench/matmul-rates.sh [WORKLOAD] [ITERS]
# SCRATCH_BIN: the CLI to profile (another build, to compare code changes) (default this checkout's Release build)
set -euo pipefail
cd "$(dirname "$0")/.."
w=${1:-dcgan-step}; n=${2:-5}
SCRATCH_PROFILE=1 SCRATCH_PROFILE_TOP=500 ${SCRATCH_BIN:-src/Gan/bin/Release/net10.0/scratch} bench "$w" --iters "$n" --warmup 2 2>&1 >/dev/null | grep '^matmul' |
python3 -c "
import sys, re
rows = []
for line in sys.stdin:
    m = re.match(r'matmul \[(\d+),(\d+),(\d+)\]\*? \[(\d+),(\d+),(\d+)\]\*?\s+(\d+)\s+([\d.]+)', line.strip())
    if not m: continue
    b1, M, K, b2, _, N, calls, ms = map(float, m.groups())
    per = ms / calls
    rows.append((ms / $n, line.split()[1], line.split()[2], per, 2 * max(b1, b2) * M * K * N / per / 1e6))
for total, a, b, per, rate in sorted(rows, reverse=True):
    print(f'{a:>16} {b:>18}  {per:7.2f} ms/call  {rate:6.1f} GFLOP/s  {total:6.1f} ms/step')
print(f'{\"total\":>35}  {sum(r[0] for r in rows):6.1f} ms/step')
"
