#!/usr/bin/env python3
"""The make bench report, from the console logs of e2e.mode=bench runs
(scripts/e2e-init.c, run_bench()), one column per kernel:

  bench-report.py [NAME=]LOG...     e.g. debug=build/bench/debug/console.log

- cycles and failures per mode, kmemleak;
- recovery against the floor (plain stop+start, detach+start): median
  crash>first echo and crash>state of the "compare" part;
- growth: median of the first 100 recoveries against the last 100;
- memory and what userspace sees (devices, ids, files) after each part, and
  the drift per 1000 recoveries of each processor after the warm-up (the
  "compare" and "timeline" parts): least-squares slope over the points
  from the end of the warm-up on;
- the timeline of one recovery per mode and of one floor cycle, from the
  function_graph trace of the "timeline" part (median over its cycles), and
  the functions whose time differs most between recovery and floor.
"""

import importlib.util
import os
import re
import statistics
import sys

sys.dont_write_bytecode = True
here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('e2e_report', os.path.join(here, 'e2e-report.py'))
e2e = importlib.util.module_from_spec(spec)
sys.path.insert(0, here)
spec.loader.exec_module(e2e)

PART = re.compile(r'# bench part=(\w+) cycles=(\d+) classes=(\S+)')
STATE = re.compile(r'# (meminfo|counts) phase=(\w+) (.*)$')
FTRACE = re.compile(r'# ftrace (.*)$')
MISSING = re.compile(r'# ftrace (missing:.*|not available:.*)$')
DUR = re.compile(r'([\d.]+) us')
CALL = re.compile(r'^(\S+)\(\)\s*([{;])')
RET = re.compile(r'^\}\s*/\*\s*(\S+)\s*\*/')

MEM = ('MemAvailable', 'Slab', 'SUnreclaim')
COUNTS = (('virtio', 'virtio devices'), ('virtio_max_id', 'highest virtio id'),
          ('rpmsg_bus', 'rpmsg devices'), ('rpmsg_ctrl', '/dev/rpmsg_ctrl*'),
          ('rpmsg_ctrl_max_id', 'highest rpmsg_ctrl id'), ('rpmsg_ept', '/dev/rpmsg[0-9]*'),
          ('remoteproc', 'remoteprocs'), ('remoteproc_max_id', 'highest remoteproc id'),
          ('init_fds', "init's open fds"))


class Bench:
    def __init__(self, name, path):
        self.name, self.path = name, path
        self.run = e2e.Run(path)
        self.parts = []         # (line index, part, cycles)
        self.states = []        # {'phase', 'done', key: value...} in order
        self.trace = []         # function_graph lines
        self.trace_note = ''
        byidx = {}
        for i, (_, line) in enumerate(self.run.lines):
            m = PART.search(line)
            if m:
                self.parts.append((i, m.group(1), int(m.group(2))))
                continue
            m = STATE.search(line)
            if m:
                kv = {k: int(v) for k, v in e2e.KV.findall(m.group(3)) if v.lstrip('-').isdigit()}
                st = byidx.setdefault((m.group(2), kv.get('done')), {'phase': m.group(2),
                                                                      'idx': i})
                if st not in self.states:
                    self.states.append(st)
                st.update(kv)
                continue
            m = MISSING.search(line)
            if m:
                self.trace_note += m.group(1) + ' '
                continue
            m = FTRACE.search(line)
            if m and not m.group(1).startswith('end lines='):
                self.trace.append(m.group(1))
        for c in self.run.cycles:
            c['part'] = None
            for i, part, _ in self.parts:
                if i < c['idx']:
                    c['part'] = part

    def cycles(self, mode, floor, parts=None):
        return [c for c in self.run.cycles if c['ok'] and c.get('mode') == mode and
                (c.get('class') == 'floor') == floor and c.get('class') != 'recover' and
                (parts is None or c['part'] in parts)]

    def modes(self):
        return sorted({c.get('mode') for c in self.run.cycles}, key=lambda m: (m != 'boot', m))


def med_ms(cs, key):
    vals = [c[key] for c in cs if c[key] >= 0]
    return statistics.median(vals) / 1000 if vals else None


