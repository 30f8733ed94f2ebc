#!/bin/bash
# Static gates on the series, one result line per gate in
# build/results/check.txt:
#  - bisectability: every patch, applied in order, builds the directories the
#    series touches (with W=1 and sparse C=1) with every Kconfig symbol the
#    series has added so far enabled (=y, checked), and adds no warning that
#    the base does not have; where the remoteproc selftest exists, it builds
#    for arm64 with -Werror;
#  - checkpatch --strict on every patch: no error, warning or check;
#  - spdxcheck on the files the series adds: every license identifier valid;
#  - kernel-doc -none -Wall on the files the series touches: nothing new;
#  - make coccicheck MODE=report on the files the series touches: nothing new.
# A tool that does not run, or has nothing to check, is a failure.
# Starts from the .config of the KUnit build (scripts/kunit.sh).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

results=$build/results/check.txt
src=$build/bisect-src
obj=$build/bisect
kunitconfig=drivers/remoteproc/.kunitconfig
mkdir -p "$build/results"
: >"$results"
record() { echo "$1 $2" >>"$results"; [ "$1" = pass ] || say "FAIL: $2"; }
finish() { ! grep -q '^fail' "$results"; exit; }
# how long each part took, on stdout (build/check.log in make test)
t0=$(date +%s)
lap() { local now; now=$(date +%s); say "$1: $((now - t0)) s"; t0=$now; }

[ -f "$build/kunit/.config" ] || { record fail "check: no build/kunit/.config (scripts/kunit.sh configures it)"; finish; }
git -C "$tree" rev-parse -q --verify base >/dev/null && git -C "$tree" rev-parse -q --verify series >/dev/null ||
	{ record fail "check: build/linux has no base or series (make tree)"; finish; }

mapfile -t commits < <(git -C "$tree" rev-list --reverse base..series)
mapfile -t pfiles < <(series_files)
[ "${#commits[@]}" -gt 0 ] || { record fail "check: no commit in base..series"; finish; }
[ "${#commits[@]}" -eq "${#pfiles[@]}" ] ||
	record fail "check: build/linux has ${#commits[@]} commits, patches/series ${#pfiles[@]} patches"

# Directories to build: those of the C files the series touches, and always
# the remoteproc and rpmsg cores.
dirs=$( (printf '%s\n' drivers/remoteproc drivers/rpmsg
	git -C "$tree" diff --name-only base series -- '*.c' | xargs -r -n1 dirname |
		grep -v '^tools/') | sort -u | sed 's|$|/|')
touched=$(git -C "$tree" diff --name-only --diff-filter=AM base series -- '*.c' '*.h' | grep -v '^tools/')
added=$(git -C "$tree" diff --name-only --diff-filter=A base series)

[ -d "$src/.git" ] || [ -f "$src/.git" ] || git -C "$tree" worktree add -q --detach "$src" base ||
	{ record fail "check: cannot create the worktree $src"; finish; }
mkdir -p "$obj"

# Check out $1 in the worktree; the gates read the files from there.
checkout() {
	git -C "$src" checkout -q --detach "$1" && [ "$(git -C "$src" rev-parse HEAD)" = "$(git -C "$tree" rev-parse "$1^{commit}")" ]
}

# The Kconfig symbols that base..$1 adds
new_symbols() {
	git -C "$tree" diff base "$1" -- '*Kconfig*' | sed -nE 's/^\+(menu)?config ([A-Za-z0-9_]+).*/\2/p' | sort -u
}

# Configure the worktree's commit: the KUnit .config, olddefconfig, then the
# symbols of its .kunitconfig (when it has one), olddefconfig again; and
# KASAN off: its instrumentation doubles the compile time and changes
# nothing in what compiles or warns.
configure() {
	make -s -C "$src" O="$obj" olddefconfig >"$obj/config.log" 2>&1 || return 1
	if [ -f "$src/$kunitconfig" ]; then
		"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$src/$kunitconfig" >>"$obj/config.log" 2>&1 || return 1
	fi
	"$src/scripts/config" --file "$obj/.config" -d KASAN &&
		make -s -C "$src" O="$obj" olddefconfig >>"$obj/config.log" 2>&1
}

