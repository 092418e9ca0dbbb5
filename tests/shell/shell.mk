# The shell's tests: scripted sessions with expected output (golden.py) and
# the interactive path through a pty (pty-shell.py), both against the demo
# guest under the sim. They skip, visibly, without QEMU or the guest.
CHECK_PROGS += tests/shell/check-golden
CHECK_PROGS += tests/shell/check-pty
CHECK_PROGS += tests/shell/check-monitor
