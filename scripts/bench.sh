#!/bin/bash
# make bench: crash recovery, again and again, on two kernels side by side:
# the debug KUnit kernel (build/kunit: KASAN, lockdep, kmemleak) and a
# production-like one (build/prod: scripts/build-prod.sh, no debug option).
# Each boots in QEMU with one booted and one attached simulated processor
# and runs e2e.mode=bench (scripts/e2e-init.c, run_bench()): a "compare"
# part of CHUNK recoveries and CHUNK floor cycles (plain stop+start,
# detach+start) per processor, a "timeline" part traced with function_graph
# (production kernel: the debug one has no function tracer),
# then recoveries alone, CHUNK at a time, until each processor recovered
# CYCLES (production) or DEBUG_CYCLES (debug) times, with the memory and the
# device, id and file counts after each part. Prints the report of
# scripts/bench-report.py; consoles in build/bench/{debug,prod}/console.log.
#
# Environment: CYCLES (10000), DEBUG_CYCLES (1000), CHUNK (1000),
# DEBUG_CHUNK (250), CLASSES (watchdog,floor), TIMELINE (20 traced cycles
# per class and processor; 0: none), KERNELS ("debug prod"), E2E_APPEND
# (more kernel arguments). The two kernels run at the same time, one QEMU
# each.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kernels=${KERNELS:-debug prod}
out=$build/bench
mkdir -p "$out"
start=$(date +%s)

for k in $kernels; do
	case $k in
	debug)
		say "building the debug kernel (build/kunit; log build/bench/debug-build.log)"
		"$top/scripts/kunit.sh" --build-only >"$out/debug-build.log" 2>&1 ||
			{ tail -20 "$out/debug-build.log"; die "the debug kernel does not build"; } ;;
	prod)
		"$top/scripts/build-prod.sh" || die "the production kernel does not build" ;;
	*) die "KERNELS: debug and/or prod, not $k" ;;
	esac
done
"$top/scripts/e2e-initramfs.sh" || die "building the initramfs failed"

pids=() args=()
for k in $kernels; do
	if [ "$k" = debug ]; then
		kernel=$build/kunit/arch/arm64/boot/Image.gz cycles=${DEBUG_CYCLES:-1000}
		more="e2e.chunk=${DEBUG_CHUNK:-250}"
	else
		# no kmemleak in this kernel: the scan is skipped, not failed
		kernel=$build/prod/arch/arm64/boot/Image.gz cycles=${CYCLES:-10000}
		more="e2e.chunk=${CHUNK:-1000} e2e.kmemleak=0"
	fi
	say "$k: $cycles recoveries per processor (build/bench/$k/console.log)"
	E2E_OUT=$out/$k E2E_KERNEL=$kernel \
	E2E_APPEND="e2e.classes=${CLASSES:-watchdog,floor} e2e.timeline=${TIMELINE:-20} $more ${E2E_APPEND:-}" \
		"$top/scripts/e2e-run.sh" -m bench -c "$cycles" >"$out/$k.log" 2>&1 &
	pids+=($!) args+=("$k=$out/$k/console.log")
done
status=0
for p in "${pids[@]}"; do
	wait "$p" || status=1
done
took=$(($(date +%s) - start))

echo
python3 "$top/scripts/bench-report.py" "${args[@]}"
echo
for k in $kernels; do
	grep -h '^fail' "$out/$k/results.txt" 2>/dev/null | sed "s/^/$k: /"
	tail -1 "$out/$k.log" | sed "s/^/$k: /"
done
say "make bench took $((took / 60)) min $((took % 60)) s"
exit $status
