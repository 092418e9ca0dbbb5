# No registers (--sim-regs none): gdb 13 stays connected only in non-stop
# mode, where sevdbg lists the vCPUs but never reports them stopped.
set pagination off
set confirm off
set non-stop on
target remote | @SEVDBG_TEST@ serve --listen stdio --sim-regs none test:
# reject: PC register is not available
info threads
# expect: ^  1 +Thread 1 "CPU#0" \(test vCPU 0, paging off; stopped, registers unavailable\) \(running\)
# expect: ^\* 2 +Thread 2 "CPU#1" \(test vCPU 1, paging off; stopped, registers unavailable\) \(running\)
interrupt
python
try:
    gdb.execute("continue")
except gdb.error as e:
    print("caught:", e)
end
# expect: caught: Cannot execute this command while the selected thread is running
monitor sev bitmap 0x10000-0x20000
# expect: shared
detach
# expect: ^\[Inferior 1 \(Remote target\) detached\]
# reject: Remote failure reply
