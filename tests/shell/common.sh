# Sourced by tests/shell/check-*: what the shell tests need, or a SKIP.
# They run tests/target/sevdbg-test: sevdbg's main() plus the test: target.
SEVDBG=${SEVDBG:-tests/target/sevdbg-test}
GUEST=${SEVDBG_GUEST:-tests/guest/guest.elf}
SEVDBG_GUEST=$(cd "$(dirname "$GUEST")" && pwd)/$(basename "$GUEST")
export SEVDBG_GUEST

shell_need_demo() {
	if [ ! -x "$SEVDBG" ]; then
		echo "SKIP: $SEVDBG is not built (run make check)"
		exit 77
	fi
	if ! command -v python3 >/dev/null 2>&1; then
		echo "SKIP: python3 missing (apt-get install python3)"
		exit 77
	fi
	if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
		echo "SKIP: qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
		exit 77
	fi
	if [ ! -f "$GUEST" ]; then
		echo "SKIP: the test guest $GUEST is not built (make $GUEST)"
		exit 77
	fi
}
