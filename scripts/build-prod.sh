#!/bin/bash
# Build the production-like kernel of make bench in build/prod: "make
# allnoconfig" with scripts/prod.config on top (what the end-to-end test
# needs, the function tracer for the timeline, no debug option), from
# build/linux as it is. Incremental and through ccache; when the kernel does
# not build, its image is removed so that nothing boots a stale kernel.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$build/prod
fragment=$top/scripts/prod.config
[ -f "$tree/Makefile" ] || die "no build/linux: run 'make tree' first"
mkdir -p "$out"
kmake() { make -C "$tree" O="$out" ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" "$@"; }

say "configuring build/prod (allnoconfig + scripts/prod.config)"
kmake -s KCONFIG_ALLCONFIG="$fragment" allnoconfig >"$out/config.log" 2>&1 ||
	{ cat "$out/config.log"; die "allnoconfig failed"; }
# Every line of the fragment must have made it (a missing dependency drops it)
bad=0
while IFS= read -r line; do
	case $line in CONFIG_*=*) ;; *) continue ;; esac
	grep -qxF "$line" "$out/.config" || { say "build/prod/.config lacks $line"; bad=1; }
done <"$fragment"
for opt in KASAN PROVE_LOCKING DEBUG_KMEMLEAK DEBUG_KERNEL LOCKDEP KUNIT; do
	! grep -q "^CONFIG_$opt=y" "$out/.config" || { say "build/prod has CONFIG_$opt"; bad=1; }
done
[ "$bad" = 0 ] || die "scripts/prod.config does not apply (see above)"

say "building build/prod ($(nproc) jobs; log build/prod/build.log)"
if ! kmake -j"$(nproc)" Image.gz >"$out/build.log" 2>&1; then
	rm -f "$out/vmlinux" "$out"/arch/arm64/boot/Image*
	tail -30 "$out/build.log"
	die "build/prod does not build (build/prod/build.log)"
fi
say "built build/prod/arch/arm64/boot/Image.gz"