def f1(v, unit=''):
    return '-' if v is None else '%.1f%s' % (v, unit)


def row(label, cells, width=32):
    print('%-26s' % label + ''.join(' %*s' % (width, c) for c in cells))


def slope(points):
    """least-squares kB per 1000 cycles over (done, kB)"""
    if len(points) < 2:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return 1000 * sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else None


def overview(benches):
    print('== make bench: crash recovery against the floor (plain stop+start, detach+start)')
    row('', [b.name for b in benches])
    row('console', [os.path.relpath(b.path) for b in benches])
    for mode in ('boot', 'attach'):
        cells = []
        for b in benches:
            rec = [c for c in b.run.cycles if c.get('mode') == mode and c.get('class') != 'floor']
            flo = [c for c in b.run.cycles if c.get('mode') == mode and c.get('class') == 'floor']
            bad = sum(1 for c in b.run.cycles if c.get('mode') == mode and not c['ok'])
            cells.append('%d + %d floor, %d failed' % (len(rec), len(flo), bad))
        row('%s: cycles' % mode, cells)
    cells = []
    for b in benches:
        r = b.run
        cells.append('exit %s, %s' % ('missing' if r.exit is None else r.exit,
                                      'clean' if not r.splats else '%d splat(s)' % len(r.splats)))
    row('run, kernel log', cells)
    cells = []
    for b in benches:
        r = b.run
        cells.append('%d suspect(s)' % r.leaks if r.leaks is not None else
                     ('not in this kernel' if r.leaks_not and 'not available' in r.leaks_not
                      else 'NOT RUN'))
    row('kmemleak at the end', cells)
    for b in benches:
        for s in b.run.splats[:5]:
            print('  %s: kernel: %s' % (b.name, s))
        for c in b.run.cycles:
            if not c['ok']:
                print('  %s: failed: %s %s cycle %d: %s' % (b.name, c.get('rproc'), c.get('class'),
                                                          c['n'], c.get('why', '?')))

    print()
    print('-- recovery/floor, median of the "compare" part (ms)')
    row('', [b.name for b in benches])
    for mode in ('boot', 'attach'):
        for key, what in (('echo_us', 'crash>first echo'), ('state_us', 'crash>state')):
            cells = []
            for b in benches:
                rec = med_ms(b.cycles(mode, False, ('compare',)), key)
                flo = med_ms(b.cycles(mode, True, ('compare',)), key)
                cells.append('%s / %s = %s' % (f1(rec), f1(flo), '%.2fx' % (rec / flo)
                                               if rec is not None and flo else '-'))
            row('%s %s' % (mode, what), cells)
    print('  (recovery / floor = ratio; the floor is timed from the stop or detach write)')

    print()
    print('-- growth over the run: crash>first echo, median of the first 100 recoveries against')
    print('   the last 100 (fewer: half each)')
    row('', [b.name for b in benches])
    for mode in ('boot', 'attach'):
        cells = []
        for b in benches:
            vals = [c['echo_us'] for c in b.cycles(mode, False, ('compare', 'drift'))
                    if c['echo_us'] >= 0]
            if len(vals) < 2:
                cells.append('-')
                continue
            n = min(100, len(vals) // 2)
            a, z = statistics.median(vals[:n]), statistics.median(vals[-n:])
            cells.append('%.1f -> %.1f ms %.2fx' % (a / 1000, z / 1000, z / a if a else 0))
        row(mode, cells)


def memory(benches):
    print()
    print('-- memory (kB, caches dropped) and what userspace sees, after each part')
    for b in benches:
        print('%s: %s' % (b.name, os.path.relpath(b.path)))
        if not b.states:
            print('  no "# meminfo phase=" lines (not a bench run?)')
            continue
        print('  %-12s %7s %13s %9s %11s  %-53s %s' % (
            'after', 'done', 'MemAvailable', 'Slab', 'SUnreclaim',
            'virtio/rpmsg/ctrl/ept/rproc, max ids v/c/r, init fds',
            'recovery>echo ms boot/attach'))
        last = -1
        for st in b.states:
            # init's lines (start, each part, end), not the test's per class
            if 'done' not in st and st['phase'] not in ('start', 'end'):
                continue
            # the median recovery of each mode since the previous line
            idx = st.get('idx', last)
            med = []
            for mode in ('boot', 'attach'):
                vals = [c['echo_us'] for c in b.run.cycles if last < c['idx'] < idx and c['ok']
                        and c.get('mode') == mode and c.get('class') != 'floor'
                        and c['echo_us'] >= 0]
                med.append('%.1f' % (statistics.median(vals) / 1000) if vals else '-')
            last = idx
            print('  %-12s %7s %13s %9s %11s  %-53s %s' % (
                st['phase'], st.get('done', '-'), st.get('MemAvailable', '-'), st.get('Slab', '-'),
                st.get('SUnreclaim', '-'),
                '%s/%s/%s/%s/%s, %s/%s/%s, %s' % tuple(
                    st.get(k, '-') for k in ('virtio', 'rpmsg_bus', 'rpmsg_ctrl', 'rpmsg_ept',
                                             'remoteproc', 'virtio_max_id', 'rpmsg_ctrl_max_id',
                                             'remoteproc_max_id', 'init_fds')),
                '/'.join(med)))
    print()
    print('-- drift per 1000 recoveries of each processor, after the warm-up')
    print('   (least-squares slope over the points from the last warm-up part on;')
    print('    in brackets: last point minus the warm-up point)')
    row('', [b.name for b in benches])
    pts = {}
    for b in benches:
        parts = [st for st in b.states if 'done' in st]
        warm = [i for i, st in enumerate(parts) if st['phase'] in ('compare', 'timeline')]
        pts[b.name] = parts[warm[-1]:] if warm else []
    row('points (recoveries)', ['%d (%s..%s)' % (len(pts[b.name]), pts[b.name][0].get('done'),
                                                 pts[b.name][-1].get('done'))
                                if len(pts[b.name]) >= 2 else 'too few' for b in benches])
    for key in MEM + tuple(k for k, _ in COUNTS):
        cells = []
        for b in benches:
            p = [(st['done'], st[key]) for st in pts[b.name] if key in st and 'done' in st]
            s = slope(p)
            if s is None:
                cells.append('-')
            elif key in MEM:
                cells.append('%+.1f kB (%+d)' % (s, p[-1][1] - p[0][1]))
            else:
                cells.append('%+.2f (%d..%d)' % (s, min(v for _, v in p), max(v for _, v in p)))
        row(key if key in MEM else dict(COUNTS)[key], cells)


# ----- the timeline -----

SWITCH = re.compile(r'sched_switch: prev_comm=.* prev_pid=(\d+) .*prev_state=(\S+) ==> '
                    r'next_comm=(.*) next_pid=(\d+)')


def off_cpu(lines):
    """{pid: [(from s, to s, state when it left)]}: when each task was not running"""
    off, left = {}, {}
    for line in lines:
        f = line.split('|')
        m = SWITCH.search(line)
        if len(f) < 4 or not m:
            continue
        try:
            t = float(f[0])
        except ValueError:
            continue
        left[m.group(1)] = (t, m.group(2))
        if m.group(4) in left:
            t0, st = left.pop(m.group(4))
            off.setdefault(m.group(4), []).append((t0, t, st))
    return off


def calls(lines):
    """function_graph lines -> [(start s, end s, function, pid)] by start"""
    out, open_ = [], {}
    for line in lines:
        f = line.split('|')
        if len(f) < 4:
            continue
        try:
            t = float(f[0])
        except ValueError:
            continue
        task = f[1].split(')', 1)[-1].strip().rpartition('-')[2]
        d = DUR.search(f[2])
        dur = float(d.group(1)) / 1e6 if d else None
        fn = f[3].strip()
        m = CALL.match(fn)
        if m and m.group(2) == ';':
            out.append((t, t + (dur or 0), m.group(1), task))
        elif m:
            open_.setdefault((task, m.group(1)), []).append(t)
        else:
            m = RET.match(fn)
            if m:
                starts = open_.get((task, m.group(1)))
                start = starts.pop() if starts else (t - dur if dur is not None else t)
                out.append((start, t, m.group(1), task))
    return sorted(out)


ANCHORS = ('rproc_report_crash', 'rproc_shutdown', 'rproc_detach')

# (label, function, 'start'|'end', which occurrence) in the order of a recovery
PHASES = [
    ('crash reported', 'rproc_report_crash', 'start'),
    ('stop/detach written', 'rproc_shutdown', 'start'),
    ('stop/detach written', 'rproc_detach', 'start'),
    ('handler runs', 'rproc_crash_handler_work', 'start'),
    ('recovery starts', 'rproc_trigger_recovery', 'start'),
    ('virtio unregistered', 'rproc_vdev_do_stop', 'end'),
    ('processor stopped', 'rproc_sim_stop', 'end'),
    ('processor detached', 'rproc_sim_detach', 'end'),
    ('teardown done', 'rproc_stop', 'end'),
    ('teardown done', '__rproc_detach', 'end'),
    ('coredump done', 'rproc_coredump', 'end'),
    ('resources released', 'rproc_resource_cleanup', 'end'),
    ('stop/detach returns', 'rproc_shutdown', 'end'),
    ('stop/detach returns', 'rproc_detach', 'end'),
    ('start written', 'rproc_boot', 'start'),
    ('firmware loaded', 'request_firmware', 'end'),
    ('carveouts allocated', 'rproc_alloc_registered_carveouts', 'end'),
    ('processor started', 'rproc_sim_start', 'end'),
    ('processor attached', 'rproc_sim_attach', 'end'),
    ('virtio registered', 'register_virtio_device', 'end'),
    ('start/attach done', 'rproc_start', 'end'),
    ('start/attach done', 'rproc_attach', 'end'),
    ('recovery done', 'rproc_trigger_recovery', 'end'),
    ('handler done', 'rproc_crash_handler_work', 'end'),
    ('start returns', 'rproc_boot', 'end'),
    ('name service', 'rpmsg_ns_cb', 'start'),
    ('endpoint created', 'rpmsg_chrdev_eptdev_create', 'start'),
    ('first echo in the kernel', 'rpmsg_ept_cb', 'start'),
    ('echo read by userspace', 'rpmsg_eptdev_read_iter', 'start'),
]


def segments(b):
    """[(cycle, [calls relative to its anchor])] of the timeline part"""
    cyc = [c for c in b.run.cycles if c['part'] == 'timeline']
    cl = calls(b.trace)
    anchors = [i for i, c in enumerate(cl) if c[2] in ANCHORS]
    if len(anchors) != len(cyc):
        return None, '%d traced crash/stop/detach calls for %d cycles' % (len(anchors), len(cyc))
    segs = []
    for k, i in enumerate(anchors):
        j = anchors[k + 1] if k + 1 < len(anchors) else len(cl)
        t0 = cl[i][0]
        cyc[k]['t0'] = t0
        segs.append((cyc[k], [(s - t0, e - t0, fn, task) for s, e, fn, task in cl[i:j]]))
    return segs, ''


def phase_times(seg):
    """{label: ms} of one cycle, the first occurrence of each"""
    got = {}
    echo_after = None
    for label, fn, which in PHASES:
        if label in got:
            continue
        for s, e, f, _ in seg:
            if f != fn:
                continue
            if fn in ('rpmsg_ept_cb', 'rpmsg_eptdev_read_iter') and \
                    (echo_after is None or s < echo_after):
                continue
            got[label] = 1000 * (s if which == 'start' else e)
            if fn == 'rpmsg_chrdev_eptdev_create':
                echo_after = s
            elif fn == 'rpmsg_ept_cb':
                echo_after = s
            break
    return got


def fn_totals(seg, off, t0):
    """{function: (ms in it, ms of that its task was off the CPU: blocked or
    preempted)} of one cycle"""
    tot = {}
    for s, e, f, pid in seg:
        away = sum(max(0, min(e, b - t0) - max(s, a - t0)) for a, b, _ in off.get(pid, ()))
        ms, aw = tot.get(f, (0, 0))
        tot[f] = (ms + 1000 * (e - s), aw + 1000 * away)
    return tot


def timeline(benches):
    for b in benches:
        if not b.trace:
            if b.trace_note or any(p == 'timeline' for _, p, _ in b.parts):
                print()
                print('-- timeline (%s): no trace: %s' % (b.name, b.trace_note or 'no lines'))
            continue
        segs, why = segments(b)
        off = off_cpu(b.trace)
        print()
        print('-- timeline of one recovery and one floor cycle per mode (%s kernel, function_graph;' %
              b.name)
        print('   ms from the crash report (floor: from the stop/detach write), median of the '
              'traced cycles)')
        if b.trace_note:
            print('   ftrace %s' % b.trace_note.strip())
        if segs is None:
            print('   cannot split the trace: %s' % why)
            continue
        for mode in b.modes():
            kinds = {}
            for cyc, seg in segs:
                if cyc.get('mode') != mode or not cyc['ok']:
                    continue
                kind = 'floor' if cyc.get('class') == 'floor' else 'recovery'
                kinds.setdefault(kind, []).append((cyc, seg))
            cols = [k for k in ('recovery', 'floor') if k in kinds]
            med = {}
            for k in cols:
                per = [phase_times(seg) for _, seg in kinds[k]]
                labels = {lb for p in per for lb in p}
                med[k] = {lb: statistics.median([p[lb] for p in per if lb in p]) for lb in labels}
                us = [c['echo_us'] for c, _ in kinds[k] if c['echo_us'] >= 0]
                med[k]['first echo (userspace)'] = statistics.median(us) / 1000 if us else None
            print()
            print('  %s mode (%s)' % (mode, ', '.join('%s: %d cycle(s)' % (k, len(kinds[k]))
                                                     for k in cols)))
            print('  %-28s' % 'phase' + ''.join('%20s' % ('%s ms (+step)' % k) for k in cols))
            order = [lb for lb, _, _ in PHASES] + ['first echo (userspace)']
            seen, prev = [], {k: 0.0 for k in cols}
            for lb in sorted(dict.fromkeys(order),
                             key=lambda lb: min([med[k][lb] for k in cols
                                                 if med[k].get(lb) is not None] or [1e9])):
                if lb in seen or all(med[k].get(lb) is None for k in cols):
                    continue
                seen.append(lb)
                cells = []
                for k in cols:
                    v = med[k].get(lb)
                    if v is None:
                        cells.append('-')
                    else:
                        cells.append('%.2f (%+.2f)' % (v, v - prev[k]))
                        prev[k] = v
                print('  %-28s' % lb + ''.join('%20s' % c for c in cells))
            if len(cols) == 2:
                tot, away = {}, {}
                for k in cols:
                    per = [fn_totals(seg, off, c['t0']) for c, seg in kinds[k]]
                    fns = {f for p in per for f in p}
                    tot[k] = {f: statistics.median([p.get(f, (0, 0))[0] for p in per])
                              for f in fns}
                    away[k] = {f: statistics.median([p.get(f, (0, 0))[1] for p in per])
                               for f in fns}
                fns = set(tot['recovery']) | set(tot['floor'])
                diff = sorted(fns, key=lambda f: -abs(tot['recovery'].get(f, 0) -
                                                      tot['floor'].get(f, 0)))
                print('  time in each traced function (ms, median; in brackets the part of it')
                print('  its task was off the CPU, blocked or preempted), largest differences first:')
                print('  %-30s %16s %16s %9s' % ('function', 'recovery', 'floor', 'diff'))
                for f in diff[:14]:
                    r, fl = tot['recovery'].get(f, 0), tot['floor'].get(f, 0)
                    print('  %-30s %16s %16s %+9.2f' % (
                        f, '%.2f (%.2f)' % (r, away['recovery'].get(f, 0)),
                        '%.2f (%.2f)' % (fl, away['floor'].get(f, 0)), r - fl))


def main():
    benches = []
    for a in sys.argv[1:]:
        name, _, path = a.rpartition('=')
        benches.append(Bench(name or os.path.basename(os.path.dirname(os.path.abspath(path))),
                             path))
    if not benches:
        benches.append(Bench('kernel', 'build/e2e/console.log'))
    overview(benches)
    memory(benches)
    timeline(benches)


if __name__ == '__main__':
    main()
