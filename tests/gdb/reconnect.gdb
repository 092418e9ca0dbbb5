# A unix-socket server: connect, detach, connect again (the server serves
# the next gdb), then disconnect; the runner stops the server with SIGTERM.
# server: unix
set pagination off
set confirm off
target remote @SOCK@
# expect: ^0x0000000000100000 in \?\? \(\)
set {long}0x2000 = 0x5555
break *0x100040
continue
# expect: hit Breakpoint 1, 0x0000000000100040 in \?\? \(\)
detach
# expect: Inferior 1 \(Remote target\) detached
target remote @SOCK@
# expect: ^Program received signal SIGINT|^0x0000000000100040 in \?\? \(\)
x/gx 0x2000
# expect: ^0x2000:\s+0x0000000000005555
info registers rip
# expect: ^rip +0x100040
disconnect
# reject: Remote failure reply
# reject: Remote communication error