# Build $dirs at the worktree's commit (C=1: sparse on what is compiled,
# C=2: on everything).
build_dirs() {
	local c=$1 log=$2
	# shellcheck disable=SC2086
	make -C "$src" O="$obj" -j"$(nproc)" W=1 C="$c" $dirs >"$log" 2>&1
}
# The warnings of a build log, normalised (no source prefix, no line
# numbers) and sorted.
warnings() {
	grep -E '(warning|error):' "$1" |
		sed -E "s|$src/||g; s|^\.\./${src##*/}/||; s|^\.\./||; s|:[0-9]+(:[0-9]+)?:|:|" | sort -u
}

# The remoteproc selftest, cross-built with its own warnings as errors
selftest() {
	local log=$1
	rm -rf "$obj/selftest" && mkdir -p "$obj/selftest"
	{ make -s -C "$src" O="$obj" headers &&
		CFLAGS=-Werror make -C "$src/tools/testing/selftests/remoteproc" \
			OUTPUT="$obj/selftest" KHDR_INCLUDES="-isystem $obj/usr/include"; } >"$log" 2>&1 &&
		[ -x "$obj/selftest/remoteproc_recovery_test" ] &&
		{ [ ! -f "$src/tools/testing/selftests/remoteproc/remoteproc_recovery_bench.c" ] ||
			[ -x "$obj/selftest/remoteproc_recovery_bench" ]; }
}

# The commit whose configuration $obj/.config is; a commit that changes no
# Kconfig file and no .kunitconfig has the same one (configuring takes longer
# than building most patches).
configured=""
cp "$build/kunit/.config" "$obj/.config"
if ! checkout base || ! configure; then
	record fail "build: base does not configure ($obj/config.log)"
elif ! build_dirs 2 "$obj/base.log"; then
	record fail "build: base does not build ($obj/base.log)"
else
	configured=base
fi
warnings "$obj/base.log" >"$obj/base.warnings"
lap "base build"

i=0
for c in "${commits[@]}"; do
	p=${pfiles[$i]:-commit $(git -C "$tree" log -1 --format=%h "$c")}
	i=$((i + 1))
	if ! checkout "$c"; then
		record fail "build: $p: git checkout failed"
		continue
	fi
	if [ -z "$configured" ] ||
		! git -C "$tree" diff --quiet "$configured" "$c" -- '*Kconfig*' "$kunitconfig"; then
		configured=""
		if ! configure; then
			tail -20 "$obj/config.log"
			record fail "build: $p: configuring failed ($obj/config.log)"
			continue
		fi
		configured=$c
	fi
	off=$(for s in $(new_symbols "$c"); do
		grep -qx "CONFIG_$s=y" "$obj/.config" || echo "CONFIG_$s"
	done)
	if [ -n "$off" ]; then
		record fail "build: $p: not built, the series' symbols are not =y: $(echo $off)"
		continue
	fi
	if ! build_dirs 1 "$obj/$i.log"; then
		grep -E '(error|warning):' "$obj/$i.log" | head -20 || tail -20 "$obj/$i.log"
		record fail "build: $p does not build ($obj/$i.log)"
		continue
	fi
	new=$(warnings "$obj/$i.log" | comm -13 "$obj/base.warnings" -)
	if [ -n "$new" ]; then
		echo "$new"
		record fail "build: $p adds warnings (W=1, sparse): $(head -1 <<<"$new")"
	else
		record pass "build: $p builds with no new W=1 or sparse warning"
	fi
	if [ -f "$src/tools/testing/selftests/remoteproc/Makefile" ]; then
		if selftest "$obj/$i.selftest.log"; then
			record pass "build: $p: remoteproc selftest builds for arm64 with -Werror"
		else
			grep -E '(error|warning):' "$obj/$i.selftest.log" | head -20 || tail -20 "$obj/$i.selftest.log"
			record fail "build: $p: remoteproc selftest does not build with -Werror: $(grep -m1 -E '(error|warning):' "$obj/$i.selftest.log" | sed "s|$src/||")"
		fi
	fi
done

lap "${#commits[@]} per-patch builds"

