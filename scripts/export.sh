#!/bin/bash
# Write patches/ from build/linux base..series: the patches in order, the
# series file and the cover letter (from the branch description). A commit's
# git note (status and history, not for the log) goes below its "---". The
# same commits always give the same bytes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$tree/.git" ] || die "no build/linux: run 'make tree' first"
git -C "$tree" diff --quiet HEAD || die "build/linux has uncommitted changes; commit them first"
# Debian's .gitignore ignores every new file ("/*"): new files need "git add -f".
new=$(git -C "$tree" ls-files --others --ignored --exclude-standard | grep -v '^\.git/' || true)
[ -z "$new" ] || die "new files not committed (Debian's .gitignore hides them; git add -f):
$new"
[ "$(git -C "$tree" symbolic-ref --short HEAD)" = series ] || die "build/linux is not on branch series"
desc=$(git -C "$tree" config branch.series.description || true)
[ -n "$desc" ] || die "no cover letter text: git -C build/linux branch --edit-description"

out=$build/export
rm -rf "$out"
# The cover letter's date is the newest patch's date, not today.
GIT_COMMITTER_DATE=$(git -C "$tree" log -1 --format=%ad --date=raw HEAD) \
	git -C "$tree" format-patch -q --cover-letter --cover-from-description=subject \
	--zero-commit --no-signature --notes --base=base -o "$out" base..HEAD
rm -f "$patches"/*.patch
mkdir -p "$patches"
cp "$out"/*.patch "$patches"/
(cd "$patches" && ls [0-9]*.patch | grep -v '^0000-cover-letter' >series)
say "exported $(wc -l <"$patches/series") patches and the cover letter to patches/"
