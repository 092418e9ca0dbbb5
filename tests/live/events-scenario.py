# SPDX-License-Identifier: GPL-2.0-only
# Run inside one `gdb -batch` session through sevdbg (tests/live/qemu-events):
# drives QEMU behind sevdbg's back over a second QMP socket (or through
# virsh qemu-monitor-command, for a libvirt domain) and prints
# "RESULT ok|fail NAME DETAIL" lines. Environment: REMOTE, SERIAL, and
# MON (QMP socket) or VIRSH_URI and VIRSH_DOM (tests/live/libvirt);
# SCENARIO=es for the --sim-es one.
import json
import os
import signal
import socket
import subprocess
import threading
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


def val(expr):
    gdb.execute('maint flush dcache', to_string=True)
    try:
        return int(gdb.parse_and_eval(expr))
    except gdb.error as e:
        return str(e)


def console(text):
    return open(os.environ['SERIAL'], errors='replace').read().count(text)


def func_of_thread(n):
    """The function vCPU n (gdb thread n) stands in."""
    gdb.execute('thread %d' % n, to_string=True)
    p = pc()
    gdb.execute('thread 1', to_string=True)
    b = gdb.block_for_pc(p)
    return b.function.name if b and b.function else '%#x' % p


def run_behind(mon, cond):
    """QMP cont, wait for cond (or a timeout), QMP stop."""
    mon.cmd('cont')
    wait_status(mon, 'running')
    ok = until(cond, TIMEOUT * 2)
    mon.cmd('stop')
    wait_status(mon, 'paused')
    return ok


def guest_reboot(mon):
    """The guest resets itself (keyboard controller) while it runs."""
    boots = console('sevdbg-guest: ready')
    gdb.execute('set var mailbox = 0x524254')
    rebooted = run_behind(mon, lambda: console('sevdbg-guest: ready') >
                          boots)
    t5, m = ticks(), val('mailbox')
    run_behind(mon, lambda: time.sleep(1.5) is None)
    t6 = ticks()
    result(rebooted and m == 0 and isinstance(t5, int) and
           isinstance(t6, int) and t6 > t5, 'guest-reboot-reads-follow',
           'rebooted=%s mailbox=%s ticks %s -> %s' % (rebooted, m, t5, t6))


def halt_irqs_off(mon):
    """cpu0 halts with interrupts off: the AP's counter still moves."""
    gdb.execute('set var mailbox = 0x484c54')
    halted = run_behind(mon, lambda: console('halts with interrupts off'))
    t, a = ticks(), val('cpu_ticks[1]')
    f = func_of_thread(1)
    result(halted and f == 'halt_irqs_off', 'halt-behind-reads-follow',
           'thread 1 in %s, ticks=%s ap=%s' % (f, t, a))
    run_behind(mon, lambda: time.sleep(1.5) is None)
    t2, a2 = ticks(), val('cpu_ticks[1]')
    result(t2 == t and isinstance(a2, int) and a2 > a, 'halt-cpu0-frozen',
           'ticks %s -> %s, ap %s -> %s' % (t, t2, a, a2))
    # gdb's own continue: nothing stops until gdb interrupts, and then
    # gdb gets the stop it asked for, with the AP moved on.
    stops = []
    seen = lambda ev: stops.append(getattr(ev, 'stop_signal', type(ev)))
    gdb.events.stop.connect(seen)
    timer = threading.Timer(2.0, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    gdb.execute('continue', to_string=True)
    timer.join()
    gdb.events.stop.disconnect(seen)
    out = ' '.join(str(x) for x in stops)
    a3, f3 = val('cpu_ticks[1]'), func_of_thread(1)
    result('SIGINT' in out and isinstance(a3, int) and a3 > a2 and
           f3 == 'halt_irqs_off' and mon.status() == 'paused',
           'halt-continue-interrupt', '%r ap %s -> %s, thread 1 in %s' %
           (out.strip()[-80:], a2, a3, f3))


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
    if not os.environ.get('VIRSH_DOM'):  # the guest acting on its own
        guest_reboot(mon)
        halt_irqs_off(mon)
    gdb.execute('detach')
    result(wait_status(mon, 'running'), 'detach-resumes',
           'status=%s' % mon.status())


def main_es():
    """--sim-es: registers come from the VMSAs; they must follow too."""
    mon = Mon(os.environ['MON'])
    gdb.execute('target remote ' + os.environ['REMOTE'])
    f0 = func_of_thread(1)
    result(f0 in ('idle_wait', 'cpu_loop', 'work_tick'), 'es-vmsa-regs',
           'thread 1 in %s' % f0)
    gdb.execute('set var mailbox = 0x484c54')
    halted = run_behind(mon, lambda: console('halts with interrupts off'))
    f1 = func_of_thread(1)
    result(halted and f1 == 'halt_irqs_off', 'es-cont-drops-vmsa',
           'thread 1 in %s (before: %s)' % (f1, f0))
    mon.cmd('system_reset')
    p = pc()
    result(p < 0x100000000, 'es-reset-drops-vmsa', 'pc=%#x' % p)
    gdb.execute('detach')
    result(wait_status(mon, 'running'), 'detach-resumes',
           'status=%s' % mon.status())


try:
    main_es() if os.environ.get('SCENARIO') == 'es' else main()
except Exception as e:  # noqa: BLE001 - report, never hang the test
    result(False, 'scenario', repr(e))
