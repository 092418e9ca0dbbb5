#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Compares `sevdbg shell`'s `bt all` with gdb's `thread apply all bt` of the
# same stopped guest, frame by frame for each vCPU (gdb thread N = vCPU
# N-1): level, pc where gdb shows one, function, file:line. gdb's argument
# values are left out (sevdbg prints none), and so is a last frame at pc 0
# ("0x0000000000000000 in ?? ()"), which gdb shows after an assembly entry
# point whose caller slot is zero and sevdbg takes as the bottom.
# Usage: bt-compare.py NAME SEVDBG_OUT GDB_OUT [FIRST_TAP_NUMBER]
# Prints TAP lines (no plan); exit status 1 if any differs.
import re
import sys

FRAME = re.compile(r"#(\d+)\s+(?:(0x[0-9a-f]+) in )?([^ (]+) \(")
AT = re.compile(r" at (\S+:\d+)$")


def frames_of(text, header):
    """{vcpu: [(level, pc, name, file:line)]} from headers and #N lines."""
    out, cur = {}, None
    for line in text.splitlines():
        h = header.match(line)
        if h:
            cur = int(h.group(1)) - (1 if header.pattern.startswith("Thread")
                                     else 0)
            out[cur] = []
            continue
        m = FRAME.match(line)
        if m and cur is not None:
            at = AT.search(line)
            out[cur].append((int(m.group(1)), m.group(2), m.group(3),
                             at.group(1) if at else None))
    for v, fr in out.items():
        if fr and fr[-1][1] and int(fr[-1][1], 16) == 0 and fr[-1][2] == "??":
            fr.pop()
    return out


def main():
    name, ours_path, gdb_path = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    ours = frames_of(open(ours_path).read(), re.compile(r"vCPU (\d+):$"))
    gdb = frames_of(open(gdb_path).read(), re.compile(r"Thread (\d+) \("))
    failed = False
    if not gdb:
        print("not ok %d - %s: gdb printed no backtrace" % (n, name))
        return 1
    for v in sorted(gdb):
        same = ours.get(v) == gdb[v] and len(gdb[v]) > 1
        print("%s %d - %s: bt of vCPU %d equals gdb's (%d frames)" %
              ("ok" if same else "not ok", n, name, v, len(gdb[v])))
        if not same:
            failed = True
            print("#   sevdbg: %s" % (ours.get(v),))
            print("#   gdb:    %s" % (gdb[v],))
        n += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