# checkpatch on each patch as exported; it ran when it printed its summary
checkpatch=$tree/scripts/checkpatch.pl
for p in "${pfiles[@]}"; do
	if [ ! -f "$patches/$p" ]; then
		record fail "checkpatch --strict: $p: no such file in patches/"
		continue
	fi
	# The Debian tree has no upstream history, so Fixes: ids cannot be looked up.
	# FILE_PATH_CHANGES fires for any new file in a patch that leaves
	# MAINTAINERS alone; the gate below checks that every new file has its
	# maintainers instead.
	out=$(cd "$tree" && "$checkpatch" --strict --ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES "$patches/$p" 2>&1)
	status=$?
	reports=$(grep -E '^(ERROR|WARNING|CHECK):' <<<"$out")
	if ! grep -qE 'total: [0-9]+ errors, [0-9]+ warnings, ([0-9]+ checks, )?[0-9]+ lines checked' <<<"$out" ||
		{ [ "$status" -ne 0 ] && [ -z "$reports" ]; }; then
		echo "$out" | tail -5
		record fail "checkpatch --strict: $p: checkpatch did not run (exit $status): $(head -1 <<<"$out")"
	elif [ -n "$reports" ] || [ "$status" -ne 0 ]; then
		echo "$reports"
		record fail "checkpatch --strict: $p: $(wc -l <<<"$reports") report(s)"
	else
		record pass "checkpatch --strict: $p"
	fi
done

lap "checkpatch"

# Every file the series adds is covered by an existing MAINTAINERS entry of
# the remoteproc list (no section of our own).
if ! checkout series; then
	record fail "MAINTAINERS: git checkout series failed"
elif [ -z "$added" ]; then
	record fail "MAINTAINERS: the series adds no file to check"
else
	orphans=""
	for f in $added; do
		m=$(cd "$src" && ./scripts/get_maintainer.pl --no-git --no-git-fallback --no-rolestats -f "$f" 2>&1)
		grep -q 'linux-remoteproc@vger.kernel.org' <<<"$m" || orphans+=" $f"
	done
	if [ -n "$orphans" ]; then
		record fail "MAINTAINERS: no remoteproc entry covers:$orphans"
	else
		record pass "MAINTAINERS: $(wc -w <<<"$added") files the series adds are covered"
	fi
fi

# spdxcheck on the files the series adds. checkpatch's own license check
# feeds spdxcheck.py a line it ignores, so it never rejects anything; and
# spdxcheck.py needs python3-ply and python3-git (Debian's python3, lib.sh).
spdx_canary=$(cd "$tree" && echo 'SPDX-License-Identifier: NO-SUCH-LICENSE' | scripts/spdxcheck.py - 2>&1)
if ! checkout series; then
	record fail "spdxcheck: git checkout series failed"
elif ! grep -q 'Invalid License ID' <<<"$spdx_canary"; then
	record fail "spdxcheck: spdxcheck.py does not run: $(tail -1 <<<"$spdx_canary")"
elif [ -z "$added" ]; then
	record fail "spdxcheck: the series adds no file to check"
else
	# shellcheck disable=SC2086
	out=$(cd "$src" && scripts/spdxcheck.py -v $added 2>"$obj/spdx.err")
	status=$?
	checked=$(sed -nE 's/^Files checked: *([0-9]+)/\1/p' "$obj/spdx.err")
	if [ "$status" -ne 0 ] || [ "${checked:-0}" -ne "$(wc -w <<<"$added")" ]; then
		tail -5 "$obj/spdx.err"
		record fail "spdxcheck: spdxcheck.py failed (exit $status, ${checked:-0} of $(wc -w <<<"$added") files checked)"
	elif [ -n "$out" ]; then
		echo "$out"
		record fail "spdxcheck: $(wc -l <<<"$out") invalid license identifier(s): $(head -1 <<<"$out")"
	else
		record pass "spdxcheck: $checked files the series adds"
	fi
fi

# kernel-doc on the touched files, base against series. With -none it exits
# 0 unless it could not run; a canary comment proves that it reports.
kdoc() {
	local rev=$1 f
	checkout "$rev" || { echo "checkout $rev failed" >&2; return 1; }
	for f in $touched; do
		[ -f "$src/$f" ] || continue
		(cd "$src" && ./scripts/kernel-doc -none -Wall "$f" 2>&1) || { echo "kernel-doc failed on $f" >&2; return 1; }
	done | sed -E 's|:[0-9]+:|:|' | sort -u
	return "${PIPESTATUS[0]}"
}
printf '/**\n * canary() - a function\n * @a: documented\n */\nint canary(int a, int b);\n' >"$obj/kdoc-canary.c"
canary=$(cd "$tree" && ./scripts/kernel-doc -none -Wall "$obj/kdoc-canary.c" 2>&1)
if ! grep -q "'b'" <<<"$canary"; then
	record fail "kernel-doc -Wall: kernel-doc does not report an undocumented parameter: $(head -1 <<<"$canary")"
