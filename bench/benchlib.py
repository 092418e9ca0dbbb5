#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# What every benchmark in bench/ prints about a comparison: the two sides
# were run interleaved (A B A B ...), so each pair shares the machine's load
# of its moment; the ratio of each pair is taken, and the median ratio is
# printed with its spread (min-max and IQR) over the pairs.
#
# As a module: summary(), pair_line(). As a program (for the shell
# benchmarks): `benchlib.py pairs FILE` reads lines "NAME A_SECONDS
# B_SECONDS [CALLS DECRYPT_CALLS]" (one per pair) and prints one line per
# NAME, in the order first seen; `benchlib.py table FILE` reads bench/dump's
# rows "guest|format|filter|side|round|seconds|calls|decrypt|bytes[|cpu[|scan]]"
# and
# prints the format x filter x guest table. --latency US projects firmware
# time: DBG_DECRYPT calls x US.
import statistics
import sys


def quartiles(xs):
    """Q1, median, Q3 (inclusive method: defined for 1 sample and up)."""
    s = sorted(xs)
    if len(s) == 1:
        return s[0], s[0], s[0]
    q = statistics.quantiles(s, n=4, method='inclusive')
    return q[0], q[1], q[2]


def summary(xs):
    """dict: n, median, min, max, q1, q3 of the samples xs."""
    q1, med, q3 = quartiles(xs)
    return {'n': len(xs), 'median': med, 'min': min(xs), 'max': max(xs),
            'q1': q1, 'q3': q3}


def spread(s, fmt='%.2f'):
    """'0.52 (min-max 0.48-0.60, IQR 0.50-0.55, 5 pairs)'"""
    return ((fmt + ' (min-max ' + fmt + '-' + fmt + ', IQR ' + fmt + '-' +
             fmt + ', %d pairs)') %
            (s['median'], s['min'], s['max'], s['q1'], s['q3'], s['n']))


def pair_line(name, a, b, scale=1.0, unit='s'):
    """One comparison: a and b are the per-pair seconds of the two sides,
    in run order (a[i] and b[i] ran next to each other); the medians are
    printed times scale, in unit."""
    ratios = [x / y for x, y in zip(a, b) if y > 0]
    if not ratios:
        return '%s: no pairs' % name
    return '%s: A %.3f %s, B %.3f %s (medians); A/B %s' % (
        name, statistics.median(a) * scale, unit,
        statistics.median(b) * scale, unit, spread(summary(ratios)))


def read_pairs(path):
    rows = {}
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) < 3:
                continue
            rows.setdefault(p[0], []).append([float(x) for x in p[1:]])
    return rows


def read_dump_rows(path):
    """{(guest, format, filter, side): {round: (s, calls, dec, bytes,
    cpu, scan)}}; cpu and scan (pages probed for VMCOREINFO) None when not
    measured."""
    runs = {}
    with open(path) as f:
        for line in f:
            p = line.rstrip('\n').split('|')
            while 9 <= len(p) < 11:
                p.append('-')
            if len(p) != 11:
                continue
            key = (p[0], p[1], int(p[2]), p[3])
            num = [None if x == '-' else float(x) for x in p[6:]]
            runs.setdefault(key, {})[int(p[4])] = [float(p[5])] + num
    return runs


TABLE_HEAD = ('%-14s %-5s %-6s %-8s %8s %9s %9s %7s %8s %8s %6s %6s  %s' %
              ('guest', 'fmt', 'filter', 'side', 'seconds', 'calls',
               'DBG_DEC', 'scan', 'fw s', 'QEMU s', 'CPU s', 'QEMU',
               'wall ratio to QEMU: median (min-max, IQR, pairs); CPU ratio'))


def med_of(by_round, k):
    xs = [v[k] for v in by_round.values() if v[k] is not None]
    return statistics.median(xs) if xs else None


def table(path, lat):
    """One row per (guest, format, filter, side other than qemu): median
    seconds over the rounds, calls and DBG_DECRYPT calls (the same in every
    round), projected firmware seconds, QEMU's median seconds for that
    format, both sides' median CPU seconds, the per-round wall ratio's
    median and spread, and the median CPU ratio. DBG_DEC is the median
    over the rounds (the VMCOREINFO scan can differ between boots), scan
    the largest number of pages any round probed for VMCOREINFO (part of
    DBG_DEC)."""
    runs = read_dump_rows(path)
    print(TABLE_HEAD)
    for (guest, fmt, filt, side), by_round in runs.items():
        if side == 'qemu':
            continue
        s = med_of(by_round, 0)
        dec = med_of(by_round, 2)
        q = runs.get((guest, fmt, 0, 'qemu'), {})
        ratios = [v[0] / q[r][0] for r, v in sorted(by_round.items())
                  if r in q and q[r][0] > 0]
        cpur = [v[4] / q[r][4] for r, v in sorted(by_round.items())
                if r in q and v[4] is not None and q[r][4]]
        num = lambda x, w=8: '%*.3f' % (w, x) if x is not None else \
            '%*s' % (w, '-')
        rs = spread(summary(ratios)) if ratios else 'no QEMU run'
        if cpur:
            rs += '; CPU %.2f' % statistics.median(cpur)
        scans = [v[5] for v in by_round.values() if v[5] is not None]
        print('%-14s %-5s %-6s %-8s %8.3f %9d %9d %7s %8.3f %s %s %s  %s' %
              (guest[:14], fmt, filt or 'none', side, s, med_of(by_round, 1),
               dec, '%d' % max(scans) if scans else '-', dec * lat / 1e6,
               num(med_of(q, 0) if q else None),
               num(med_of(by_round, 4), 6), num(med_of(q, 4) if q else None,
                                                6), rs))


def pergib(path):
    """Median seconds per GiB of RAM of each case at each size (the guest
    label ends in its size, e.g. 'Debian 4G')."""
    cases = {}
    for (guest, fmt, filt, side), by_round in read_dump_rows(path).items():
        gib = float(guest.split()[-1].rstrip('G'))
        s = statistics.median(v[0] for v in by_round.values())
        cases.setdefault((fmt, filt, side), []).append((gib, s / gib))
    for (fmt, filt, side), pts in cases.items():
        print('%-5s filter %-4s %-8s %s' % (
            fmt, filt or 'none', side, '  '.join(
                '%gG: %.3f s/GiB' % p for p in sorted(pts))))


def main(argv):
    lat = float(argv[4]) if len(argv) > 4 and argv[3] == '--latency' else 0
    if len(argv) >= 3 and argv[1] == 'table':
        table(argv[2], lat)
        return 0
    if len(argv) >= 3 and argv[1] == 'pergib':
        pergib(argv[2])
        return 0
    if len(argv) < 3 or argv[1] != 'pairs':
        print('usage: benchlib.py pairs|table|pergib FILE [--latency US]',
              file=sys.stderr)
        return 2
    for name, rows in read_pairs(argv[2]).items():
        print(pair_line(name, [r[0] for r in rows], [r[1] for r in rows]))
        if len(rows[0]) >= 4:
            calls = statistics.median(r[2] for r in rows)
            dec = statistics.median(r[3] for r in rows)
            print('  platform calls %d, DBG_DECRYPT %d, projected firmware '
                  '%.3f s at %g us' % (calls, dec, dec * lat / 1e6, lat))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
