#!/bin/bash
# make prove-fixes: for every fix in the series (a patch with a Fixes: tag),
# build the KUnit kernel with that patch reverted, everything else applied,
# run the suites and show which tests fail. A fix that no test catches fails
# the target. When a fix does not revert alone because later patches added
# lines beside its own, only its own lines are removed
# (scripts/revert-own-lines.py); when later patches build on it, it is
# reverted together with the fewest of them (the earliest first). A fix
# whose own lines later patches rewrote has its bug put back instead by a
# diff on the code at the end of the series, scripts/prove-fixes.d/NNNN.diff,
# when there is one. The table says which. The fast cases run first; the
# slow ones (the hundred recoveries in a row) only when no fast case fails.
#
# One worktree (build/prove/linux) and one build directory (build/prove/kunit)
# are reused across the fixes, so that each build is incremental; laid out as
# build/linux and build/kunit, so that ccache finds their compilations too.
# Writes the table to build/prove-fixes.txt, each run's log to
# build/prove-fixes/.
#   scripts/prove-fixes.sh [NNNN...]   only the fixes of these patch numbers
#   PROVE_FAST_TIMEOUT: seconds for the fast cases (default 480; they take
#                       about a minute)
#   PROVE_TIMEOUT: seconds for the slow cases (default 2400; the
#                  allocation sweep alone takes about 10 minutes)
#   PROVE_QUIET, PROVE_SLOW_QUIET: seconds without a result after which a
#                       run is stopped, as a kernel that hangs after an oops
#                       prints nothing more (default 120 for the fast cases,
#                       whose longest takes about 15 s, 400 for the slow
#                       ones, about 75 s each)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

src=$build/prove/linux
kbuild=$build/prove/kunit
logs=$build/prove-fixes
table=$build/prove-fixes.txt
start=$(date +%s)

[ -d "$tree/.git" ] || die "no build/linux: run 'make tree' first"
mapfile -t commits < <(git -C "$tree" rev-list --reverse base..series)
mapfile -t pfiles < <(series_files)
name_of() {
	local i
	for i in "${!commits[@]}"; do
		[ "${commits[$i]}" = "$1" ] && { echo "${pfiles[$i]%%-*}"; return; }
	done
	git -C "$tree" log -1 --format=%h "$1"
}
subject() { git -C "$tree" log -1 --format=%s "$1"; }
mapfile -t fixes < <(git -C "$tree" rev-list --reverse --grep='^Fixes: ' base..series)
head=$(git -C "$tree" rev-parse series)
# scripts/prove-fixes.sh 0005 0007: only these fixes
if [ $# -gt 0 ]; then
	mapfile -t fixes < <(for f in "${fixes[@]}"; do
		printf '%s\n' "$@" | grep -qxF "$(name_of "$f")" && echo "$f"; done)
fi
[ "${#fixes[@]}" -gt 0 ] || die "no patch with a Fixes: tag in base..series"

[ -d "$src/.git" ] || [ -f "$src/.git" ] || git -C "$tree" worktree add -q --detach "$src" "$head" ||
	die "cannot create the worktree $src"
git -C "$src" config user.name "$team_name"
git -C "$src" config user.email "$team_email"
mkdir -p "$kbuild" "$logs"
rm -f "$logs"/*.log "$logs"/*.results "$table"

# The tests that fail with the whole series, not to be blamed on a revert
# (a copy: a KUnit run meanwhile rewrites build/results/kunit.txt)
baseline=$logs/series.results
if [ -s "$build/results/kunit.txt" ]; then
	grep '^fail' "$build/results/kunit.txt" | grep -v 'missing from this run' >"$baseline"
else
	: >"$baseline"
	say "NOTE: no build/results/kunit.txt (scripts/kunit.sh): failures are not compared with the series"
fi

# Revert $@ (newest first) on top of series in the worktree. A fix alone
# whose conflicts are later patches' lines beside its own is reverted by
# removing its own lines (own_lines=1).
revert() {
	git -C "$src" revert --abort >/dev/null 2>&1
	git -C "$src" checkout -q -f --detach "$head" && git -C "$src" clean -q -fdx &&
		git -C "$src" revert --no-edit "$@" >/dev/null 2>&1 && return 0
	if [ $# -eq 1 ] && (cd "$src" && python3 "$top/scripts/revert-own-lines.py" "$1") &&
		GIT_EDITOR=true git -C "$src" revert --continue >/dev/null 2>&1; then
		own_lines=1
		return 0
	fi
	git -C "$src" revert --abort >/dev/null 2>&1
	return 1
}

# Revert the fix and the commits of $with on top of series, adding the
# later patches on the fix's files ($later), earliest first, until it reverts.
revert_set() {
	local c
	while :; do
		git -C "$tree" rev-list base.."$head" | grep -xF -f <(printf '%s\n' "$fix" "${with[@]}") >"$logs/set"
		# shellcheck disable=SC2046
		revert $(cat "$logs/set") && return 0
		for c in "${later[@]}" ""; do
			[ -n "$c" ] || return 1
			printf '%s\n' "${with[@]}" | grep -qxF "$c" || { with+=("$c"); break; }
		done
	done
}

# The cases that did not run: a suite that ran only in part, or one whose
# test source is still in the tree but did not run at all (the kernel died)
did_not_run() {
	local results=$1 suite n=0
	while IFS= read -r suite; do
		if grep -v 'missing from this run' "$results" | grep -qE "^(pass|fail|skip) $suite: " ||
			grep -rqs "\.name = \"$suite\"" "$src/drivers/remoteproc/tests"; then
			n=$((n + $(grep -c "^fail $suite: .*: missing from this run" "$results")))
		fi
	done < <(sed -nE 's/^fail ([^:]+): .*: missing from this run.*/\1/p' "$results" | sort -u)
	echo "$n"
}

