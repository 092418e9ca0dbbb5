# Real `gdb -batch` scripts against the test target (tests/gdb/run-gdb).
CHECK_DEPS += tests/target/sevdbg-test
CHECK_PROGS += tests/gdb/run-gdb
