# `sevdbg audit` against the live test guest (normal and leak mode) and
# against dumps of it.
CHECK_PROGS += tests/audit/check-audit
