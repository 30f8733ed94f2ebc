#!/usr/bin/env python3
"""The manifest of expected results, expected-results.txt at the top.

It lists, per job, the results a run must have: "[kunit]" the lines of
kunit-report.py, "[e2e]" those of e2e-report.py, each without its
"pass"/"skip". A failure keeps the name and may add ": why".

  expected-results.py check JOB RESULTS   append to RESULTS one "fail" line
                                          per expected result missing from
                                          it, and one per result it has that
                                          the manifest does not list
  expected-results.py write [RESULTS...]  rewrite the manifest from the
                                          results of the last run
                                          (build/results/{kunit,e2e}.txt),
                                          which must have no failure
"""

import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = os.path.join(TOP, 'expected-results.txt')
JOBS = ('kunit', 'e2e')

HEADER = """\
# Expected results of make test's KUnit and end-to-end jobs, one a line:
# "<suite>: <case>" as scripts/kunit-report.py prints them (a case of a
# parameterised test is "<case> / <parameter>"), "e2e: <case>" as
# scripts/e2e-report.py prints them. A result missing from a run is a
# failure, and so is one that is not listed here.
# After changing the tests on purpose, run them (make test, or
# scripts/kunit.sh and scripts/e2e.sh) and write this file from that run:
#   make manifest
"""


def read_manifest():
    jobs, job = {j: [] for j in JOBS}, None
    with open(MANIFEST) as f:
        for line in f:
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            if line.startswith('[') and line.endswith(']'):
                job = line[1:-1]
                jobs.setdefault(job, [])
            elif job is None:
                raise SystemExit('%s: a result before any [job] line: %s' % (MANIFEST, line))
            else:
                jobs[job].append(line)
    return jobs


def read_results(path):
    """[(status, text)] of a results file"""
    out = []
    with open(path) as f:
        for line in f:
            status, _, text = line.rstrip('\n').partition(' ')
            if status in ('pass', 'fail', 'skip'):
                out.append((status, text))
    return out


def matches(text, name):
    return text == name or text.startswith(name + ': ')


def check(job, path):
    expected = read_manifest().get(job)
    if not expected:
        raise SystemExit('%s: no [%s] results' % (MANIFEST, job))
    results = read_results(path)
    lines = []
    for name in expected:
        if not any(matches(text, name) for _, text in results):
            lines.append('fail %s: missing from this run (expected-results.txt)' % name)
    for status, text in results:
        # A failure that is no expected result is a failure already
        if status != 'fail' and not any(matches(text, name) for name in expected):
            lines.append('fail %s: not in expected-results.txt (make manifest if on purpose)' % text)
    with open(path, 'a') as f:
        for line in lines:
            f.write(line + '\n')
    for line in lines:
        print('expected-results: ' + line)


def write(paths):
    if not paths:
        paths = [os.path.join(TOP, 'build', 'results', j + '.txt') for j in JOBS]
    sections = {}
    for path in paths:
        job = os.path.splitext(os.path.basename(path))[0]
        if job not in JOBS:
            raise SystemExit('%s: not the results of a job of %s' % (path, ', '.join(JOBS)))
        results = read_results(path)
        bad = [t for s, t in results if s == 'fail']
        if bad:
            raise SystemExit('%s has %d failure(s), first: %s\nwrite the manifest from a run '
                             'without failures' % (path, len(bad), bad[0]))
        if not results:
            raise SystemExit('%s: no result' % path)
        sections[job] = [t for _, t in results]
    old = read_manifest() if os.path.exists(MANIFEST) else {}
    with open(MANIFEST + '.tmp', 'w') as f:
        f.write(HEADER)
        for job in JOBS:
            names = sections.get(job, old.get(job, []))
            f.write('\n[%s]\n' % job)
            for name in names:
                f.write(name + '\n')
            print('%s: %d %s result(s)%s' % (os.path.basename(MANIFEST), len(names), job,
                                             '' if job in sections else ' (kept)'))
    os.replace(MANIFEST + '.tmp', MANIFEST)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == 'check':
        check(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 2 and sys.argv[1] == 'write':
        write(sys.argv[2:])
    else:
        raise SystemExit(__doc__)


if __name__ == '__main__':
    main()