elif [ -z "$touched" ]; then
	record fail "kernel-doc -Wall: the series touches no C file"
elif ! kdoc base >"$obj/kdoc.base" || ! kdoc series >"$obj/kdoc.series"; then
	record fail "kernel-doc -Wall: kernel-doc failed"
elif new=$(comm -13 "$obj/kdoc.base" "$obj/kdoc.series") && [ -n "$new" ]; then
	echo "$new"
	record fail "kernel-doc -Wall: $(wc -l <<<"$new") new warning(s): $(head -1 <<<"$new")"
else
	record pass "kernel-doc -Wall: no new warning in $(wc -w <<<"$touched") touched files"
fi

lap "MAINTAINERS, spdxcheck, kernel-doc"

# coccicheck, base against series, on the C files and headers the series
# adds or changes. They are copied into a directory of their own for
# coccicheck's M=, a C file with the headers beside it: coccicheck reports
# file by file, so every other file reports the same on both sides, and
# checking the whole of drivers/remoteproc took about twice as long.
cocci() {
	local rev=$1 dir=$obj/cocci/$1 f d
	checkout "$rev" || return 1
	rm -rf "$dir" && mkdir -p "$dir" || return 1
	for f in $touched; do
		[ -f "$src/$f" ] || continue
		d=$(dirname "$f")
		mkdir -p "$dir/$d" && cp "$src/$f" "$dir/$f" || return 1
		[ "${f%.c}" = "$f" ] ||
			find "$src/$d" -maxdepth 1 -name '*.h' -exec cp -n {} "$dir/$d/" \; || return 1
	done
	[ -n "$(find "$dir" -name '*.c')" ] || { echo "no C file to check at $rev" >"$obj/cocci.log"; return 1; }
	# a canary that ifnullfree.cocci reports, to prove that spatch reports
	printf '#include <linux/slab.h>\n\nvoid canary(void *p)\n{\n\tif (p)\n\t\tkfree(p);\n}\n' >"$dir/cocci-canary.c"
	# spatch finds the files to parse with git grep inside a git tree,
	# which sees nothing in an ignored directory: coccigrep does.
	make -s -C "$src" coccicheck MODE=report M="$dir" J="$(nproc)" SPFLAGS=--use-coccigrep \
		>"$obj/cocci.log" 2>&1 ||
		return 1
	{ grep -F "$dir/" "$obj/cocci.log" || [ $? -eq 1 ]; } | { grep -v '^/usr/bin/spatch ' || [ $? -eq 1 ]; } |
		sed -E "s|$dir/||g; s|:[0-9]+(:[0-9]+)?(-[0-9]+)?:|:|g" | sort -u
}
# the base's reports, cached per base version and set of files
base_cocci=$build/cocci.base.$(installed_base).$(md5sum <<<"$touched" | cut -c1-8)
if [ ! -f "$base_cocci" ]; then
	cocci base >"$base_cocci.tmp" && mv "$base_cocci.tmp" "$base_cocci"
fi
if [ ! -f "$base_cocci" ] || ! cocci series >"$obj/cocci.series"; then
	tail -5 "$obj/cocci.log"
	record fail "coccicheck: coccicheck itself failed ($obj/cocci.log)"
elif ! grep -q '^cocci-canary.c:' "$base_cocci" || ! grep -q '^cocci-canary.c:' "$obj/cocci.series"; then
	record fail "coccicheck: spatch did not report the canary ($obj/cocci.log)"
elif new=$(comm -13 "$base_cocci" "$obj/cocci.series") && [ -n "$new" ]; then
	echo "$new"
	record fail "coccicheck: $(wc -l <<<"$new") new report(s): $(head -1 <<<"$new")"
else
	record pass "coccicheck: no new report in $(wc -w <<<"$touched") files the series adds or changes"
fi
lap coccicheck
checkout series || record fail "check: git checkout series failed at the end"

finish
