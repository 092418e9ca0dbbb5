# Hostile gdb input against the test target (python3 RSP client, TAP) and
# the dump writer's handling of hostile output paths; hostile-cleanup checks
# that hostile-rsp stops its servers when it fails or is killed.
CHECK_PROGS += tests/hostile/hostile-rsp
CHECK_PROGS += tests/hostile/dump-files
CHECK_PROGS += tests/hostile/hostile-cleanup
