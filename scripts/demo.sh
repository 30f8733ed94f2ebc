#!/bin/bash
# make demo: build the patched kernel, run the recovery suites under QEMU and
# print what happened: every test case with its result and time, then the
# recovery-time figures the repeated-recovery cases measured.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

"$top/scripts/install-deps.sh" || die "installing the dependencies failed"
"$top/scripts/make-tree.sh" || die "the series does not apply"
"$top/scripts/kunit.sh" >"$build/demo-kunit.log" 2>&1
status=$?

log=$build/kunit/test.log
[ -f "$log" ] || { tail -30 "$build/demo-kunit.log"; die "no KUnit log: the build or boot failed"; }

echo
echo "== KUnit on arm64 under QEMU, linux-source-6.12 $(installed_base) + $(series_files | wc -l) patches"
python3 "$top/scripts/kunit-report.py" --table "$log"
echo
echo "== recovery times, 100 crashes in a row per case (figures, not limits)"
python3 "$top/scripts/kunit-report.py" --times "$log"
echo
grep -h '^fail' "$build/results/kunit.txt" || true
echo "$(grep -c '^pass' "$build/results/kunit.txt") passed, $(grep -c '^fail' "$build/results/kunit.txt") failed"
exit $status
