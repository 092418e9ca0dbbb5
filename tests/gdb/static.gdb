# A target whose paging mode cannot change (like a dump) with paging off:
# gdb gets the RAM map, and the hole between the regions is refused by gdb
# itself.
set pagination off
set confirm off
target remote | @SEVDBG_TEST@ serve --listen stdio test:static
info mem
# expect: ^0 +y\s+0x0000000000000000 0x0000000000200000 rw nocache
# expect: ^1 +y\s+0x0000000000400000 0x0000000000600000 rw nocache
x/gx 0x400008
# expect: ^0x400008:\s+0x5345564400400008
python
try:
    gdb.execute("x/gx 0x300000")
except gdb.error as e:
    print("caught:", e)
end
# expect: caught: Cannot access memory at address 0x300000
detach
# expect: Inferior 1 \(Remote target\) detached
