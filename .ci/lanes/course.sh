#!/usr/bin/env bash
# CI lane: exercise mode's promise. `scratch course init` writes a learner's copy with every task blanked;
# the copy must build, and every task must have a test that fails there on its own blank ("todo" in
# `course list --check`: a test that passes without the learner's code, or fails only on another task's
# blank, is a defect). That the same tests pass on the solutions, the main suite checks (they run there).
# One build of the copy and one test run for all tasks. Last line: tasks blank as they should be, and not.
set -uo pipefail
cd "$(dirname "$0")/../.."
copy=$(mktemp -d /tmp/scratch-course.XXXXXX)
rmdir "$copy"
trap 'rm -rf "$copy"' EXIT
if ! dotnet build src/Gan -c Release -v q -nologo >/dev/null; then
  echo "src/Gan does not build"; echo "0 passed, 1 failed, 0 skipped"; exit 1
fi
scratch() { dotnet src/Gan/bin/Release/net10.0/scratch.dll "$@"; }
if ! scratch course init "$copy"; then
  echo "course init failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1
fi
list=$(mktemp)
scratch course list --check --dir "$copy" | tee "$list"
# Rows: "ID  STATUS  FILE:LINE  HINT"; the status of a blank task is todo.
todo=$(grep -cE '^Q?[0-9]+\.[0-9]+ +todo ' "$list")
rows=$(grep -E '^Q?[0-9]+\.[0-9]+ ' "$list" | grep -cvE '^Q?[0-9.]+ +read ')
if (( rows == 0 )); then echo "course list --check listed no task (did the copy build?)"; echo "0 passed, 1 failed, 0 skipped"; exit 1; fi
grep -E '^Q?[0-9]+\.[0-9]+ ' "$list" | grep -vE '^Q?[0-9.]+ +(todo|read) ' | sed 's/^/not blank as it should be: /'
echo "$todo passed, $((rows - todo)) failed, 0 skipped"
(( todo == rows ))
