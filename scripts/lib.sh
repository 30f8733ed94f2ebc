# Shared settings for the scripts; sourced, not run.
# shellcheck shell=bash
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$top/build
tree=$build/linux
patches=$top/patches
tested_base=$(cat "$top/base-version")

# Who commits in build/linux (git am keeps each patch's author).
team_name="Remoteproc Recovery Team"
team_email="rproc-recovery@example.org"

# Debian's python3 first: the kernel's scripts need its modules (python3-ply).
export PATH=/usr/bin:/bin:$PATH

export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-

# Compile through ccache, with paths relative to the checkout so that a
# fresh clone on the same machine reuses earlier compilations.
export PATH=/usr/lib/ccache:$PATH CCACHE_BASEDIR=$top

# QEMU for the KUnit runs: two CPUs, so that races between the host's
# threads and the simulated firmware's notifications run in parallel; and
# every KASAN report, not only the first of the boot, so that a test case
# after one that found a bug still fails on its own.
kunit_qemu_args=(--qemu_args="-smp 2" --kernel_args=kasan_multi_shot)

# The KUnit kernel's configuration: the series' .kunitconfig, and what
# make test leaves out of the arm64 defaults to build faster.
kunit_configs=(--kunitconfig=drivers/remoteproc/.kunitconfig --kunitconfig="$top/scripts/kunit-lean.config")

# Patch files in series order.
series_files() {
	grep -v '^[[:space:]]*\(#\|$\)' "$patches/series" 2>/dev/null || true
}

installed_base() {
	dpkg-query -W -f='${Version}' linux-source-6.12
}

say() { printf '%s: %s\n' "${0##*/}" "$*"; }
die() { say "$*" >&2; exit 1; }
