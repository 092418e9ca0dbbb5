# Breakpoints, hardware breakpoints, watchpoints, stepping and Ctrl-C
# against the test target (it stops at the nearest breakpoint above rip).
set pagination off
set confirm off
target remote | @SEVDBG_TEST@ serve --listen stdio test:
break *0x100010
# expect: ^Breakpoint 1 at 0x100010
hbreak *0x100020
# expect: ^Hardware assisted breakpoint 2 at 0x100020
continue
# expect: hit Breakpoint 1, 0x0000000000100010 in \?\? \(\)
continue
# expect: hit Breakpoint 2, 0x0000000000100020 in \?\? \(\)
stepi
# expect: ^0x0000000000100021 in \?\? \(\)
delete
watch *(char *)0x3000
# expect: ^Hardware watchpoint 3: \*\(char \*\)0x3000
continue
# expect: hit Hardware watchpoint 3: \*\(char \*\)0x3000
# expect: ^New value = 1 '\\001'
rwatch *(char *)0x4000
# expect: ^Hardware read watchpoint 4: \*\(char \*\)0x4000
delete 3
continue
# expect: hit Hardware read watchpoint 4: \*\(char \*\)0x4000
delete
# nothing left to hit: the guest runs until gdb's Ctrl-C
shell (sleep 1; kill -INT $PPID) &
continue
# expect: received signal SIGINT, Interrupt\.
info threads
# expect: ^\* 1 +Thread 1
kill
# expect: \[Inferior 1 \(Remote target\) killed\]
# reject: Remote failure reply
# reject: Remote communication error
