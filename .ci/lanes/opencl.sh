#!/usr/bin/env bash
# The OpenCL lane: the ILGPU kernels on a real OpenCL compiler and driver (pocl 6 on the CPU), not
# ILGPU's CPU emulator. Inside a cached Debian 13 root (lib/debian-root.sh) it runs
#   1. every test tagged Category=Ilgpu with SCRATCH_TEST_ILGPU=opencl,
#   2. a tiny training: scratch train --model vanilla --stop-after 20 --device opencl,
#   3. scratch bench dcgan-step --device opencl --iters 2 --warmup 0,
# and ends, as every lane must (.ci/run), with "N passed, N failed, N skipped": the tests' own counts
# plus one each for the training and the bench. A filter that selects no test counts as a failure.
#
# Where the lane cannot run here (not root, no mount namespace, no debootstrap or Debian archive),
# it prints one line with the reason and counts as skipped: the tests the filter selects (listed from
# the host's build) plus the two checks — never as passed.
#
# Budget: the checks get SCRATCH_OPENCL_BUDGET seconds (default 600) from the lane's start; a step
# still running then is killed and fails. Making the root the first time (about 3 minutes, once per
# machine) and waiting for another OpenCL lane on the machine are not counted; the lane prints both.
#
# Environment: SCRATCH_CI_CACHE (default /var/cache/scratch-ci) holds the root; SCRATCH_OPENCL_FILTER
# overrides the test filter; SCRATCH_CI_DEBIAN_MIRROR the archive. Writes nothing in the checkout
# except bin/ and obj/ (the host's Release build of the tests, when it is missing or stale).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
source "$here/lib/debian-root.sh"
filter=${SCRATCH_OPENCL_FILTER:-Category=Ilgpu}
cache=${SCRATCH_CI_CACHE:-/var/cache/scratch-ci}
root=$cache/debian-$ROOT_SUITE-pocl
tests_dll=$repo/tests/bin/Release/net10.0/Scratch.Tests.dll
start=$SECONDS

# How many tests the filter selects, listed from the host's build (0 when there is no build).
selected_tests() {
  [[ -f $tests_dll ]] || { echo 0; return; }
  (cd /tmp && timeout 120 dotnet test "$tests_dll" --list-tests --filter "$filter" 2>/dev/null) | grep -c '^    '
}
skip_lane() {
  local n; n=$(selected_tests)
  echo "OpenCL lane skipped: $1 (counted: the $n tests \"$filter\" selects + the training + the bench, as skipped)"
  echo "0 passed, 0 failed, $((n + 2)) skipped"
  exit 0
}
fail_lane() { echo "OpenCL lane failed: $1"; echo "0 passed, 1 failed, 0 skipped"; exit 0; }

[[ $(id -u) == 0 ]] || skip_lane "not root (debootstrap, chroot and mount need root)"
command -v unshare >/dev/null && unshare --mount --propagation private true 2>/dev/null \
  || skip_lane "cannot make a private mount namespace (unshare --mount failed)"
command -v dotnet >/dev/null || skip_lane "no dotnet on PATH"
dotnet_dir=$(dirname "$(readlink -f "$(command -v dotnet)")")
nuget=${NUGET_PACKAGES:-$HOME/.nuget/packages}

# The host's Release build of the tests (and, through them, of scratch): reused when no source is
# newer, else built here on the host, where restore and the SDK's caches already are.
if [[ ! -f $tests_dll ]] || [[ -n $(find "$repo/src" "$repo/tests" \( -name '*.cs' -o -name '*.csproj' \) -newer "$tests_dll" -not -path '*/obj/*' -not -path '*/bin/*' -print -quit) ]]; then
  echo "building the tests (Release) on the host"
  dotnet build "$repo/tests" -c Release --nologo -v q >/tmp/scratch-ci-opencl-build.log 2>&1 \
    || { tail -n 20 /tmp/scratch-ci-opencl-build.log; fail_lane "the Release build of the tests failed"; }
fi
mkdir -p "$nuget"

mkdir -p "$cache" || skip_lane "cannot create the cache folder $cache"
# One lane at a time per machine: the root and its mounts are shared.
# Children get fd 9 closed (9>&-): a process that outlived the lane would otherwise hold the lock.
exec 9>"$cache/lock"
waited=$SECONDS
flock -w 900 9 || skip_lane "another OpenCL lane held $cache/lock for 15 minutes"
waited=$((SECONDS - waited))
made=$SECONDS
ensure_root "$root" 9>&- || skip_lane "the Debian $ROOT_SUITE root could not be made (see the line above)"
made=$((SECONDS - made))
# The budget runs from the lane's start, less the wait for the lock and the root's making.
deadline=$(($(date +%s) + ${SCRATCH_OPENCL_BUDGET:-600} - (SECONDS - start) + waited + made))

results=$(mktemp)
unshare --mount --propagation private bash "$here/lib/in-root.sh" "$root" "$repo" "$dotnet_dir" "$nuget" "$results" "$filter" "$deadline" 9>&-
code=$?
[[ $code == 3 ]] && { rm -f "$results"; skip_lane "the root's mounts could not be made"; }

read -r tp tf ts < <(awk '$1 == "tests" { p += $2; f += $3; s += $4 } END { print p + 0, f + 0, s + 0 }' "$results")
grep -E '^(PASS|FAIL)' "$results"
# The training and the bench: each one that did not pass (failed, or never reported because the
# script died first) is a failure; so is a test run that never reported.
cp=$(grep -cE '^PASS (train|bench):' "$results") cf=$((2 - $(grep -cE '^PASS (train|bench):' "$results")))
[[ $tp$tf$ts == 000 ]] && tf=1
rm -f "$results"
echo "OpenCL lane: tests $tp passed, $tf failed, $ts skipped; training and bench $cp passed, $cf failed; $((SECONDS - start)) s in all, of which $made s making the root and $waited s waiting for another lane"
echo "$((tp + cp)) passed, $((tf + cf)) failed, $ts skipped"
