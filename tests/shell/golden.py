#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Scripted `sevdbg shell` sessions with expected output: for each
# tests/shell/NAME.cmds, run `sevdbg shell --echo -x NAME.cmds TARGET` and
# compare stdout with NAME.out. Prints TAP; `--update` rewrites the .out.
#
# Header lines of a .cmds file (comments, so the shell skips them):
#   # target: demo            TARGET string (required)
#   # options: --symbols {{guest}}
#   # exit: 1                 expected exit status (default 0)
#   # needs: FILE             skip unless FILE exists (after substitution)
#   # stdin: yes              pipe the commands in instead of -x FILE
#   # stderr: TEXT            TEXT must appear on stderr
#   # mask: REGEX             output that varies run to run (timings) is
#                             replaced by <masked> before the comparison
#   # retry: N                run up to N more times while the output
#                             differs: where a live guest is caught varies
#                             (it sleeps in hlt; a stop mid-tick is rare)
#   # json: yes               stdout must also be one JSON value per
#                             command (the echoed command lines aside)
# In .cmds and .out, {{guest}} is the test guest ELF, {{tmp}} a directory
# shared by the files of one run (they run in name order), {{SYM}} the
# address of SYM in the guest ELF as 0x%x, {{SYM:016}} as 0x%016x,
# {{SYM+0x10}} with an offset, {{pa:SYM}} its physical address (the image
# is loaded at va - KERNEL_VMA), {{pagepa:SYM}} that rounded down to 4K.
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

SUBST = re.compile(r"\{\{([^}]+)\}\}")


