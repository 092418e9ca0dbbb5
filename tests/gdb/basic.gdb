# gdb over `target remote | sevdbg-test serve --listen stdio test:`:
# registers (incl. the sys feature), memory, writes, threads, monitor.
set pagination off
set confirm off
target remote | @SEVDBG_TEST@ serve --listen stdio test:
# expect: ^0x0000000000100000 in \?\? \(\)
info registers rip cr0 cr3 cr4 efer
# expect: ^rip +0x100000 +0x100000
# expect: ^cr0 +0x11 +\[ ET PE \]
# expect: ^cr3 +0x9000 +\[ PDBR=9 PCID=0 \]
# expect: ^cr4 +0x20 +\[ PAE \]
# expect: ^efer +0x100 +\[ LME \]
info registers cs_base
# expect: ^cs_base +<unavailable>
info registers rax rsp eflags cs
# expect: ^rax +0x1000000000 +68719476736
# expect: ^rsp +0x1ff000 +0x1ff000
# expect: ^eflags +0x202 +\[ (IOPL=0 )?IF \]
# expect: ^cs +0x10 +16
p/x $mxcsr
# expect: ^\$1 = 0x1f80
p/x $xmm1.uint128
# expect: ^\$2 = 0x1f1e1d1c1b1a19181716151413121110
x/2gx 0x1000
# expect: ^0x1000:\s+0x5345564400001000\s+0x5345564400001008
x/2gx 0x10000
# expect: ^0x10000:\s+0x5345564400010000\s+0x5345564400010008
x/gx 0x400000
# expect: ^0x400000:\s+0x5345564400400000
# the hole between the RAM regions: gdb's memory map refuses it
python
try:
    gdb.execute("x/gx 0x200000")
except gdb.error as e:
    print("caught:", e)
end
# expect: caught: Cannot access memory at address 0x200000
set {long}0x1000 = 0x1122334455667788
set {int}0x10008 = 0xcafe
x/gx 0x1000
# expect: ^0x1000:\s+0x1122334455667788
x/wx 0x10008
# expect: ^0x10008:\s+0x0000cafe
set $rax = 0x4242
set $r15 = 0xa000
p/x $rax
# expect: ^\$3 = 0x4242
p/x $r15
# expect: ^\$4 = 0xa000
info threads
# expect: ^\* 1 +Thread 1 "CPU#0" \(test vCPU 0, paging off\) 0x0000000000100000 in \?\? \(\)
# expect: ^  2 +Thread 2 "CPU#1" \(test vCPU 1, paging off\) 0x0000000000100100 in \?\? \(\)
thread 2
# expect: ^\[Switching to thread 2 \(Thread 2\)\]
p/x $rip
# expect: ^\$5 = 0x100100
p/x $rsp
# expect: ^\$6 = 0x1fe000
thread 1
monitor help
# expect: sevdbg monitor commands
python
try:
    gdb.execute("monitor nosuchcommand")
    print("monitor returned")
except gdb.error as e:
    print("caught:", e)
end
# A monitor error is readable console text, not gdb's bare complaint.
# expect: ^error: unknown command `nosuchcommand`; `monitor help` lists
# expect: ^monitor returned
# reject: Protocol error with Rcmd
info mem
# A live guest with paging off may turn it on: the whole address space.
# expect: ^0 +y\s+0x0000000000000000 0xffffffffffffffff rw nocache
detach
# expect: Inferior 1 \(Remote target\) detached
# reject: Remote failure reply
# reject: Remote communication error
# reject: warning: .*(parsing|malformed)
