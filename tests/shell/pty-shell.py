#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# The interactive `sevdbg shell` driven through a pseudo-terminal: Tab
# completion, Ctrl-C at the prompt and during a long `find`, Enter
# repeating x, dis and step (only those), history kept across runs in
# $HOME/.sevdbg_history (mode 0600). Prints TAP.
import argparse
import os
import pty
import re
import select
import signal
import stat
import sys
import tempfile
import time

PROMPT = b"(sevdbg) "


class Shell:
    """One `sevdbg shell` on a pty; expect() waits for output."""

    def __init__(self, argv, env, log):
        self.log = log
        self.buf = b""
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(argv[0], argv, env)
        os.set_blocking(self.fd, False)

    def send(self, data):
        self.log.write(b">>> " + repr(data).encode() + b"\n")
        os.write(self.fd, data)

    def read_some(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return None
        if not data:
            return None
        self.log.write(data)
        self.buf += data
        return True

    def expect(self, what, timeout=30.0):
        """Consume output up to and including `what`; the text before it."""
        end = time.monotonic() + timeout
        while what not in self.buf:
            left = end - time.monotonic()
            if left <= 0 or self.read_some(left) is None:
                raise TimeoutError("waited for %r, got %r" %
                                   (what, self.buf[-400:]))
        i = self.buf.index(what) + len(what)
        before, self.buf = self.buf[:i], self.buf[i:]
        return before

    def wait_exit(self, timeout=30.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            self.read_some(0.1)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        raise TimeoutError("the shell did not exit")


    def close(self):
        """SIGTERM lets the shell end its target (a launched QEMU)."""
        try:
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                return
            os.kill(self.pid, signal.SIGTERM)
            for _ in range(100):
                if os.waitpid(self.pid, os.WNOHANG)[0]:
                    return
                self.read_some(0.1)
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, name, why=""):
        self.n += 1
        if not ok:
            self.failed += 1
        print("%s %d - %s" % ("ok" if ok else "not ok", self.n, name))
        if not ok and why:
            for line in str(why).splitlines()[-12:]:
                print("#   " + line)
        sys.stdout.flush()


def run_step(tap, name, fn):
    try:
        fn()
        tap.check(True, name)
    except (TimeoutError, AssertionError, OSError) as e:
        tap.check(False, name, e)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sevdbg", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--symbols")
    ap.add_argument("--symbol-prefix", default="private_s",
                    help="a prefix that completes to one symbol")
    ap.add_argument("--symbol", default="private_secret")
    ap.add_argument("--slow", nargs="*", default=["--sim-latency", "300"],
                    help="options that make a full-RAM find take seconds")
    a = ap.parse_args()

    home = tempfile.mkdtemp(prefix="sevdbg-pty-")
    env = dict(os.environ, HOME=home, TERM="xterm", INPUTRC="/dev/null")
    logpath = os.path.join(home, "pty.log")
    log = open(logpath, "wb", buffering=0)
    argv = [a.sevdbg, "shell"] + a.slow
    if a.symbols:
        argv += ["--symbols", a.symbols]
    argv.append(a.target)
    tap = Tap()
    print("# log: %s" % logpath)

    sh = Shell(argv, env, log)
    try:
        run_step(tap, "prompt appears", lambda: sh.expect(PROMPT, 120))

        def complete_command():
            sh.send(b"transl\t")
            sh.expect(b"translate ")
            sh.send(b"\x15")    # Ctrl-U: drop the line
            sh.send(b"st\t\t")  # ambiguous: both names listed
            out = sh.expect(PROMPT)
            assert b"stats" in out and b"status" in out and b"step" in out, out
            sh.send(b"\x15help\r")
            out = sh.expect(PROMPT)
            assert b"translate" in out, out
        run_step(tap, "Tab completes command names", complete_command)

        if a.symbols:
            def complete_symbol():
                sh.send(b"x/s " + a.symbol_prefix.encode() + b"\t")
                sh.expect(a.symbol.encode() + b" ")
                sh.send(b"\r")
                out = sh.expect(PROMPT)
                assert b"SEVDBG-PRIVATE-PATTERN" in out, out
            run_step(tap, "Tab completes symbols; x/s reads by name",
                     complete_symbol)

            def complete_in_expression():
                sh.send(b"x/2xg *($ri\t")
                sh.expect(b"$rip ")
                sh.send(b"\x15x/s (private_sec\t")  # after an operator
                sh.expect(b"private_secret ")
                sh.send(b"\x08+7)\r")
                out = sh.expect(PROMPT)
                assert b"<private_secret+0x7>: \"PRIVATE-PATTERN" in out, out
            run_step(tap, "Tab completes registers and symbols inside "
                     "expressions", complete_in_expression)
        else:
            tap.check(True, "symbol completion # SKIP no --symbols ELF given")

        def ctrl_c_prompt():
            sh.send(b"garbage-half-typed")
            sh.expect(b"garbage-half-typed")
            sh.send(b"\x03")
            sh.expect(PROMPT)
            sh.send(b"help status\r")
            out = sh.expect(PROMPT)
            assert b"unknown command" not in out, out
            assert b"C-bit" in out, out
        run_step(tap, "Ctrl-C at the prompt drops the line, shell stays",
                 ctrl_c_prompt)

        def ctrl_c_find():
            sh.send(b'find "no-such-bytes-in-this-guest-42"\r')
            time.sleep(1.0)
            sh.send(b"\x03")
            out = sh.expect(PROMPT, 60)
            assert b"interrupted" in out, out
            sh.send(b"regs\r")        # QEMU got no SIGINT: still answers
            out = sh.expect(PROMPT)
            assert b"rip is" in out, out
            sh.send(b"status p:0x200000\r")
            out = sh.expect(PROMPT)
            assert b"read via" in out, out
        run_step(tap, "Ctrl-C stops a long find, shell stays", ctrl_c_find)

        if a.symbols:
            def repeat_x():
                sh.send(b"x/2xg private_page\r")
                out = sh.expect(PROMPT)
                assert b"0x342d261f18110a03 0x6c655e575049423b" in out, out
                sh.send(b"\r")     # Enter: the next two giant words
                out = sh.expect(PROMPT)
                assert b"<private_page+0x10>: 0xa49d968f88817a73" in out, out
                sh.send(b"\r")
                out = sh.expect(PROMPT)
                assert b"<private_page+0x20>:" in out, out
            run_step(tap, "Enter repeats x, going on where it stopped",
                     repeat_x)

            def repeat_dis():
                sh.send(b"dis leaf_function 2\r")
                out = sh.expect(PROMPT)
                assert b"<leaf_function+0x5>:" in out, out
                sh.send(b"\r")
                out = sh.expect(PROMPT)
                assert b"<leaf_function+0x9>:" in out, out
                assert b"<leaf_function>:" not in out, out
            run_step(tap, "Enter repeats dis, going on", repeat_dis)
        else:
            tap.check(True, "repeat x and dis # SKIP no --symbols ELF given")

        def repeat_step():
            where = []
            for line in (b"step\r", b"\r"):
                sh.send(line)
                out = sh.expect(PROMPT, 60)
                m = re.search(rb"stopped: .*vCPU 0 at (0x[0-9a-f]+)", out)
                assert m, out
                where.append(m.group(1))
            assert where[0] != where[1], where
        run_step(tap, "Enter repeats step: the vCPU moves again",
                 repeat_step)

        def no_repeat():
            sh.send(b"status p:0x200000\r")
            out = sh.expect(PROMPT)
            assert b"read via" in out, out
            sh.send(b"\r")     # status is not repeated: nothing happens
            out = sh.expect(PROMPT)
            assert b"read via" not in out and b"error" not in out, out
        run_step(tap, "Enter after another command does nothing", no_repeat)

        def quit_first():
            sh.send(b"quit\r")
            rc = sh.wait_exit()
            assert rc == 0, "exit status %d" % rc
        run_step(tap, "quit leaves with status 0", quit_first)
    finally:
        sh.close()

    hist = os.path.join(home, ".sevdbg_history")

    def history_file():
        st = os.stat(hist)
        assert stat.S_IMODE(st.st_mode) == 0o600, oct(st.st_mode)
        text = open(hist, "rb").read()
        assert b"status p:0x200000" in text, text
        assert b"garbage" not in text, text
    run_step(tap, "history in $HOME/.sevdbg_history, mode 0600", history_file)

    sh = Shell(argv, env, log)
    try:
        def history_recall():
            sh.expect(PROMPT, 120)
            sh.send(b"\x1b[A\x1b[A")  # Up, Up: before the last run's quit
            sh.expect(b"status p:0x200000")
            sh.send(b"\r")
            out = sh.expect(PROMPT)
            assert b"read via" in out, out
            sh.send(b"\x04")        # Ctrl-D
            rc = sh.wait_exit()
            assert rc == 0, "exit status %d" % rc
        run_step(tap, "history recalled in a new run; Ctrl-D exits",
                 history_recall)
    finally:
        sh.close()

    print("1..%d" % tap.n)
    if not tap.failed:
        import shutil
        shutil.rmtree(home, ignore_errors=True)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
