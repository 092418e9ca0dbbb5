# Fault injection: the n-th platform call of a gdb session and of a dump
# fails (SEVDBG_FAULT), and the attach survives QMP/gdbstub connection loss.
CHECK_PROGS += tests/fault/fault-platform
CHECK_PROGS += tests/fault/fault-attach
