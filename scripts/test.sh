#!/bin/bash
# make test: install, rebuild the tree from patches/, run every job, and
# close with one line "N passed, N failed". Exits non-zero on any failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

start=$(date +%s)
rm -rf "$build/results"
mkdir -p "$build/results"
"$top/scripts/install-deps.sh" || die "installing the dependencies failed"
if ! "$top/scripts/make-tree.sh" 2>&1 | tee "$build/make-tree.log"; then
	failed=$(grep -o 'patches/[^ ]* does not apply' "$build/make-tree.log" || echo "make tree failed")
	echo "fail series applies on linux-source-6.12 $(installed_base): $failed" >"$build/results/tree.txt"
else
	echo "pass series applies on linux-source-6.12 $(installed_base)" >"$build/results/tree.txt"
	"$top/scripts/kunit.sh" || true
	"$top/scripts/check-series.sh" || true
	[ -x "$top/scripts/e2e.sh" ] && { "$top/scripts/e2e.sh" || true; }
fi

echo
echo "== results (base linux-source-6.12 $(installed_base), $(( $(date +%s) - start )) s)"
grep -h '^fail' "$build/results"/*.txt || true
passed=$(cat "$build/results"/*.txt | grep -c '^pass')
failed=$(cat "$build/results"/*.txt | grep -c '^fail')
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
