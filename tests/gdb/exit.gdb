# A guest that exits while gdb waits: gdb reports the exit code (W03).
set pagination off
set confirm off
target remote | @SEVDBG_TEST@ serve --listen stdio test:exit=2
stepi
# expect: ^0x0000000000100001 in \?\? \(\)
continue
# expect: \[Inferior 1 \((process [0-9]+|Remote target)\) exited with code 03\]
# expect: sevdbg: the target is gone: test guest exited with code 3
# reject: Remote failure reply
