# gdb-walk.py - reference x86-64 page-table walker for gdb attached to the
# test guest: `guest-walk VA` prints every level, the page size and the C-bit.
# Reads tables through the guest's own higher-half image mapping, so it only
# works for tables inside the image (true for the test guest).
import gdb

KERNEL_VMA = 0xFFFFFFFF80000000
ADDR_MASK = 0x000FFFFFFFFFF000


class GuestWalk(gdb.Command):
    """guest-walk VA: walk the current vCPU's 4-level page tables for VA."""

    def __init__(self):
        super().__init__("guest-walk", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        va = int(gdb.parse_and_eval(arg)) & 0xFFFFFFFFFFFFFFFF
        cbit = int(gdb.parse_and_eval("sev_cbit"))
        cmask = 1 << cbit
        table = int(gdb.parse_and_eval("$cr3")) & ADDR_MASK & ~cmask
        inf = gdb.selected_inferior()
        names = ["pml4e", "pdpte", "pde", "pte"]
        for level in range(4, 0, -1):
            idx = (va >> (12 + 9 * (level - 1))) & 511
            raw = inf.read_memory(KERNEL_VMA + table + idx * 8, 8).tobytes()
            e = int.from_bytes(raw, "little")
            print("%s[%d] = 0x%016x c=%d" % (names[4 - level], idx, e, (e >> cbit) & 1))
            if not e & 1:
                print("not present")
                return
            if level == 1 or (level < 4 and e & 0x80):
                size = 1 << (12 + 9 * (level - 1))
                pa = (e & ADDR_MASK & ~cmask & ~(size - 1)) | (va & (size - 1))
                print("leaf size=%s pa=0x%x c=%d pcd=%d" % (
                    {4096: "4K", 2 << 20: "2M", 1 << 30: "1G"}[size], pa,
                    (e >> cbit) & 1, (e >> 4) & 1))
                return
            table = e & ADDR_MASK & ~cmask


GuestWalk()
