# The deterministic test target and tests/target/sevdbg-test: sevdbg's own
# main() plus the "test:" target type, for the golden, gdb and fuzz tests.
TEST_TARGET_OBJS = tests/target/test-target.o

tests/target/sevdbg-test: $(MAIN_OBJS) $(TEST_TARGET_OBJS) $(LIB)
	$(quiet) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $(MAIN_OBJS) $(TEST_TARGET_OBJS) $(LIB) $(LIBS)

CHECK_DEPS += tests/target/sevdbg-test
CLEAN_FILES += tests/target/sevdbg-test $(TEST_TARGET_OBJS)
CHECK_PROGS += tests/target/cli-test
