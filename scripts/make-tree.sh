#!/bin/bash
# build/linux: a git tree whose tag "base" is the pristine Debian source and
# whose branch "series" carries patches/ applied with git am, one commit per
# patch. An existing tree is kept when it already holds exactly patches/;
# FORCE=1 re-applies patches/ over it (its commits are kept in a backup branch).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

version=$(installed_base)
say "base: linux-source-6.12 $version"
[ "$version" = "$tested_base" ] ||
	say "NOTE: the archive serves $version; the series was last tested on $tested_base"

new_tree() {
	local tmp=$build/linux.new
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tar -I 'xz -T0' -xf /usr/src/linux-source-6.12.tar.xz -C "$tmp" --strip-components=1
	git -C "$tmp" init -q -b series
	git -C "$tmp" config user.name "$team_name"
	git -C "$tmp" config user.email "$team_email"
	git -C "$tmp" config core.abbrev 12
	git -C "$tmp" add -A -f
	# A fixed identity and date: the base commit, and so the base-commit
	# line of every export, is the same on every machine.
	GIT_AUTHOR_NAME=linux-source-6.12 GIT_AUTHOR_EMAIL=base@localhost \
	GIT_COMMITTER_NAME=linux-source-6.12 GIT_COMMITTER_EMAIL=base@localhost \
	GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
		git -C "$tmp" commit -q -m "linux-source-6.12 $version"
	git -C "$tmp" tag base
	echo "$version" >"$tmp/.git/base-version"
	rm -rf "$tree"
	mv "$tmp" "$tree"
}

# patch-ids of what the tree carries and of what patches/ holds
tree_ids() {
	git -C "$tree" log --reverse -p --no-merges base..HEAD | git patch-id --stable | awk '{print $1}'
}
queue_ids() {
	local f
	for f in $(series_files); do git patch-id --stable <"$patches/$f"; done | awk '{print $1}'
}

# The cover letter's subject and text become the branch description, which
# "git format-patch --cover-from-description" turns back into the cover letter.
set_description() {
	local cover=$patches/0000-cover-letter.patch
	[ -f "$cover" ] || return 0
	awk '
		/^Subject: / { sub(/^Subject: (\[[^]]*\] )?/, ""); subj = $0; hdr = 1; next }
		hdr && /^ / { sub(/^ /, " "); subj = subj $0; next }
		hdr && /^$/ { hdr = 0; body = 1; print subj; print ""; next }
		body && /^[^ ].* \([0-9]+\):$/ { exit }
		body { print }
	' "$cover" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$build/description"
	git -C "$tree" config branch.series.description "$(cat "$build/description")"
}

# The "Notes:" block below a patch's "---", which git am leaves out: the
# commit's git note, so that make export writes it back.
patch_notes() {
	awk '
		/^---$/ && !dashes { dashes = 1; next }
		dashes && !notes && /^Notes:$/ { notes = 1; next }
		notes && /^    / { sub(/^    /, ""); print; next }
		notes && /^$/ { print; next }
		notes { exit }
		dashes && !notes && !/^$/ { exit }
	' "$1" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

apply_series() {
	local f note
	git -C "$tree" checkout -q -B series base
	for f in $(series_files); do
		if ! git -C "$tree" am -q --committer-date-is-author-date "$patches/$f" >"$build/am.log" 2>&1; then
			cat "$build/am.log" >&2
			git -C "$tree" am --abort || true
			die "FAILED: patches/$f does not apply on linux-source-6.12 $version (see above for the file)"
		fi
		note=$(patch_notes "$patches/$f")
		[ -z "$note" ] || git -C "$tree" notes add -f -m "$note" HEAD
	done
	say "applied $(series_files | wc -l) patches on base"
}

mkdir -p "$build"
if [ ! -d "$tree/.git" ] || [ "$(cat "$tree/.git/base-version" 2>/dev/null)" != "$version" ]; then
	if [ -d "$tree/.git" ] && [ "${FORCE:-0}" != 1 ]; then
		die "build/linux is on another base; FORCE=1 replaces it (export your work first)"
	fi
	say "unpacking linux-source-6.12 $version into build/linux"
	new_tree
	apply_series
elif [ "$(tree_ids)" = "$(queue_ids)" ]; then
	say "build/linux already holds patches/ ($(series_files | wc -l) patches)"
elif [ "${FORCE:-0}" = 1 ]; then
	backup=backup-$(date +%Y%m%d-%H%M%S)
	git -C "$tree" branch -q "$backup" HEAD
	say "re-applying patches/; the previous commits are in branch $backup"
	apply_series
else
	die "build/linux differs from patches/: 'make export' to keep the tree, or FORCE=1 make tree to take patches/"
fi
set_description
