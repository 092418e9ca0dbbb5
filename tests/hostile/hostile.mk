# Hostile gdb input against the test target (python3 RSP client, TAP).
CHECK_PROGS += tests/hostile/hostile-rsp
