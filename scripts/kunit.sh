#!/bin/bash
# Build the patched kernel for arm64 with the series' .kunitconfig, boot it
# in QEMU through kunit.py, and record one result per test case (and one
# for a clean kernel log) in build/results/kunit.txt, checked against
# expected-results.txt. Starts by removing the results and the log of the
# previous run; when the kernel does not build, its image is removed too,
# so that nothing boots a stale kernel.
#   scripts/kunit.sh [kunit.py exec argument...]
#   scripts/kunit.sh --build-only   (make bench: build the kernel, run nothing,
#                                    leave the last run's results alone)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kunitconfig=drivers/remoteproc/.kunitconfig
kbuild=$build/kunit
common=(--arch=arm64 --build_dir="$kbuild" "${kunit_configs[@]}")
build_kernel() {
	(cd "$tree" && python3 tools/testing/kunit/kunit.py build "${common[@]}" \
		--cross_compile="$CROSS_COMPILE" --jobs="$(nproc)")
}
no_kernel() { rm -f "$kbuild/vmlinux" "$kbuild"/arch/arm64/boot/Image*; }

if [ "${1:-}" = --build-only ]; then
	[ -f "$tree/$kunitconfig" ] || die "no build/linux/$kunitconfig: run 'make tree' first"
	build_kernel && exit 0
	no_kernel
	die "the KUnit kernel does not configure or build"
fi

results=$build/results/kunit.txt
out=$build/results/kunit.out
mkdir -p "$build/results"
rm -f "$results" "$out" "$build/results/kunit.json" "$kbuild/test.log"
: >"$results"
fail() { echo "fail $*" >>"$results"; say "FAIL: $*"; exit 1; }

[ -f "$tree/$kunitconfig" ] || fail "kunit: no $kunitconfig in build/linux"
cd "$tree" || fail "kunit: no build/linux"

build_kernel 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
	no_kernel
	fail "kunit: the kernel does not configure or build (kunit.py build exited $status; build/results/kunit.out)"
fi

python3 tools/testing/kunit/kunit.py exec "${common[@]}" "${kunit_qemu_args[@]}" --timeout=2400 \
	--json="$build/results/kunit.json" "$@" 2>&1 | tee -a "$out"
status=${PIPESTATUS[0]}

if [ -s "$kbuild/test.log" ]; then
	python3 "$top/scripts/kunit-report.py" "$kbuild/test.log" >>"$results" ||
		echo "fail kunit: kunit-report.py failed" >>"$results"
else
	echo "fail kunit: the kernel wrote no test.log" >>"$results"
fi
[ "$status" -eq 0 ] || grep -q '^fail' "$results" ||
	echo "fail kunit: kunit.py exec exited $status" >>"$results"
python3 "$top/scripts/expected-results.py" check kunit "$results" ||
	echo "fail kunit: expected-results.py failed" >>"$results"
! grep -q '^fail' "$results"
