#!/usr/bin/env python3
"""Read a KUnit console log (build/kunit/test.log).

Prints one "pass|fail|skip <suite>.<case>" line per test case, and one for
the kernel log itself (no oops, KASAN, lockdep or kmemleak report).
With --table, prints the results as a table with the time each case took
instead (from the printk timestamps); with --times, the figures the cases
printed ("... median ...") under the name of the case that printed them."""

import re
import sys

from kernel_log import SPLAT, STAMP

RESULT = re.compile(r'^(\s*)(ok|not ok) \d+ (.+?)(?:\s+#\s*(SKIP|TODO).*)?$')
SUBTEST = re.compile(r'^(\s*)# Subtest: (.+)$')


def parse(path):
    """Return [(suite, case, status, seconds)], [splat lines].

    KTAP nests: "# Subtest: X" opens X one indent level deeper than the
    "ok N X" that closes it. Cases of a parameterised test are reported as
    "case / parameter"; the suites and the parameterised tests themselves
    are not counted again."""
    cases, splats = [], []
    stack, last = [], None
    with open(path, errors='replace') as f:
        for raw in f:
            m = STAMP.match(raw.rstrip('\n'))
            stamp, line = (float(m.group(1)), m.group(2)) if m else (None, raw.rstrip('\n'))
            if SPLAT.search(line):
                splats.append(line.strip())
            s = SUBTEST.match(line)
            if s:
                stack.append((len(s.group(1)), s.group(2).strip()))
                last = stamp if stamp is not None else last
                continue
            r = RESULT.match(line)
            if not r or not stack:
                continue
            indent, name = len(r.group(1)), r.group(3).strip()
            if indent < stack[-1][0]:
                stack.pop()         # closes a suite or a parameterised test
                continue
            status = 'skip' if r.group(4) == 'SKIP' else ('pass' if r.group(2) == 'ok' else 'fail')
            names = [n for _, n in stack] + [name]
            took = stamp - last if stamp is not None and last is not None else None
            cases.append((names[0], ' / '.join(names[1:]), status, took))
            last = stamp if stamp is not None else last
    return cases, splats


def figures(path):
    """Print the "median" diagnostics, grouped by the case they belong to.

    A case prints its diagnostics before its "ok N name" line."""
    pending = []
    with open(path, errors='replace') as f:
        for raw in f:
            line = STAMP.sub(r'\2', raw.rstrip('\n')).strip()
            if 'median' in line and line.startswith('#'):
                pending.append(line.split(': ', 1)[-1])
                continue
            r = RESULT.match(line)
            if r and pending:
                print('%s (%s)' % (r.group(3).strip(), r.group(2)))
                for p in pending:
                    print('    ' + p)
                pending = []


def main():
    table = '--table' in sys.argv
    path = [a for a in sys.argv[1:] if not a.startswith('--')][0]
    if '--times' in sys.argv:
        figures(path)
        return
    cases, splats = parse(path)
    if table:
        print('%-18s %-66s %-6s %8s' % ('suite', 'case', 'result', 'time (s)'))
        for suite, case, status, took in cases:
            print('%-18s %-66s %-6s %8s' % (suite, case, status,
                                            '%.2f' % took if took is not None else '-'))
        for s in splats[:20]:
            print('kernel log: ' + s)
        return
    for suite, case, status, _ in cases:
        print('%s %s: %s' % (status, suite, case))
    if not cases:
        print('fail kunit: no test case ran')
    name = 'kernel log: no oops, KASAN, lockdep or kmemleak report'
    if splats:
        print('fail %s: %d splat line(s), first: %s' % (name, len(splats), splats[0]))
    elif not cases:
        print('fail %s: no test case ran' % name)
    else:
        print('pass ' + name)


if __name__ == '__main__':
    main()
