# No registers (--sim-regs none) and gdb in all-stop mode: gdb 13 fails on
# the missing PC and drops the target; serve says what to do instead.
set pagination off
set confirm off
python
try:
    gdb.execute("target remote | @SEVDBG_TEST@ serve --listen stdio --sim-regs none test:")
except gdb.error as e:
    print("caught:", e)
end
# expect: caught: PC register is not available
# expect: warning: no vCPU has registers .*give gdb `set non-stop on` before `target remote`
info threads
# expect: No threads
