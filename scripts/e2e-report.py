#!/usr/bin/env python3
"""Read the console log of an end-to-end recovery run (build/e2e/console.log)
or the output of remoteproc_recovery_test run on a board (make bench's
report is bench-report.py).

  e2e-report.py [LOG]            table per crash class and mode: cycles,
                                 failures, median/p95 of crash->state,
                                 crash->channel, crash->first echo; then the
                                 kernel log of one recovery per mode
  e2e-report.py --results [LOG]  "pass|fail|skip e2e: <case>" per test case
                                 (a bench run: one for all its cycles),
                                 one per mode (boot, attach) for every class
                                 having run all its cycles on each processor
                                 the kernel command line asks for, one for
                                 the kernel log (no oops, KASAN, lockdep or
                                 kmemleak report), one for the kmemleak scan
                                 (it ran, nothing suspected), and a failure
                                 when the run did not finish
"""

import re

import statistics
import sys

from kernel_log import SPLAT, STAMP

CYCLE = re.compile(r'# cycle (rproc=.*)$')
KV = re.compile(r'(\w+)=("[^"]*"|\S+)')
TAP = re.compile(r'^(ok|not ok) (\d+) (\S+)(?:\s+#\s*(SKIP|TODO)\s*(.*))?$')
MEMINFO = re.compile(r'# meminfo phase=(\w+) (.*)$')
LEAKS = re.compile(r'# kmemleak suspects=(\d+)')
LEAKS_NOT = re.compile(r'# kmemleak (scan failed|not available): (.*)$')
CMDLINE = re.compile(r'Kernel command line: (.*)$')
EXIT = re.compile(r'E2E-EXIT: (-?\d+)')
MARK = re.compile(r'# (crash|stop|detach|recover) rproc=(\S+) class=(\S+) n=(\d+)')

ORDER = ['floor', 'mmu_fault', 'watchdog', 'fatal_error', 'sim_mmu_fault',
         'sim_watchdog', 'sim_fatal_error', 'sim_rsc_kick', 'recover']


class Run:
    def __init__(self, path):
        self.lines = []         # (stamp or None, text)
        self.cycles = []        # dicts, with 'idx' into lines
        self.cases = []         # (status, name, reason)
        self.meminfo = {}       # phase -> {key: kB}
        self.memorder = []      # phases in order
        self.leaks = None
        self.leaks_not = None   # why the scan did not run
        self.cmdline = {}       # key=value arguments of the kernel
        self.exit = None
        self.splats = []
        with open(path, errors='replace') as f:
            for raw in f:
                raw = raw.rstrip('\r\n')
                m = STAMP.match(raw)
                stamp, line = (float(m.group(1)), m.group(2)) if m else (None, raw)
                self.lines.append((stamp, line))
                self._parse(len(self.lines) - 1, line)

    def _parse(self, idx, line):
        m = CYCLE.search(line)
        if m:
            c = {k: v.strip('"') for k, v in KV.findall(m.group(1))}
            for k in ('n', 'ok', 'state_us', 'channel_us', 'echo_us'):
                c[k] = int(c.get(k, -1))
            c['idx'] = idx
            self.cycles.append(c)
            return
        m = TAP.match(line)
        if m:
            status = 'skip' if m.group(4) == 'SKIP' else ('pass' if m.group(1) == 'ok' else 'fail')
            self.cases.append((status, m.group(3), m.group(5) or ''))
            return
        m = MEMINFO.search(line)
        if m:
            self.meminfo[m.group(1)] = {k: int(v) for k, v in KV.findall(m.group(2))}
            self.memorder.append(m.group(1))
            return
        m = LEAKS.search(line)
        if m:
            self.leaks = int(m.group(1))
            return
        m = LEAKS_NOT.search(line)
        if m:
            self.leaks_not = '%s: %s' % m.groups()
            return
        m = CMDLINE.search(line)
        if m and not self.cmdline:
            self.cmdline = {k: v.strip('"') for k, v in KV.findall(m.group(1).replace('.', '_'))}
            return
        m = EXIT.search(line)
        if m:
            self.exit = int(m.group(1))
            return
        if SPLAT.search(line) and not line.lstrip().startswith('#'):
            self.splats.append(line.strip())

    def groups(self):
        """{(class, mode): [cycles]} in a stable order"""
        g = {}
        for c in self.cycles:
            g.setdefault((c.get('class', '?'), c.get('mode', '?')), []).append(c)
        rank = {k: i for i, k in enumerate(ORDER)}
        modes = {'boot': 0, 'attach': 1}
        return dict(sorted(g.items(), key=lambda kv: (rank.get(kv[0][0], 99), kv[0][0],
                                                      modes.get(kv[0][1], 2), kv[0][1])))


