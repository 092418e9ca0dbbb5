# Hostile gdb input against the test target (python3 RSP client, TAP) and
# the dump writer's handling of hostile output paths.
CHECK_PROGS += tests/hostile/hostile-rsp
CHECK_PROGS += tests/hostile/dump-files
