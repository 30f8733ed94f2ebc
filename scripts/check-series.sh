#!/bin/bash
# Static gates on the series, one result line per gate in
# build/results/check.txt:
#  - bisectability: every patch, applied in order, builds the directories the
#    series touches (with W=1 and sparse C=1) and adds no warning that the
#    base does not have;
#  - checkpatch --strict on every patch: no error, warning or check;
#  - kernel-doc -none -Wall on the files the series touches: nothing new;
#  - make coccicheck MODE=report on drivers/remoteproc: nothing new.
# Needs the .config of the KUnit build (scripts/kunit.sh).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

results=$build/results/check.txt
src=$build/bisect-src
obj=$build/bisect
mkdir -p "$build/results"
: >"$results"
record() { echo "$1 $2" >>"$results"; [ "$1" = pass ] || say "FAIL: $2"; }

[ -f "$build/kunit/.config" ] || die "no build/kunit/.config: run scripts/kunit.sh first"

commits=$(git -C "$tree" rev-list --reverse base..series)
patch_of() { sed -n "$1p" <<<"$(series_files)"; }

# Directories to build: those of the C files the series touches, and always
# the remoteproc and rpmsg cores.
dirs=$( (echo drivers/remoteproc drivers/rpmsg
	git -C "$tree" diff --name-only base series -- '*.c' | xargs -r -n1 dirname |
		grep -v '^tools/') | sort -u | sed 's|$|/|')
touched=$(git -C "$tree" diff --name-only --diff-filter=AM base series -- '*.c' '*.h' | grep -v '^tools/')

[ -d "$src/.git" ] || [ -f "$src/.git" ] || git -C "$tree" worktree add -q --detach "$src" base
mkdir -p "$obj"

# Build $dirs at the worktree's commit; print the warnings, normalised
# (no source prefix, no line numbers) and sorted.
build_dirs() {
	local c=$1 log=$2
	make -s -C "$src" O="$obj" olddefconfig >/dev/null 2>&1 || return 1
	# shellcheck disable=SC2086
	make -C "$src" O="$obj" -j"$(nproc)" W=1 C="$c" $dirs >"$log" 2>&1
}
warnings() {
	grep -E '(warning|error):' "$1" | sed -E "s|$src/||g; s|^\.\./||; s|:[0-9]+(:[0-9]+)?:|:|" | sort -u
}

cp "$build/kunit/.config" "$obj/.config"
git -C "$src" checkout -q --detach base
if ! build_dirs 2 "$obj/base.log"; then
	record fail "build: base does not build ($obj/base.log)"
fi
warnings "$obj/base.log" >"$obj/base.warnings"

i=0
for c in $commits; do
	i=$((i + 1))
	p=$(patch_of $i)
	git -C "$src" checkout -q --detach "$c"
	if ! build_dirs 1 "$obj/$i.log"; then
		tail -20 "$obj/$i.log"
		record fail "build: $p does not build"
		continue
	fi
	new=$(warnings "$obj/$i.log" | comm -13 "$obj/base.warnings" -)
	if [ -n "$new" ]; then
		echo "$new"
		record fail "build: $p adds warnings (W=1, sparse): $(head -1 <<<"$new")"
	else
		record pass "build: $p builds with no new W=1 or sparse warning"
	fi
done

# checkpatch on each patch as exported
for p in $(series_files); do
	# The Debian tree has no upstream history, so Fixes: ids cannot be looked up.
	out=$(cd "$tree" && ./scripts/checkpatch.pl --strict --terse --no-summary \
		--ignore UNKNOWN_COMMIT_ID "$patches/$p" 2>&1 |
		grep -E '(ERROR|WARNING|CHECK):')
	if [ -n "$out" ]; then
		echo "$out"
		record fail "checkpatch --strict: $p: $(wc -l <<<"$out") report(s)"
	else
		record pass "checkpatch --strict: $p"
	fi
done

# kernel-doc on the touched files, base against series
kdoc() {
	local rev=$1 f
	git -C "$src" checkout -q --detach "$rev"
	for f in $touched; do
		[ -f "$src/$f" ] && (cd "$src" && ./scripts/kernel-doc -none -Wall "$f" 2>&1)
	done | sed -E 's|:[0-9]+:|:|' | sort -u
}
kdoc base >"$obj/kdoc.base"
kdoc series >"$obj/kdoc.series"
new=$(comm -13 "$obj/kdoc.base" "$obj/kdoc.series")
if [ -n "$new" ]; then
	echo "$new"
	record fail "kernel-doc -Wall: $(wc -l <<<"$new") new warning(s): $(head -1 <<<"$new")"
else
	record pass "kernel-doc -Wall: no new warning in $(wc -w <<<"$touched") touched files"
fi

# coccicheck on drivers/remoteproc, base (cached per base version) against series
cocci() {
	git -C "$src" checkout -q --detach "$1"
	make -s -C "$src" coccicheck MODE=report M=drivers/remoteproc J="$(nproc)" >"$obj/cocci.log" 2>&1 ||
		return 1
	grep -E '^[./]*drivers/' "$obj/cocci.log" |
		sed -E "s|$src/||; s|^\./||; s|:[0-9]+(:[0-9]+)?(-[0-9]+)?:|:|g" | sort -u
}
base_cocci=$build/cocci.base.$(installed_base)
if [ ! -f "$base_cocci" ]; then
	cocci base >"$base_cocci.tmp" && mv "$base_cocci.tmp" "$base_cocci"
fi
if [ ! -f "$base_cocci" ] || ! cocci series >"$obj/cocci.series"; then
	tail -5 "$obj/cocci.log"
	record fail "coccicheck drivers/remoteproc: coccicheck itself failed ($obj/cocci.log)"
elif new=$(comm -13 "$base_cocci" "$obj/cocci.series") && [ -n "$new" ]; then
	echo "$new"
	record fail "coccicheck drivers/remoteproc: $(wc -l <<<"$new") new report(s): $(head -1 <<<"$new")"
else
	record pass "coccicheck drivers/remoteproc: no new report"
fi
git -C "$src" checkout -q --detach series

! grep -q '^fail' "$results"
