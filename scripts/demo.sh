#!/bin/bash
# make demo: build the patched kernel (running the KUnit suites on the way),
# boot it in QEMU with two simulated remote processors, one booted and one
# attached to, crash them through debugfs again and again from userspace,
# and print the recovery report: per crash class and mode the cycles,
# failures, times and whether rpmsg echoed again, then the kernel log of one
# recovery. Exits non-zero on any failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

"$top/scripts/install-deps.sh" || die "installing the dependencies failed"
"$top/scripts/make-tree.sh" || die "the series does not apply"

say "building the kernel and running the KUnit suites (build/demo-kunit.log)"
"$top/scripts/kunit.sh" >"$build/demo-kunit.log" 2>&1
kunit=$?
[ -f "$build/kunit/arch/arm64/boot/Image.gz" ] || { tail -30 "$build/demo-kunit.log"; die "the kernel did not build"; }

echo
echo "== KUnit, arm64 under QEMU: $(grep -c '^pass' "$build/results/kunit.txt") passed, $(grep -c '^fail' "$build/results/kunit.txt") failed"
grep -h '^fail' "$build/results/kunit.txt"
echo "   recovery times measured by the suites (100 crashes in a row):"
python3 "$top/scripts/kunit-report.py" --times "$build/kunit/test.log" | sed 's/^/   /'
echo

E2E_CYCLES=${E2E_CYCLES:-5} "$top/scripts/e2e-run.sh"
e2e=$?

[ "$kunit" -eq 0 ] && [ "$e2e" -eq 0 ]
