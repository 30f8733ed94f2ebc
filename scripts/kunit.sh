#!/bin/bash
# Build the patched kernel for arm64 with the series' .kunitconfig, boot it
# in QEMU through kunit.py, and record one result per test case (and one
# for a clean kernel log) in build/results/kunit.txt.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kunitconfig=drivers/remoteproc/.kunitconfig
results=$build/results/kunit.txt
mkdir -p "$build/results"
: >"$results"

[ -f "$tree/$kunitconfig" ] || { echo "fail kunit: $kunitconfig missing" >"$results"; die "no $kunitconfig in build/linux"; }

cd "$tree" || exit 1
python3 tools/testing/kunit/kunit.py run --arch=arm64 \
	--cross_compile="$CROSS_COMPILE" --build_dir="$build/kunit" \
	--kunitconfig="$kunitconfig" --jobs="$(nproc)" --timeout=2400 \
	--json="$build/results/kunit.json" "$@" | tee "$build/results/kunit.out"
status=${PIPESTATUS[0]}

python3 "$top/scripts/kunit-report.py" "$build/kunit/test.log" >>"$results"
[ "$status" -eq 0 ] || echo "fail kunit.py exited $status (config, build or boot failure)" >>"$results"
! grep -q '^fail' "$results"
