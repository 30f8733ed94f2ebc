#!/bin/bash
# Build the end-to-end test's initramfs, build/e2e/initramfs.cpio.gz: a static
# /init (mounts, runs the test, powers off), the remoteproc recovery
# selftest and its bench, for arm64. Does nothing when no input changed.
#
# Sources: the selftest from build/linux (tools/testing/selftests/remoteproc,
# or $E2E_SELFTEST_DIR), the init from scripts/e2e-init.c.
# The uapi headers are installed from build/linux (make headers_install),
# kselftest_harness.h is build/linux's.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$build/e2e
cc=${CROSS_COMPILE}gcc
selftests=$tree/tools/testing/selftests

st=${E2E_SELFTEST_DIR:-}
if [ -z "$st" ]; then
	st=$selftests/remoteproc
fi
for f in remoteproc_recovery_test.c remoteproc_recovery_bench.c remoteproc_util.c remoteproc_util.h; do
	[ -f "$st/$f" ] || die "no $f in $st (set E2E_SELFTEST_DIR)"
done
init_src=$top/scripts/e2e-init.c
[ -f "$selftests/kselftest_harness.h" ] || die "no $selftests/kselftest_harness.h: run 'make tree' first"
command -v "$cc" >/dev/null || die "no $cc: run scripts/install-deps.sh"

mkdir -p "$out"

# uapi headers, reinstalled when the tree's uapi changed
hdr=$out/headers
if [ ! -f "$hdr/.stamp" ] ||
	[ -n "$(find "$tree/include/uapi" "$tree/arch/arm64/include/uapi" -newer "$hdr/.stamp" -print -quit)" ]; then
	say "installing the uapi headers of build/linux"
	make -s -C "$tree" O="$out/hdr-obj" ARCH=arm64 headers_install INSTALL_HDR_PATH="$hdr" >"$out/headers.log" 2>&1 ||
		{ tail -20 "$out/headers.log"; die "headers_install failed"; }
	touch "$hdr/.stamp"
fi

# "../kselftest_harness.h" is looked up relative to an existing directory of
# the selftests, so that the test builds from outside the tree too.
cflags=(-static -Wall -O2 -isystem "$hdr/include" -I "$selftests/kselftest")

inputs() {
	cat "$0" "$st"/remoteproc_recovery_test.c "$st"/remoteproc_recovery_bench.c \
		"$st"/remoteproc_util.[ch] "$init_src" \
		"$selftests/kselftest_harness.h" "$selftests/kselftest.h" \
		"$hdr/include/linux/rpmsg.h"
	echo "${cflags[*]}"
	"$cc" --version | head -1
}
sum=$(inputs | sha256sum | cut -d' ' -f1)
if [ -f "$out/initramfs.cpio.gz" ] && [ "$(cat "$out/inputs.sha256" 2>/dev/null)" = "$sum" ]; then
	say "build/e2e/initramfs.cpio.gz is up to date"
	exit 0
fi

root=$out/root
rm -rf "$root"
mkdir -p "$root"/{dev,proc,sys,tmp}
say "building /init, remoteproc_recovery_test and remoteproc_recovery_bench ($st)"
"$cc" "${cflags[@]}" -o "$root/init" "$init_src"
# from its directory, so that the harness' messages name the file briefly
for prog in remoteproc_recovery_test remoteproc_recovery_bench; do
	(cd "$st" && "$cc" "${cflags[@]}" -o "$root/$prog" "$prog.c" remoteproc_util.c)
done
"${CROSS_COMPILE}strip" "$root/init" "$root/remoteproc_recovery_test" "$root/remoteproc_recovery_bench"
# The kernel opens /dev/console for /init before devtmpfs is mounted
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 "$root/dev/console" c 5 1
fi

find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
	gzip -9n >"$out/initramfs.cpio.gz.tmp"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
echo "$sum" >"$out/inputs.sha256"
say "wrote build/e2e/initramfs.cpio.gz ($(stat -c %s "$out/initramfs.cpio.gz") bytes)"
