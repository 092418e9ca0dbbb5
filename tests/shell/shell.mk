# The shell's tests: scripted sessions with expected output (golden.py) and
# the interactive path through a pty (pty-shell.py), both against the demo
# guest under the sim, bt against gdb's. They skip, visibly, without QEMU or
# the guest.
CHECK_PROGS += tests/shell/check-golden
CHECK_PROGS += tests/shell/check-pty
CHECK_PROGS += tests/shell/check-monitor
CHECK_PROGS += tests/shell/check-bt
