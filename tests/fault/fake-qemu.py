#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# A fake QEMU for connection-loss tests: a QMP socket and a gdbstub socket
# that answer what sevdbg's attach asks, over a real shared memfd, and hang
# up after a given number of messages on either.
#
#   fake-qemu.py DIR QMP_CLOSE_AFTER GDB_CLOSE_AFTER
#
# QMP_CLOSE_AFTER counts what we send (0 = hang up before the greeting);
# GDB_CLOSE_AFTER counts the packets we receive; -1 = never. Creates
# DIR/qmp.sock and DIR/gdb.sock, then DIR/ready.
import ctypes
import json
import mmap
import os
import socket
import sys
import threading

RAM = 16 << 20
RAM_HVA = [0]  # where main() mapped the memfd: gpa2hva's answer
MTREE = ('FlatView #0\n AS "memory", root: system\n'
         ' Root memory region: system\n'
         '  0000000000000000-0000000000ffffff (prio 0, ram): ram0\n\n'
         'FlatView #1\n AS "I/O", root: io\n')


def listen(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(4)
    return s


def qmp_reply(req, gdb_path):
    cmd = req.get('execute')
    if cmd == 'qmp_capabilities':
        ret = {}
    elif cmd == 'query-cpus-fast':
        ret = [{'cpu-index': 0, 'thread-id': threading.get_native_id(),
                'qom-path': '/machine/unattached/device[0]',
                'target': 'x86_64'}]
    elif cmd == 'query-memdev':
        ret = [{'id': 'ram0', 'size': RAM, 'merge': True, 'dump': True,
                'prealloc': False, 'share': True, 'host-nodes': [],
                'policy': 'default'}]
    elif cmd == 'human-monitor-command':
        line = req['arguments']['command-line']
        if line.startswith('info mtree'):
            ret = MTREE
        elif line.startswith('gpa2hva '):
            gpa = int(line.split()[1], 16)
            ret = ('Host virtual address for 0x%x (ram0) is 0x%x\r\n'
                   % (gpa, RAM_HVA[0] + gpa))
        else:
            ret = ''
    elif cmd == 'query-sev':
        return {'error': {'class': 'GenericError',
                          'desc': 'SEV feature is not available'},
                'id': req.get('id')}
    else:
        ret = {}
    return {'return': ret, 'id': req.get('id')}


def serve_qmp(lsock, limit, gdb_path):
    while True:
        c, _ = lsock.accept()
        sent = 0
        f = c.makefile('rwb')
        try:
            msgs = [{'QMP': {'version': {'qemu': {'major': 7, 'minor': 2,
                                                  'micro': 0}},
                             'capabilities': ['oob']}}]
            while True:
                for m in msgs:
                    if sent == limit:
                        raise EOFError
                    f.write(json.dumps(m).encode() + b'\r\n')
                    f.flush()
                    sent += 1
                line = f.readline()
                if not line:
                    break
                msgs = [qmp_reply(json.loads(line), gdb_path)]
        except (EOFError, OSError, ValueError):
            pass
        try:
            f.close()
            c.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        c.close()


def gdb_frame(s):
    b = s.encode()
    return b'$' + b + b'#%02x' % (sum(b) & 0xff)


def gdb_reply(p):
    if p == 'qfThreadInfo':
        return 'm01'
    if p == 'qsThreadInfo':
        return 'l'
    if p == '?':
        return 'T05thread:01;'
    if p.startswith('vCont;c') or p == 'c':
        return None    # runs until \x03
    if p == 'g':
        return '00' * 560
    if p in ('D', 'k') or p.startswith(('Z', 'z', 'Hg', 'Hc', 'P')):
        return 'OK'
    return ''


def serve_gdb(lsock, limit):
    while True:
        c, _ = lsock.accept()
        got, buf = 0, b''
        try:
            while True:
                d = c.recv(4096)
                if not d:
                    break
                buf += d
                while True:
                    if buf[:1] in (b'+', b'-'):
                        buf = buf[1:]
                        continue
                    if buf[:1] == b'\x03':
                        buf = buf[1:]
                        c.sendall(gdb_frame('T02thread:01;'))
                        continue
                    h = buf.find(b'#')
                    if buf[:1] != b'$' or h < 0 or len(buf) < h + 3:
                        break
                    p = buf[1:h].decode('latin-1')
                    buf = buf[h + 3:]
                    if got == limit:
                        raise EOFError
                    got += 1
                    r = gdb_reply(p)
                    c.sendall(b'+' + (gdb_frame(r) if r is not None
                                      else b''))
        except (EOFError, OSError):
            pass
        c.close()


def main():
    d, qlim, glim = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    fd = os.memfd_create('memory-backend-memfd')
    os.ftruncate(fd, RAM)
    ram = mmap.mmap(fd, RAM, mmap.MAP_SHARED,
                    mmap.PROT_READ | mmap.PROT_WRITE)
    ram[0x1000:0x1008] = b'FAKEQEMU'
    RAM_HVA[0] = ctypes.addressof(ctypes.c_char.from_buffer(ram))
    q = listen(os.path.join(d, 'qmp.sock'))
    g = listen(os.path.join(d, 'gdb.sock'))
    threading.Thread(target=serve_gdb, args=(g, glim), daemon=True).start()
    open(os.path.join(d, 'ready'), 'w').close()
    serve_qmp(q, qlim, os.path.join(d, 'gdb.sock'))


if __name__ == '__main__':
    main()