def guest_symbols(elf):
    out = subprocess.run(["nm", elf], capture_output=True, text=True,
                         check=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = int(parts[0], 16)
    return syms


KEY = re.compile(r"(pa:|pagepa:)?([A-Za-z_]\w*)(\+0x[0-9a-fA-F]+)?(:0\d+)?$")


def substitute(text, env):
    def one(m):
        key = m.group(1)
        if key in ("guest", "tmp"):
            return env[key]
        k = KEY.match(key)
        if not k or k.group(2) not in env["syms"]:
            raise KeyError("unknown placeholder {{%s}}" % key)
        v = env["syms"][k.group(2)] + int(k.group(3) or "0", 16)
        if k.group(1):
            v -= env["syms"]["KERNEL_VMA"]
        if k.group(1) == "pagepa:":
            v &= ~0xfff
        return "0x" + format(v, (k.group(4) or ":")[1:] + "x")
    return SUBST.sub(one, text)


def headers(text):
    h = {}
    for line in text.splitlines():
        m = re.match(r"#\s*(target|options|exit|needs|mask|stderr|stdin|"
                     r"retry|json):\s*(.*)", line)
        if m and m.group(1) == "mask":
            h.setdefault("mask", []).append(m.group(2).strip())
        elif m:
            h[m.group(1)] = m.group(2).strip()
    return h


def normalize(out, h, env):
    for rx in h.get("mask", []):
        out = re.sub(rx, "<masked>", out)
    return out


IMAGE_ADDR = re.compile(r"0xffffffff80[0-9a-f]{6}\b")


def symbolic(value, width, env):
    """{{sym+0xoff}} for an address in the guest image, or None."""
    syms = env["syms"]
    best = None
    for name, addr in syms.items():
        if name.startswith("__") or name == "KERNEL_VMA" or addr > value:
            continue
        if best is None or addr > syms[best] or \
                (addr == syms[best] and name < best):
            best = name
    if best is None or value - syms[best] >= 0x10000:
        return None
    off = value - syms[best]
    key = best + ("+0x%x" % off if off else "")
    return "{{%s%s}}" % (key, ":016" if width == 18 else "")


def unsubstitute(out, env):
    """For --update: put the placeholders back for the run's paths and
    for addresses in the guest image (so the file outlives a relink)."""
    out = out.replace(env["tmp"], "{{tmp}}").replace(env["guest"],
                                                      "{{guest}}")

    def one(m):
        return symbolic(int(m.group(0), 16), len(m.group(0)), env) or \
            m.group(0)
    return IMAGE_ADDR.sub(one, out)


def json_values(out, cmds):
    """'' if out (without echo lines) is one JSON value per command."""
    import json
    text = "".join(l + "\n" for l in out.splitlines()
                   if not l.startswith("(sevdbg) "))
    dec, i, n = json.JSONDecoder(), 0, 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            break
        try:
            _, i = dec.raw_decode(text, i)
        except ValueError as e:
            return "not a JSON value at offset %d: %s\n" % (i, e)
        n += 1
    want = sum(1 for l in cmds.splitlines()
               if l.strip() and not l.strip().startswith("#"))
    return "" if n == want else "%d JSON values for %d commands\n" % (n, want)


def run_one(path, args, env):
    """(ok, skip reason or None, diagnostic); reruns per # retry."""
    tries = 1 + int(headers(open(path).read()).get("retry", "0"))
    for _ in range(tries):
        ok, skip, diag = run_once(path, args, env)
        if ok or skip:
            break
    return ok, skip, diag


def run_once(path, args, env):
    """(ok, skip reason or None, diagnostic)"""
    name = os.path.basename(path)[:-5]
    cmds = substitute(open(path).read(), env)
    h = headers(cmds)
    if "needs" in h and not os.path.exists(h["needs"]):
        return True, "%s: %s does not exist" % (name, h["needs"]), ""
    script = os.path.join(env["tmp"], name + ".cmds")
    with open(script, "w") as f:
        f.write(cmds)
    piped = h.get("stdin") == "yes"
    argv = [args.sevdbg, "shell", "--echo"]
    if not piped:
        argv += ["-x", script]
    argv += h.get("options", "").split()
    argv.append(h["target"])
    # The demo target boots this guest, not an installed one.
    cenv = dict(os.environ, SEVDBG_GUEST=env["guest"])
    with open(script if piped else os.devnull) as stdin:
        p = subprocess.run(argv, capture_output=True, text=True, env=cenv,
                           timeout=args.timeout, stdin=stdin)
    want_exit = int(h.get("exit", "0"))
    expected_path = path[:-5] + ".out"
    got = normalize(p.stdout, h, env)
    if args.update:
        with open(expected_path, "w") as f:
            f.write(unsubstitute(got, env))
    expected = substitute(open(expected_path).read(), env) \
        if os.path.exists(expected_path) else ""
    diag = ""
    if got != expected:
        import difflib
        diag = "".join(difflib.unified_diff(
            expected.splitlines(True), got.splitlines(True),
            "expected", "got"))
    if h.get("json") == "yes":
        diag += json_values(p.stdout, cmds)
    if "stderr" in h and h["stderr"] not in p.stderr:
        diag += "stderr lacks %r:\n%s" % (h["stderr"], p.stderr)
    if p.returncode != want_exit:
        diag += "exit status %d, expected %d\nstderr:\n%s" % (
            p.returncode, want_exit, p.stderr)
    return not diag, None, diag


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sevdbg", required=True)
    ap.add_argument("--guest", required=True)
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    files = args.files or sorted(glob.glob(os.path.join(here, "*.cmds")))
    env = {"guest": os.path.abspath(args.guest),
           "tmp": tempfile.mkdtemp(prefix="sevdbg-golden-"),
           "syms": guest_symbols(args.guest)}
    print("1..%d" % len(files))
    print("# work directory: %s" % env["tmp"])
    failed = 0
    for i, path in enumerate(files, 1):
        name = os.path.basename(path)
        try:
            ok, skip, diag = run_one(path, args, env)
        except subprocess.TimeoutExpired:
            ok, skip, diag = False, None, "timed out"
        if skip:
            print("ok %d - %s # SKIP %s" % (i, name, skip))
            continue
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
        if not ok:
            failed += 1
            for line in diag.splitlines()[:60]:
                print("#   " + line)
    if not failed:
        import shutil
        shutil.rmtree(env["tmp"], ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
