#!/bin/bash
# Boot the patched kernel (build/kunit) in QEMU with the end-to-end initramfs
# and run the remoteproc recovery selftest against the simulated remote
# processors; save the console in build/e2e/console.log, one result line per
# test case (and one for the kernel log) in build/e2e/results.txt, and print
# the report. Fails when the run did not finish, the test failed, or the
# kernel log has an oops, WARNING, KASAN, lockdep or kmemleak report.
#
#   scripts/e2e-run.sh [-c CYCLES] [-m test|bench] [-t SECONDS] [KERNEL_ARG...]
#
# Environment: E2E_CYCLES (3), E2E_MODE (test), E2E_TIMEOUT (seconds for the
# whole run; by default from the cycles), E2E_BOOT (1), E2E_ATTACH (1),
# E2E_VDEVS (1) simulated processors, E2E_SMP (QEMU's 1), E2E_MEM (1024),
# E2E_KERNEL (build/kunit/arch/arm64/boot/Image.gz), E2E_APPEND (more
# kernel arguments), E2E_OUT (where console.log and results.txt go;
# build/e2e), E2E_VERBOSE=1 shows the console while it runs.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

cycles=${E2E_CYCLES:-3}
mode=${E2E_MODE:-test}
hard=${E2E_TIMEOUT:-}
while getopts c:m:t: o; do
	case $o in
	c) cycles=$OPTARG ;;
	m) mode=$OPTARG ;;
	t) hard=$OPTARG ;;
	*) die "usage: $0 [-c cycles] [-m test|bench] [-t seconds] [kernel arg...]" ;;
	esac
done
shift $((OPTIND - 1))

out=${E2E_OUT:-$build/e2e}
kernel=${E2E_KERNEL:-$build/kunit/arch/arm64/boot/Image.gz}
config=$(dirname "$kernel")/../../../.config
log=$out/console.log
results=$out/results.txt
nboot=${E2E_BOOT:-1} nattach=${E2E_ATTACH:-1}
nprocs=$((nboot + nattach))
# A wait in the test is bounded by 30 s; this bounds the whole run
hard=${hard:-$((600 + cycles * nprocs * 9 * 5))}

mkdir -p "$out"
# Nothing of an earlier run is read back
rm -f "$log" "$results"
[ -f "$kernel" ] || die "no kernel $kernel: run scripts/kunit.sh first (it removes the image when the build fails)"
if [ -f "$config" ]; then
	for opt in BLK_DEV_INITRD DEVTMPFS REMOTEPROC_SIM RPMSG_CTRL; do
		grep -q "^CONFIG_$opt=y" "$config" || die "the kernel lacks CONFIG_$opt ($config)"
	done
fi
"$top/scripts/e2e-initramfs.sh" || die "building the initramfs failed"

append="console=ttyAMA0 panic=-1 printk.devkmsg=on kunit.enable=0"
append+=" remoteproc_sim.boot=$nboot remoteproc_sim.attach=$nattach remoteproc_sim.vdevs=${E2E_VDEVS:-1}"
append+=" e2e.mode=$mode e2e.cycles=$cycles ${E2E_APPEND:-} $*"

say "booting $(realpath --relative-to="$top" "$kernel") ($mode, $cycles cycle(s), at most $hard s)"
start=$(date +%s)
cpu=max,pauth-impdef=on
qemu=(qemu-system-aarch64 -machine virt -cpu "$cpu" -m "${E2E_MEM:-1024}"
	${E2E_SMP:+-smp "$E2E_SMP"} -nodefaults -nographic -serial stdio -no-reboot
	-kernel "$kernel" -initrd "$build/e2e/initramfs.cpio.gz" -append "$append")
if [ "${E2E_VERBOSE:-0}" = 1 ]; then
	timeout -k 10 "$hard" "${qemu[@]}" </dev/null 2>&1 | tee "$log"
	status=${PIPESTATUS[0]}
else
	timeout -k 10 "$hard" "${qemu[@]}" </dev/null >"$log" 2>&1
	status=$?
fi
took=$(($(date +%s) - start))
# The serial console ends lines with CR LF
sed -i 's/\r$//' "$log"

python3 "$top/scripts/e2e-report.py" --results "$log" >"$results"
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
	echo "fail e2e: QEMU killed after $hard s (hung or too slow; E2E_TIMEOUT)" >>"$results"
elif [ "$status" != 0 ]; then
	echo "fail e2e: QEMU exited with status $status" >>"$results"
fi

python3 "$top/scripts/e2e-report.py" "$log"
[ "$mode" = bench ] && python3 "$top/scripts/bench-report.py" "$log"
echo
grep '^fail' "$results" || true
say "$(grep -c '^pass' "$results") passed, $(grep -c '^fail' "$results") failed in $took s; console: $(realpath --relative-to="$top" "$log")"
! grep -q '^fail' "$results"
