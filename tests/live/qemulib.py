# SPDX-License-Identifier: GPL-2.0-only
# Helpers for the live tests against the test guest: a QEMU of our own (with
# a second QMP socket for the test), a QMP client that keeps the events it
# sees, `sevdbg serve` in the background and `gdb -batch` runs. TAP output.
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
SEVDBG = os.path.join(TOP, 'sevdbg')
GUEST = os.path.join(TOP, 'tests', 'guest', 'guest.elf')
RUN_QEMU = os.path.join(TOP, 'tests', 'guest', 'run-qemu')
BOOT_S = 120    # TCG on a loaded 2-core machine is slow
GDB_S = 120


def skip(why):
    print('SKIP: ' + why)
    sys.exit(77)


def qemu_binary():
    try:
        with open(os.path.join(TOP, 'config.h')) as f:
            m = re.search(r'#define QEMU_SYSTEM_X86_64 "(.*)"', f.read())
    except OSError:
        return None
    return m.group(1) if m else None


def need_all():
    if not shutil.which('gdb'):
        skip('gdb is not installed (apt-get install gdb)')
    q = qemu_binary()
    if not q or not os.access(q, os.X_OK):
        skip('qemu-system-x86_64 is not installed '
             '(apt-get install qemu-system-x86)')
    if not os.access(SEVDBG, os.X_OK):
        skip('build sevdbg first (make)')
    if not os.access(GUEST, os.R_OK):
        skip('build the test guest first (make tests/guest/guest.elf)')


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, detail=''):
        self.n += 1
        self.failed += not cond
        print('%s %d - %s' % ('ok' if cond else 'not ok', self.n, name))
        if not cond and detail:
            for line in str(detail).splitlines()[-25:]:
                print('#   ' + line)
        sys.stdout.flush()
        return cond

    def done(self):
        print('1..%d' % self.n)
        sys.exit(1 if self.failed else 0)


def wait_for(cond, timeout, step=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(step)
    return cond()


class Qmp:
    """A QMP client; events are kept in self.events in arrival order."""

    def __init__(self, path, timeout=30):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.f = self.s.makefile('rwb')
        self.events = []
        self.id = 0
        self._read()   # greeting
        self.cmd('qmp_capabilities')

    def _read(self):
        line = self.f.readline()
        if not line:
            raise EOFError('QMP closed')
        return json.loads(line)

    def cmd(self, name, **args):
        self.id += 1
        req = {'execute': name, 'id': self.id}
        if args:
            req['arguments'] = args
        self.f.write(json.dumps(req).encode() + b'\n')
        self.f.flush()
        while True:
            m = self._read()
            if 'event' in m:
                self.events.append(m['event'])
            elif m.get('id') == self.id:
                if 'error' in m:
                    raise RuntimeError(m['error'].get('desc'))
                return m['return']

    def hmp(self, line):
        return self.cmd('human-monitor-command', **{'command-line': line})

    def status(self):
        return self.cmd('query-status')['status']

    def wait_event(self, name, timeout=60):
        deadline = time.time() + timeout
        while name not in self.events and time.time() < deadline:
            self.s.settimeout(max(0.1, deadline - time.time()))
            try:
                m = self._read()
            except (socket.timeout, EOFError):
                break
            if 'event' in m:
                self.events.append(m['event'])
        self.s.settimeout(30)
        if name in self.events:
            self.events.remove(name)
            return True
        return False

    def close(self):
        try:
            self.f.close()
            self.s.close()
        except OSError:
            pass


class Qemu:
    """The test guest under TCG, with sevdbg's sockets and a test QMP."""

    def __init__(self, base, name, gdb='unix', stopped=False, extra=()):
        self.dir = os.path.join(base, name)
        os.makedirs(self.dir)
        self.qmp = self.path('qmp.sock')
        self.gdb = self.path('gdb.sock') if gdb == 'unix' else None
        self.hc = self.path('hc.bin')
        self.serial = self.path('serial.log')
        args = [RUN_QEMU, '--dir', self.dir, '--daemonize',
                '--pidfile', self.path('pid')]
        if gdb != 'unix':
            args += ['--gdb', 'none']
        if stopped:
            args.append('--stopped')
        args += ['--', '-qmp', 'unix:%s,server=on,wait=off' %
                 self.path('mon.sock')] + list(extra)
        self.pid = None
        r = subprocess.run(args, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=BOOT_S)
        if r.returncode:
            raise RuntimeError('run-qemu failed: %s' % r.stdout.decode())
        with open(self.path('pid')) as f:
            self.pid = int(f.read())
        self.mon = Qmp(self.path('mon.sock'))

    def path(self, name):
        return os.path.join(self.dir, name)

    def console(self):
        try:
            with open(self.serial, errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def wait_ready(self):
        return wait_for(lambda: 'sevdbg-guest: ready' in self.console(),
                        BOOT_S, 0.2)

    def alive(self):
        try:
            os.kill(self.pid, 0)
            return True
        except OSError:
            return False

    def stop(self):
        if self.pid and self.alive():
            os.kill(self.pid, signal.SIGKILL)
            wait_for(lambda: not self.alive(), 10)
        self.mon.close()


class Serve:
    """`sevdbg serve` on a unix socket in the background."""

    def __init__(self, base, name, target, *opts):
        self.sock = os.path.join(base, name + '.sock')
        self.log = os.path.join(base, name + '.log')
        with open(self.log, 'wb') as log:
            self.proc = subprocess.Popen(
                [SEVDBG, 'serve', '--listen', 'unix:' + self.sock] +
                list(opts) + [target], stdout=log, stderr=log)
        wait_for(lambda: os.path.exists(self.sock) or
                 self.proc.poll() is not None, BOOT_S)

    def listening(self):
        return os.path.exists(self.sock) and self.proc.poll() is None

    def text(self):
        with open(self.log, errors='replace') as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def gdb_args(remote, *cmds):
    a = ['gdb', '-batch', '-nx', '-ex', 'set pagination off',
         '-ex', 'set confirm off', '-ex', 'target remote ' + remote]
    for c in cmds:
        a += ['-ex', c]
    return a + [GUEST]


def gdb(remote, *cmds):
    """One gdb -batch session; its whole output."""
    try:
        r = subprocess.run(gdb_args(remote, *cmds), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=GDB_S,
                           stdin=subprocess.DEVNULL)
        return r.stdout.decode(errors='replace')
    except subprocess.TimeoutExpired as e:
        return (e.stdout or b'').decode(errors='replace') + '\n[gdb timed out]'


def value(out, n):
    """The value gdb printed as $n."""
    m = re.search(r'^\$%d = (.*)$' % n, out, re.M)
    return m.group(1) if m else None


def tempdir():
    return tempfile.mkdtemp(prefix='sevdbg-live-',
                            dir=os.environ.get('TMPDIR', '/tmp'))
