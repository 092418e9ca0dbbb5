# Paging on: gdb reads a higher-half kernel-style address; the memory map
# covers the whole address space so gdb does not refuse it.
set pagination off
set confirm off
target remote | @SEVDBG_TEST@ serve --listen stdio test:paging
info registers cr0 efer
# expect: ^cr0 +0x80000011 +\[ PG ET PE \]
# expect: ^efer +0x500 +\[ LMA LME \]
x/2gx 0xffffffff80001000
# expect: ^0xffffffff80001000:\s+0x5345564400001000\s+0x5345564400001008
set {long}0xffffffff80003000 = 0x77
x/gx 0x3000
# expect: ^0x3000:\s+0x0000000000000077
info mem
# expect: ^0 +y\s+0x0000000000000000 0xffffffffffffffff rw nocache
monitor translate 0xffffffff80001000
# expect: ^pa 0x1000 \(2M page, C-bit set, writable\)
python
try:
    gdb.execute("x/gx 0xffff800000000000")
except gdb.error as e:
    print("caught:", e)
end
# expect: caught: Cannot access memory at address 0xffff800000000000
detach
# reject: Remote failure reply