# Run the suites' cases that kunit.py's --filter=$1 selects, for at most $2
# seconds, stopping QEMU once no result came for $3 seconds (a kernel that
# hangs after an oops prints nothing more); add their results to $results.
run_suites() {
	local pid size last=-1 quiet=0
	rm -f "$kbuild/test.log"
	(cd "$src" && PYTHONUNBUFFERED=1 python3 tools/testing/kunit/kunit.py exec --arch=arm64 \
		--build_dir="$kbuild" "${kunit_configs[@]}" "${kunit_qemu_args[@]}" --filter="$1" \
		--timeout="$2") >>"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 5
		size=$(stat -c %s "$log")
		if [ "$size" -ne "$last" ]; then
			last=$size quiet=0
		elif [ $((quiet += 5)) -ge "$3" ]; then
			echo "prove-fixes.sh: no result for $3 s: stopping QEMU" >>"$log"
			pkill -f -- "-kernel $kbuild/arch/arm64/boot/Image"
			break
		fi
	done
	wait "$pid"
	status=$((status | $?))
	python3 "$top/scripts/kunit-report.py" "$kbuild/test.log" >>"$results" 2>&1 ||
		echo "fail kunit: no test.log ($1)" >>"$results"
}

# The failures in $1 that the whole series does not have, on one line
new_failures() {
	grep '^fail' "$1" | grep -v 'missing from this run' | sed 's/^fail //' |
		while IFS= read -r t; do
			grep -qxF "fail $t" "$baseline" 2>/dev/null || echo "$t"
		done | sed -E 's/^(kernel log): no oops[^:]*: (.{0,100}).*/\1: \2/' | paste -sd';' - | sed 's/;/; /g'
}

# The test cases with the slow attribute, as an extended regex
slow_cases() {
	grep -h -A1 'KUNIT_CASE[A-Z_]*_ATTR(' "$src"/drivers/remoteproc/tests/*.c |
		grep -B1 KUNIT_SPEED_SLOW | sed -nE 's/.*_ATTR\(([a-z0-9_]+).*/\1/p' | paste -sd'|' -
}

# A fix whose lines later patches rewrote, so that reverting it means
# reverting them too, has its bug put back by hand instead: $1, a diff on
# the code at the end of the series, kept in scripts/prove-fixes.d/.
put_back() {
	git -C "$src" revert --abort >/dev/null 2>&1
	git -C "$src" checkout -q -f --detach "$head" && git -C "$src" clean -q -fdx &&
		git -C "$src" apply "$1" && git -C "$src" commit -q -a -m "Put back the bug $fname fixes"
}