def ms(us_list, q):
    if not us_list:
        return None
    s = sorted(us_list)
    if q == 50:
        return statistics.median(s) / 1000
    k = max(0, min(len(s) - 1, -(-len(s) * q // 100) - 1))  # nearest rank
    return s[k] / 1000


def fmt(v):
    return '-' if v is None else ('%.1f' % v if v < 1000 else '%.0f' % v)


def table(run):
    print('%-16s %-6s %6s %5s  %17s  %17s  %17s  %s' % (
        'class', 'mode', 'cycles', 'fail', 'crash>state ms', 'crash>channel ms',
        'crash>echo ms', 'echo OK'))
    print('%-16s %-6s %6s %5s  %17s  %17s  %17s' % ('', '', '', '', 'median / p95',
                                                    'median / p95', 'median / p95'))
    for (cls, mode), cs in run.groups().items():
        good = [c for c in cs if c['ok']]
        bad = len(cs) - len(good)
        cols = []
        for key in ('state_us', 'channel_us', 'echo_us'):
            vals = [c[key] for c in good if c[key] >= 0]
            cols.append('%8s / %-6s' % (fmt(ms(vals, 50)), fmt(ms(vals, 95))))
        print('%-16s %-6s %6d %5d  %17s  %17s  %17s  %s' % (
            cls, mode, len(cs), bad, cols[0], cols[1], cols[2],
            'yes' if good and not bad else 'NO'))
    for c in run.cycles:
        if not c['ok']:
            print('  failed: %s %s cycle %d: %s' % (c.get('rproc'), c.get('class'), c['n'],
                                                   c.get('why', '?')))


def recovery_log(run, mode):
    """Kernel lines of the first recovery of @mode, crash marker to cycle line"""
    cyc = next((c for c in run.cycles if c['ok'] and c.get('mode') == mode and
                c.get('class') not in ('floor', 'recover')), None)
    if not cyc:
        return
    start = None
    for i in range(cyc['idx'] - 1, -1, -1):
        m = MARK.search(run.lines[i][1])
        if m and m.group(1) == 'crash' and m.group(2) == cyc['rproc'] and \
                m.group(3) == cyc['class'] and int(m.group(4)) == cyc['n']:
            start = i
            break
    if start is None:
        return
    # from "crash detected" (or the marker) to the cycle line
    needle = 'crash detected in %s' % cyc['rproc']
    first = next((i for i in range(start, cyc['idx']) if needle in run.lines[i][1]), start)
    t0 = run.lines[first][0]
    print()
    print('== kernel log of one recovery: %s (%s mode), %s, cycle %d' % (
        cyc['rproc'], mode, cyc['class'], cyc['n']))
    shown = 0
    for stamp, line in run.lines[first:cyc['idx'] + 1]:
        if line.lstrip().startswith('#') and not CYCLE.search(line):
            continue
        rel = '%+9.1f ms' % ((stamp - t0) * 1000) if stamp is not None and t0 is not None else ''
        print('%s  %s' % (rel, line.strip()))
        shown += 1
        if shown >= 60:
            print('  ...')
            break


def summary(run):
    counts = {s: sum(1 for c in run.cases if c[0] == s) for s in ('pass', 'fail', 'skip')}
    print('test cases: %d passed, %d failed, %d skipped; exit %s; kernel log %s; kmemleak %s' % (
        counts['pass'], counts['fail'], counts['skip'],
        'missing' if run.exit is None else run.exit,
        'clean' if not run.splats else '%d splat line(s)' % len(run.splats),
        'not run' if run.leaks is None else '%d suspect(s)' % run.leaks))
    for st, name, reason in run.cases:
        if st == 'fail':
            print('  FAIL %s %s' % (name, reason))
    for s in run.splats[:10]:
        print('  kernel: ' + s)


def results(run):
    why = {}
    for c in run.cycles:
        if not c['ok']:
            case = ('disabled.stays_crashed_until_recover' if c.get('class') == 'recover'
                    else 'recovery.%s.cycles' % c.get('class'))
            why.setdefault(case, '%s cycle %d: %s' % (c.get('rproc'), c['n'], c.get('why', '')))
    for status, name, reason in run.cases:
        extra = why.get(name) if status == 'fail' else None
        print('%s e2e: %s%s' % (status, name, ': ' + extra if extra else ''))
    bench = run.cmdline.get('e2e_mode') == 'bench'
    if bench:
        # remoteproc_recovery_bench prints cycles, no test case
        bad = [c for c in run.cycles if not c['ok']]
        name = 'e2e: bench: every recovery cycle succeeded'
        if bad:
            print('fail %s: %d of %d failed, first: %s %s cycle %d: %s' % (
                name, len(bad), len(run.cycles), bad[0].get('rproc'), bad[0].get('class'),
                bad[0]['n'], bad[0].get('why', '')))
        elif run.cycles:
            print('pass %s (%d cycles)' % (name, len(run.cycles)))
    elif not run.cases:
        print('fail e2e: no test case ran')
    if not any(c['ok'] for c in run.cycles):
        print('fail e2e: no recovery cycle succeeded (no remote processor tested?)')
    if run.exit is None:
        print('fail e2e: the run did not finish (no E2E-EXIT line: hang, panic or timeout)')
    elif run.exit != 0 and not any(c[0] == 'fail' for c in run.cases) and not (bench and bad):
        print('fail e2e: the %s exited with status %d' % ('bench' if bench else 'test', run.exit))
    for mode in ('boot', 'attach'):
        name = 'e2e: %s mode: every class ran all its cycles' % mode
        missing = coverage(run, mode)
        print('%s %s%s' % ('fail' if missing else 'pass', name, ': ' + missing if missing else ''))
    name = 'e2e: kernel log: no oops, KASAN, lockdep or kmemleak report'
    if run.splats:
        print('fail %s: %d splat line(s), first: %s' % (name, len(run.splats), run.splats[0]))
    elif run.exit is None:
        print('fail %s: not seen whole (the run did not finish)' % name)
    else:
        print('pass ' + name)
    name = 'e2e: kmemleak: scanned after the test, no suspected leak'
    if run.leaks is None and run.cmdline.get('e2e_kmemleak') == '0':
        print('skip %s: not scanned (e2e.kmemleak=0)' % name)
    elif run.leaks is None:
        print('fail %s: %s' % (name, run.leaks_not or 'no "# kmemleak suspects=" line (scan not run)'))
    elif run.leaks:
        print('fail %s: %d suspect(s)' % (name, run.leaks))
    else:
        print('pass ' + name)


def coverage(run, mode):
    """Why @mode did not run every class's cycles on each of its processors
    (the kernel command line says how many and how many cycles), or ''"""
    want = int(run.cmdline.get('remoteproc_sim_' + mode, '0') or 0)
    cycles = int(run.cmdline.get('e2e_cycles', '3') or 3)
    if not run.cmdline:
        return 'no "Kernel command line:" in the console'
    if want <= 0:
        return 'the kernel command line asks for no %s processor (remoteproc_sim.%s)' % (mode, mode)
    classes = sorted({c.get('class') for c in run.cycles})
    procs = sorted({c.get('rproc') for c in run.cycles if c.get('mode') == mode})
    if len(procs) < want:
        return '%d of %d %s processor(s) tested%s' % (len(procs), want, mode,
                                                     ' (%s)' % ', '.join(procs) if procs else '')
    short = []
    for p in procs:
        for cls in classes:
            done = sum(1 for c in run.cycles if c.get('rproc') == p and c.get('class') == cls and
                       c['n'] >= 1 and c['ok'])
            # the "disabled" test runs one recover cycle per processor
            want_n = 1 if cls == 'recover' else cycles
            # the bench runs the floor in its first part only (e2e-init.c)
            if cls == 'floor' and run.cmdline.get('e2e_mode') == 'bench':
                want_n = min(cycles, int(run.cmdline.get('e2e_chunk', '1000') or 1000))
            if done < want_n:
                short.append('%s %s %d of %d' % (p, cls, done, want_n))
    if short:
        return 'cycles done: ' + ', '.join(short)
    if not classes:
        return 'no cycle'
    return ''


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    path = args[0] if args else 'build/e2e/console.log'
    run = Run(path)
    if '--results' in sys.argv:
        results(run)
    else:
        print('== remoteproc crash recovery, end to end (%s)' % path)
        summary(run)
        print()
        table(run)
        for mode in ('boot', 'attach'):
            recovery_log(run, mode)


if __name__ == '__main__':
    main()
