# The tcp listener (loopback, ephemeral port), and a guest that exits:
# gdb is told with W, the server says why on stderr and keeps no target.
# server: tcp
set pagination off
set confirm off
target remote @TCP@
# expect: ^0x0000000000100000 in \?\? \(\)
p/x $rip
# expect: ^\$1 = 0x100000
x/gx 0x400008
# expect: ^0x400008:\s+0x5345564400400008
disconnect
target remote @TCP@
# expect: ^0x0000000000100000 in \?\? \(\)
kill
# expect: \[Inferior 1 \(Remote target\) killed\]
# (the killed target ends the server by itself)
# reject: Remote failure reply
