#!/bin/bash
# make test's end-to-end job: boot the KUnit kernel (scripts/kunit.sh built
# it) with the simulated remote processors, one booted and one attached to,
# run the recovery selftest through the user ABI for a few cycles per crash
# class, and record one result per test case, per mode, for the kernel log
# and for the kmemleak scan in build/results/e2e.txt, checked against
# expected-results.txt.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

results=$build/results/e2e.txt
mkdir -p "$build/results"
rm -f "$results" "$build/e2e/results.txt" "$build/e2e/console.log"
"$top/scripts/e2e-run.sh" -c "${E2E_CYCLES:-2}"
status=$?
if [ -s "$build/e2e/results.txt" ]; then
	cp "$build/e2e/results.txt" "$results"
else
	echo "fail e2e: no result (e2e-run.sh exited $status; see its output and build/e2e/console.log)" >"$results"
fi
[ "$status" -eq 0 ] || grep -q '^fail' "$results" || echo "fail e2e: e2e-run.sh exited $status" >>"$results"
python3 "$top/scripts/expected-results.py" check e2e "$results" ||
	echo "fail e2e: expected-results.py failed" >>"$results"
! grep -q '^fail' "$results"
