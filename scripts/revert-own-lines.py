#!/usr/bin/env python3
"""Finish a 'git revert FIX' that stopped on conflicts, by removing FIX's
own lines only.

A fix reverts with conflicts when a later patch added lines right beside
its lines. In each conflict, keep the current text without the lines the
fix added, and put back the lines the fix removed: the fix is undone, the
later patch's lines stay. Run in the worktree; exits non-zero, leaving
the revert as it is, when a conflicted file cannot be resolved that way.

    revert-own-lines.py FIX
"""

import collections
import subprocess
import sys


def git(*args):
    return subprocess.run(('git',) + args, check=True, capture_output=True,
                          text=True).stdout


def resolve(path, fix):
    diff = git('show', '--format=', '-U0', fix, '--', path).splitlines()
    added = collections.Counter(l[1:] for l in diff
                                if l.startswith('+') and not l.startswith('+++'))
    out, ours, theirs, state = [], [], [], None
    with open(path) as f:
        lines = f.read().split('\n')
    for line in lines:
        if state is None and line.startswith('<<<<<<< '):
            state, ours, theirs = 'ours', [], []
        elif state == 'ours' and line.startswith('||||||| '):
            state = 'base'
        elif state in ('ours', 'base') and line == '=======':
            state = 'theirs'
        elif state == 'theirs' and line.startswith('>>>>>>> '):
            left = collections.Counter(added)
            kept = []
            for l in ours:
                if left[l] > 0:
                    left[l] -= 1
                else:
                    kept.append(l)
            if sum(added.values()) and kept == ours:
                return False        # none of the fix's lines: not its conflict
            out += kept + [l for l in theirs if l not in ours]
            state = None
        elif state == 'ours':
            ours.append(line)
        elif state == 'theirs':
            theirs.append(line)
        elif state is None:
            out.append(line)
    if state is not None:
        return False
    with open(path, 'w') as f:
        f.write('\n'.join(out))
    git('add', '-f', path)   # Debian's .gitignore ignores the top directories
    return True


def main():
    fix = sys.argv[1]
    paths = git('diff', '--name-only', '--diff-filter=U').split()
    if not paths:
        return 1
    for path in paths:
        if not resolve(path, fix):
            print('%s: a conflict that is not the fix\'s own lines' % path,
                  file=sys.stderr)
            return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
