# Front door. The series lives in patches/; everything else builds, checks
# and demonstrates it. See README.md.

.PHONY: all test demo bench tree export kunit check e2e manifest prove-fixes deps clean

all: test

## make test: install what is needed, apply patches/, run KUnit under QEMU and
## every static gate; ends with "N passed, N failed, N skipped".
test:
	@scripts/test.sh

## make demo: boot the patched kernel in QEMU, inject crashes, print a report.
demo:
	@scripts/demo.sh

## make bench: recoveries again and again on the debug kernel (KASAN, lockdep,
## kmemleak) and on a production-like one (build/prod), side by side:
## recovery/floor (plain restart) ratio, growth, memory drift per 1000
## recoveries, device/id/file counts, the timeline of one recovery per mode.
## (CYCLES=10000 production, DEBUG_CYCLES=1000, CHUNK=1000, CLASSES=watchdog,floor;
## see scripts/bench.sh)
bench: deps
	@scripts/make-tree.sh
	@scripts/bench.sh

## make tree: build/linux, base + patches/ (FORCE=1 to re-apply over local commits).
tree: deps
	@scripts/make-tree.sh

## make export: write patches/ from build/linux (base..series).
export:
	@scripts/export.sh

## make kunit / make check / make e2e: one job of make test, on build/linux as it is.
kunit: deps
	@scripts/kunit.sh

check: deps
	@scripts/check-series.sh

e2e: deps
	@scripts/e2e.sh

## make manifest: rewrite expected-results.txt from the last run's KUnit and
## end-to-end results (after changing the tests on purpose).
manifest:
	@scripts/expected-results.py write

## make prove-fixes: for each patch with a Fixes: tag, the KUnit suites with
## that patch reverted; fails when no test fails without a fix. Not in make test.
prove-fixes: deps
	@scripts/make-tree.sh
	@scripts/prove-fixes.sh

deps:
	@scripts/install-deps.sh

clean:
	rm -rf build
