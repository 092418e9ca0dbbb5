# A unix-socket server: connect, detach, connect again (the server serves
# the next gdb), then disconnect; the runner stops the server with SIGTERM.
# server: unix
set pagination off
set confirm off
# a client that hangs up in the middle of a packet
python
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect("@SOCK@")
s.sendall(b"+$m1000,")
s.close()
print("half a packet sent")
end
# expect: ^half a packet sent
target remote @SOCK@
# expect: ^0x0000000000100000 in \?\? \(\)
set {long}0x2000 = 0x5555
# a second gdb while this one is connected is turned away with E16
python
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect("@SOCK@")
print("second client got", s.recv(64))
s.close()
end
# expect: ^second client got b'\$E16#ac'
x/gx 0x2000
# expect: ^0x2000:\s+0x0000000000005555
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
