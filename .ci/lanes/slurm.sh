#!/usr/bin/env bash
# The Slurm lane: `scratch sweep --emit slurm` on a real Slurm. It starts a single-node cluster from
# Debian's packages (slurm-wlm, munge) in a folder of its own — munged, slurmctld, slurmd, on ports
# no other Slurm uses — emits a 2-point sweep, submits the script as it was written with
# `sbatch --wait`, aggregates, and checks the table. Three checks, each counted:
#   1. the emitted script is accepted and both array tasks finish (sbatch --wait exits 0),
#   2. each point has its eval.json,
#   3. `scratch sweep --aggregate` builds sweep.csv with both points' rows.
# The node has 2 CPUs, as the smallest real nodes do: a script asking for more stays pending for ever.
#
# Where the lane cannot run here (not root, the packages cannot be installed, a daemon does not start),
# it prints one line with the reason and counts the three checks as skipped, never as passed. It ends,
# as every lane must (.ci/run), with "N passed, N failed, N skipped". It stops only the daemons it
# started (by their process ids) and writes nothing in the checkout except the Release build.
#
# Budget: each point trains for 3 seconds (--minutes 0.05) on 300 digits and is evaluated on 20
# samples, so the array takes well under a minute; sbatch --wait is killed after 5 minutes.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dll=$repo/src/Gan/bin/Release/net10.0/scratch.dll
work=${SCRATCH_SLURM_WORK:-/tmp/scratch-ci-slurm}
start=$SECONDS
pids=()

stop_daemons() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
}
trap stop_daemons EXIT
skip_lane() { echo "Slurm lane skipped: $1 (counted: its 3 checks, as skipped)"; echo "0 passed, 0 failed, 3 skipped"; exit 0; }

[[ $(id -u) == 0 ]] || skip_lane "not root (slurmd must run as root to start jobs as their user)"
command -v dotnet >/dev/null || skip_lane "no dotnet on PATH"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  command -v apt-get >/dev/null || skip_lane "Slurm is not installed and there is no apt-get"
  echo "installing slurm-wlm and munge"
  timeout 300 bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge' \
    >/tmp/scratch-ci-slurm-apt.log 2>&1 \
    || skip_lane "apt-get could not install slurm-wlm and munge ($(tail -n 1 /tmp/scratch-ci-slurm-apt.log))"
fi
if [[ ! -f $dll ]]; then
  echo "building scratch (Release)"
  dotnet build "$repo/src/Gan" -c Release --nologo -v q >/tmp/scratch-ci-slurm-build.log 2>&1 \
    || { tail -n 20 /tmp/scratch-ci-slurm-build.log; echo "Slurm lane failed: the Release build of scratch failed"
         echo "0 passed, 3 failed, 0 skipped"; exit 0; }
fi

rm -rf --one-file-system "$work"; mkdir -p "$work"/{state,spool,log,munge,munge-key,sweep} || skip_lane "cannot create $work"

# munge: Slurm's authentication. The lane's own munged, with a fresh key, on a socket of its own in a
# folder it owns (munged wants the socket's folder open to all, and the key's closed to all but it).
chown munge: "$work/munge" "$work/munge-key" && chmod 755 "$work/munge" && chmod 700 "$work/munge-key" \
  || skip_lane "no munge user (the munge package is incomplete)"
key=$work/munge-key/munge.key
dd if=/dev/urandom of="$key" bs=1024 count=1 status=none && chown munge: "$key" && chmod 400 "$key"
socket=$work/munge/munge.socket
runuser -u munge -- munged --foreground --key-file="$key" --socket="$socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/seed" >/dev/null 2>&1 &
pids+=($!)

host=$(hostname -s)
cat >"$work/slurm.conf" <<EOF
ClusterName=scratch-ci
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
MpiDefault=none
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$work/slurm.conf
for ((i = 0; i < 50; i++)); do [[ -S $socket ]] && break; sleep 0.2; done
[[ -S $socket ]] || skip_lane "munged did not start ($(tail -n 1 "$work/munge/munged.log" 2>/dev/null))"
slurmctld -D -c >"$work/log/slurmctld.out" 2>&1 & pids+=($!)
slurmd -D >"$work/log/slurmd.out" 2>&1 & pids+=($!)
for ((i = 0; i < 60; i++)); do
  [[ $(sinfo -h -N -o %T 2>/dev/null) == idle ]] && break
  sleep 0.5
done
state=$(sinfo -h -N -o %T 2>/dev/null)
first_error=$(grep -h -m1 -E 'error|fatal' "$work"/log/slurm*.log 2>/dev/null | head -n 1)
[[ $state == idle ]] || skip_lane "the node did not come up idle within 30 s (sinfo: '${state:-no answer}'; $first_error)"
echo "single-node Slurm up in $((SECONDS - start)) s: $(sinfo --version), node $host, 2 CPUs"

passed=0 failed=0
check() { if [[ $1 == 0 ]]; then echo "PASS $2"; passed=$((passed + 1)); else echo "FAIL $2"; failed=$((failed + 1)); fi; }
scratch() { dotnet "$dll" "$@"; }

scratch sweep --model vanilla --grid "seed=1,2" --epochs 1 --minutes 0.05 --n 20 --emit slurm --out "$work/sweep" \
  || { check 1 "sweep --emit slurm"; echo "$passed passed, $((failed + 2)) failed, 0 skipped"; exit 0; }
grep '^#SBATCH' "$work/sweep/sweep.slurm"

# The script exactly as written; SCRATCH tells it how to start scratch (sbatch passes the environment on).
export SCRATCH="dotnet $dll"
t=$SECONDS
timeout 300 sbatch --wait "$work/sweep/sweep.slurm"
code=$?
check $code "sbatch --wait: both array tasks finished (exit $code, $((SECONDS - t)) s)"
if [[ $code != 0 ]]; then
  squeue -h -o '%i %T %r' 2>/dev/null | sed 's/^/  still queued: /'
  for log in "$work"/sweep/slurm-*.log; do [[ -f $log ]] && { echo "--- $log"; tail -n 5 "$log"; }; done
fi
evals=$(ls "$work"/sweep/seed=*/eval.json 2>/dev/null | wc -l)
check $((evals == 2 ? 0 : 1)) "eval.json for each point ($evals of 2)"

scratch sweep --aggregate "$work/sweep"
rows=$(tail -n +2 "$work/sweep/sweep.csv" 2>/dev/null | grep -cE '^[12],')
check $((rows == 2 ? 0 : 1)) "sweep --aggregate: sweep.csv has both points' rows ($rows of 2)"
cat "$work/sweep/sweep.csv" 2>/dev/null

echo "Slurm lane: $((SECONDS - start)) s in all"
echo "$passed passed, $failed failed, 0 skipped"
