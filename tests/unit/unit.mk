# Unit tests that share a fixture link it too (the pattern rule in the
# Makefile links every .o prerequisite).
DUMP_TESTS = tests/unit/test-dump tests/unit/test-dump-file \
	     tests/unit/test-dump-vmci
$(DUMP_TESTS): tests/unit/dump-fixture.o
CLEAN_FILES += tests/unit/dump-fixture.o
CORE_TESTS = tests/unit/test-core tests/unit/test-core-hostile
$(CORE_TESTS): tests/unit/core-images.o
CLEAN_FILES += tests/unit/core-images.o