rows=() bad=0
declare -A fails partners
for fix in "${fixes[@]}"; do
	fname=$(name_of "$fix")
	say "== $fname: $(subject "$fix")"
	# later patches that touch the fix's files, in series order
	mapfile -t later < <(git -C "$tree" rev-list --reverse "$fix..$head" -- \
		$(git -C "$tree" diff-tree --no-commit-id --name-only -r "$fix"))
	with=() log=$logs/$fname.log failed= t0=$(date +%s) own_lines=0 status=0
	by_hand=$top/scripts/prove-fixes.d/$fname.diff
	while :; do
		if [ -f "$by_hand" ]; then
			put_back "$by_hand" || { failed="$by_hand does not apply"; break; }
		elif ! revert_set; then
			failed="does not revert, even with the later patches on its files"
			break
		fi
		[ "${#with[@]}" -eq 0 ] ||
			say "reverting it with $(for c in "${with[@]}"; do name_of "$c"; done | paste -sd, -): they build on it"
		(cd "$src" && python3 tools/testing/kunit/kunit.py build --arch=arm64 --build_dir="$kbuild" \
			"${kunit_configs[@]}" --cross_compile="$CROSS_COMPILE" --jobs="$(nproc)") >"$log" 2>&1 &&
			break
		if [ -f "$by_hand" ]; then
			failed="the kernel does not build with ${by_hand#"$top"/} ($log)"
			break
		fi
		# It reverts but does not build: revert the later patches that
		# changed the files the compiler stops at too
		files=$(sed -nE 's#^(\.\./linux/)?([^: ]+\.[ch]):[0-9]+:[0-9]+: error:.*#\2#p' "$log" | sort -u)
		# shellcheck disable=SC2086
		more=$([ -z "$files" ] || git -C "$tree" rev-list --reverse "$fix..$head" -- $files |
			grep -vxF -f <(printf '%s\n' "$fix" "${with[@]}"))
		if [ -z "$more" ]; then
			failed="the kernel does not build without it ($log)"
			break
		fi
		with+=($more)
	done
	names=$(for c in "${with[@]}"; do name_of "$c"; done | paste -sd, -)
	[ "$own_lines" -eq 0 ] || [ -n "$names" ] ||
		names="its own lines only (later lines beside them kept)"
	[ ! -f "$by_hand" ] || names="not reverted: its bug put back by ${by_hand#"$top"/}"
	if [ -n "$failed" ]; then
		bad=$((bad + 1))
		rows+=("$fname|$(subject "$fix")|$names|NOT PROVEN: $failed")
		say "$failed"
		continue
	fi
	# The fast cases first; the slow ones (the hundred recoveries in a
	# row) only when no fast case fails without the fix.
	results=$logs/$fname.results
	: >"$results"
	run_suites 'speed>slow' "${PROVE_FAST_TIMEOUT:-480}" "${PROVE_QUIET:-120}"
	failed=$(new_failures "$results")
	slow=
	if [ -z "$failed" ]; then
		run_suites 'speed=slow' "${PROVE_TIMEOUT:-2400}" "${PROVE_SLOW_QUIET:-400}"
		failed=$(new_failures "$results")
	else
		slow=$(slow_cases)
	fi
	[ -f "$top/expected-results.txt" ] &&
		python3 "$top/scripts/expected-results.py" check kunit "$results" >/dev/null
	# The slow cases were not run when a fast one already failed
	[ -z "$slow" ] || sed -i -E "/^fail [^:]+: ($slow)( \/ .*)?: missing from this run/d" "$results"
	missing=$(did_not_run "$results")
	[ "$missing" -eq 0 ] || failed="$failed${failed:+; }$missing case(s) did not run"
	[ -n "$failed" ] || [ "$status" -eq 0 ] || failed="kunit.py exec exited $status"
	say "$(( $(date +%s) - t0 )) s: ${failed:-no test failed}"
	[ -n "$failed" ] || bad=$((bad + 1))
	fails[$fix]=$failed partners[$fix]="${with[*]}"
	[ "${#with[@]}" -eq 0 ] || names="reverted with $names (they build on it)"
	rows+=("$fname|$(subject "$fix")|$names|${failed:-NOT PROVEN: no test fails without it}")
done

# A fix reverted with later fixes is not proven on its own when the tests
# that fail without it all fail without those fixes alone too.
notes=()
for fix in "${fixes[@]}"; do
	[ -n "${partners[$fix]:-}" ] && [ -n "${fails[$fix]:-}" ] || continue
	others=$(for c in ${partners[$fix]}; do [ -n "${fails[$c]:-}" ] && echo "${fails[$c]}"; done |
		sed 's/; /\n/g' | sed -E 's/^kernel log: .*/kernel log/')
	[ -n "$others" ] || continue
	own=$(sed 's/; /\n/g' <<<"${fails[$fix]}" | sed -E 's/^kernel log: .*/kernel log/' |
		grep -vxF -f <(echo -e "$others"))
	if [ -z "$own" ]; then
		notes+=("$(name_of "$fix"): not proven on its own: every test that fails without it also fails without $(for c in ${partners[$fix]}; do name_of "$c"; done | paste -sd, -) alone")
		bad=$((bad + 1))
	fi
done

{
	echo "Fixes proven by the KUnit suites: each reverted, everything else applied ($(( $(date +%s) - start )) s)"
	echo
	echo "| patch | fix | reverted with | tests that fail without it |"
	echo "|---|---|---|---|"
	for r in "${rows[@]}"; do
		IFS='|' read -r p s w f <<<"$r"
		echo "| $p | $s | ${w:--} | $f |"
	done
	[ "${#notes[@]}" -eq 0 ] || { echo; printf '%s\n' "${notes[@]}"; }
} >"$table"
git -C "$src" checkout -q -f --detach "$head"
echo
cat "$table"
[ "$bad" -eq 0 ] || die "$bad fix(es) not proven by any test"
