# SPDX-License-Identifier: GPL-2.0-only
# Run inside one `gdb -batch` session through sevdbg (tests/live/qemu-events):
# drives QEMU behind sevdbg's back over a second QMP socket (or through
# virsh qemu-monitor-command, for a libvirt domain) and prints
# "RESULT ok|fail NAME DETAIL" lines. Environment: REMOTE, SERIAL, and
# MON (QMP socket) or VIRSH_URI and VIRSH_DOM (tests/live/libvirt).
import json
import os
import socket
import subprocess
import time

import gdb

TIMEOUT = 60


class Mon:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(30)
        self.s.connect(path)
        self.f = self.s.makefile('rwb')
        self.f.readline()
        self.cmd('qmp_capabilities')

    def cmd(self, name, **args):
        req = {'execute': name}
        if args:
            req['arguments'] = args
        self.f.write(json.dumps(req).encode() + b'\n')
        self.f.flush()
        while True:
            m = json.loads(self.f.readline())
            if 'return' in m or 'error' in m:
                return m.get('return')

    def status(self):
        return self.cmd('query-status')['status']


class VirshMon:
    """The same, through libvirt's monitor passthrough."""

    def __init__(self, uri, dom):
        self.uri, self.dom = uri, dom

    def cmd(self, name, **args):
        req = {'execute': name}
        if args:
            req['arguments'] = args
        out = subprocess.run(['virsh', '-c', self.uri, 'qemu-monitor-command',
                              self.dom, json.dumps(req)],
                             stdout=subprocess.PIPE, timeout=60, check=True)
        return json.loads(out.stdout).get('return')

    def status(self):
        return self.cmd('query-status')['status']


def result(ok, name, detail=''):
    print('RESULT %s %s %s' % ('ok' if ok else 'fail', name, detail))


def ticks():
    gdb.execute('maint flush dcache', to_string=True)
    try:
        return int(gdb.parse_and_eval('ticks'))
    except gdb.error as e:
        return str(e)


def pc():
    gdb.execute('maint flush register-cache', to_string=True)
    return int(gdb.parse_and_eval('$pc')) & 0xffffffffffffffff


def until(cond, timeout=TIMEOUT):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


def wait_status(mon, want):
    return until(lambda: mon.status() == want)


def main():
    if os.environ.get('VIRSH_DOM'):
        mon = VirshMon(os.environ['VIRSH_URI'], os.environ['VIRSH_DOM'])
    else:
        mon = Mon(os.environ['MON'])
    gdb.execute('target remote ' + os.environ['REMOTE'])
    t0 = ticks()
    result(isinstance(t0, int) and ticks() == t0, 'stopped-reads-agree',
           't0=%s' % t0)

    # QMP cont while gdb sits stopped: reads follow the running guest.
    mon.cmd('cont')
    wait_status(mon, 'running')
    moved = until(lambda: isinstance(ticks(), int) and ticks() > t0)
    result(moved, 'cont-reads-follow', 't0=%s now=%s' % (t0, ticks()))

    # QMP stop: a stopped guest again, reads agree with each other.
    mon.cmd('stop')
    wait_status(mon, 'paused')
    t1 = ticks()
    result(isinstance(t1, int) and t1 > t0 and ticks() == t1,
           'stop-reads-settle', 't0=%s t1=%s' % (t0, t1))

    # cont and stop between two reads: the cached page is stale.
    serial = os.environ['SERIAL']
    lines = open(serial, errors='replace').read().count('\ntick ')
    mon.cmd('cont')
    wait_status(mon, 'running')
    # The guest prints a "tick" line every 20 ticks: wait for one more.
    until(lambda: open(serial, errors='replace').read().count('\ntick ') >
          lines)
    mon.cmd('stop')
    wait_status(mon, 'paused')
    t2 = ticks()
    result(isinstance(t2, int) and t2 > t1, 'cont-stop-drops-cache',
           't1=%s t2=%s' % (t1, t2))

    # system_reset while stopped: registers and paging mode are new.
    mon.cmd('system_reset')
    until(lambda: pc() != 0 and pc() < 0x100000000, 30)
    p = pc()
    result(p < 0x100000000, 'reset-drops-registers', 'pc=%#x' % p)
    t3 = ticks()
    result(not isinstance(t3, int) or t3 != t2, 'reset-no-stale-memory',
           't2=%s t3=%s' % (t2, t3))

    # The guest boots again (no paging state while it runs after a reset:
    # reads wait for the stop); its counter starts over.
    ready = serial
    mon.cmd('cont')
    wait_status(mon, 'running')
    until(lambda: open(ready, errors='replace').read().count(
        'sevdbg-guest: ready') >= 2, TIMEOUT * 2)
    mon.cmd('stop')
    wait_status(mon, 'paused')
    t4 = ticks()
    result(isinstance(t4, int) and 0 < t4 < t2, 'reboot-reads-follow',
           't2=%s now=%s' % (t2, t4))
    gdb.execute('detach')
    result(wait_status(mon, 'running'), 'detach-resumes',
           'status=%s' % mon.status())


try:
    main()
except Exception as e:  # noqa: BLE001 - report, never hang the test
    result(False, 'scenario', repr(e))
