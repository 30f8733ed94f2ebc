#!/bin/bash
# make test: install, rebuild the tree from patches/, run every job, and
# close with one line "N passed, N failed, N skipped". Exits non-zero on any
# failure. A job that exits non-zero without recording a failure gets one.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

start=$(date +%s)
rm -rf "$build/results"
mkdir -p "$build/results"

# job NAME SCRIPT: run a job; its results are build/results/NAME.txt
job() {
	local name=$1 script=$2 status
	"$top/scripts/$script"
	status=$?
	if [ "$status" -ne 0 ] && ! grep -qs '^fail' "$build/results/$name.txt"; then
		echo "fail $name: scripts/$script exited $status and recorded no failure" >>"$build/results/$name.txt"
	fi
	if [ ! -s "$build/results/$name.txt" ]; then
		echo "fail $name: scripts/$script recorded no result" >>"$build/results/$name.txt"
	fi
}

if ! "$top/scripts/install-deps.sh"; then
	echo "fail dependencies: scripts/install-deps.sh failed" >"$build/results/deps.txt"
elif ! "$top/scripts/make-tree.sh" 2>&1 | tee "$build/make-tree.log"; then
	failed=$(grep -o 'patches/[^ ]* does not apply' "$build/make-tree.log" || echo "make tree failed")
	echo "fail series applies on linux-source-6.12 $(installed_base): $failed" >"$build/results/tree.txt"
else
	echo "pass series applies on linux-source-6.12 $(installed_base)" >"$build/results/tree.txt"
	# The static gates start from the KUnit kernel's .config, and build
	# while the suites and the end-to-end run boot in QEMU, which keeps
	# about one core of two busy. When the kernel does not build, kunit.sh
	# records it and they run after.
	check=""
	if "$top/scripts/kunit.sh" --build-only; then
		say "static gates in the background while QEMU runs (build/check.log)"
		job check check-series.sh >"$build/check.log" 2>&1 &
		check=$!
	fi
	job kunit kunit.sh
	job e2e e2e.sh
	if [ -n "$check" ]; then
		wait "$check"
		cat "$build/check.log"
	else
		job check check-series.sh
	fi
fi

echo
echo "== results (base linux-source-6.12 $(installed_base), $(( $(date +%s) - start )) s)"
grep -h '^fail' "$build/results"/*.txt
skipped=$(cat "$build/results"/*.txt | grep -c '^skip')
[ "$skipped" -eq 0 ] || { echo "skipped:"; grep -h '^skip' "$build/results"/*.txt | sed 's/^skip /  /'; }
passed=$(cat "$build/results"/*.txt | grep -c '^pass')
failed=$(cat "$build/results"/*.txt | grep -c '^fail')
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
