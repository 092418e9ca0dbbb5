# SPDX-License-Identifier: GPL-2.0-only
# A minimal gdb remote-protocol client for the hardening tests: framing,
# acks, escapes and run-length decoding, over a unix socket or a child's stdio.
import ctypes
import os
import signal
import socket
import subprocess
import time

# A loaded machine (parallel builds, sanitizers) stretches every wait:
# SEVDBG_TEST_TIMEOUT_SCALE multiplies the deadlines of these tests.
try:
    TIMEOUT_SCALE = max(0.1, float(os.environ.get(
        'SEVDBG_TEST_TIMEOUT_SCALE', '1')))
except ValueError:
    TIMEOUT_SCALE = 1.0


def scaled(seconds):
    """A deadline in seconds, stretched by SEVDBG_TEST_TIMEOUT_SCALE."""
    return seconds * TIMEOUT_SCALE


def _die_with_parent():
    # In the child before exec: a test killed outright (SIGKILL, OOM)
    # takes its servers with it; PR_SET_PDEATHSIG = 1.
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)


def spawn(argv, **kw):
    """Popen for a server the test must not leave behind."""
    return subprocess.Popen(argv, preexec_fn=_die_with_parent, **kw)


def reap(proc, grace=5.0):
    """Stop proc (SIGTERM, then SIGKILL after grace seconds) and wait."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=scaled(grace))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def exit_on_signals():
    """Turn SIGTERM/SIGHUP into SystemExit so finally blocks run."""
    def handler(signum, frame):
        raise SystemExit(128 + signum)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)


def checksum(data):
    return b'%02x' % (sum(data) & 0xff)


def frame(payload):
    if isinstance(payload, str):
        payload = payload.encode('latin-1')
    return b'$' + payload + b'#' + checksum(payload)


def decode(body):
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c == 0x7d and i + 1 < len(body):
            out.append(body[i + 1] ^ 0x20)
            i += 2
        elif c == 0x2a and i + 1 < len(body) and out:
            out += bytes([out[-1]]) * (body[i + 1] - 29)
            i += 2
        else:
            out.append(c)
            i += 1
    return bytes(out)


class Rsp:
    """One connection. recv() returns decoded payloads (bytes)."""

    def __init__(self, sock=None, proc=None, timeout=10.0):
        self.sock, self.proc = sock, proc
        self.timeout = scaled(timeout)
        self.buf = b''
        self.noack = False

    @classmethod
    def unix(cls, path, timeout=10.0):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(scaled(timeout))
        s.connect(path)
        return cls(sock=s, timeout=timeout)

    @classmethod
    def stdio(cls, argv, env=None, timeout=10.0):
        p = spawn(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                  stderr=subprocess.PIPE, env=env)
        os.set_blocking(p.stdout.fileno(), False)
        return cls(proc=p, timeout=timeout)

    def raw_send(self, data):
        if self.sock:
            self.sock.sendall(data)
        else:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    def _read(self, deadline):
        if self.sock:
            self.sock.settimeout(max(0.01, deadline - time.time()))
            try:
                d = self.sock.recv(65536)
            except socket.timeout:
                return None
            if not d:
                raise EOFError('connection closed')
            return d
        import select
        r, _, _ = select.select([self.proc.stdout], [], [],
                                max(0.0, deadline - time.time()))
        if not r:
            return None
        d = os.read(self.proc.stdout.fileno(), 65536)
        if not d:
            raise EOFError('stub exited')
        return d

    def recv(self, timeout=None):
        timeout = scaled(timeout) if timeout else self.timeout
        deadline = time.time() + timeout
        while True:
            start = self.buf.find(b'$')
            if start >= 0:
                self.buf = self.buf[start:]
                end = self.buf.find(b'#')
                if end >= 0 and len(self.buf) >= end + 3:
                    body = self.buf[1:end]
                    self.buf = self.buf[end + 3:]
                    if not self.noack:
                        self.raw_send(b'+')
                    return decode(body)
            if time.time() >= deadline:
                raise TimeoutError('no reply within %.1f s' % timeout)
            d = self._read(deadline)
            if d:
                self.buf += d

    def cmd(self, payload, timeout=None):
        self.raw_send(frame(payload))
        return self.recv(timeout)

    def start_noack(self):
        if self.cmd('QStartNoAckMode') == b'OK':
            self.noack = True

    def close(self):
        if self.sock:
            self.sock.close()
        if self.proc:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=scaled(5))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def monitor(r, line, timeout=None):
    """qRcmd: the console text and the final reply (b'OK' or b'Exx')."""
    r.raw_send(frame('qRcmd,' + line.encode().hex()))
    text = b''
    while True:
        p = r.recv(timeout)
        if p.startswith(b'O') and p != b'OK':
            text += bytes.fromhex(p[1:].decode())
        else:
            return text.decode('utf-8', 'replace'), p
