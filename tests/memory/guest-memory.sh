#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# End-to-end check of the memory model on the test guest: boots it under
# QEMU/TCG with shared memfd RAM and the sim record channel, then runs
# tests/memory/guest-memory on its RAM (TAP). Skips without QEMU or the guest.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
elf=$root/tests/guest/guest.elf
helper=$here/guest-memory
qemu=${QEMU:-qemu-system-x86_64}
mem=128M
ram_bytes=$((128 << 20))

if ! command -v "$qemu" >/dev/null; then
	echo "SKIP: $qemu not found (install qemu-system-x86)"; exit 77
fi
if [ ! -f "$elf" ] || [ ! -x "$helper" ]; then
	echo "SKIP: build tests/guest/guest.elf and $helper first (make check does)"
	exit 77
fi

dir=$(mktemp -d /tmp/sevdbg-memtest.XXXXXX)
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	fi
	rm -rf "$dir"
}
trap cleanup EXIT

if ! "$root/tests/guest/run-qemu" --dir "$dir" --mem "$mem" --daemonize \
	--pidfile "$dir/qemu.pid" 2>"$dir/run-qemu.err"; then
	echo "Bail out! QEMU did not start: $(cat "$dir/run-qemu.err")"; exit 1
fi
pid=$(cat "$dir/qemu.pid")
for _ in $(seq 300); do
	grep -q 'sevdbg-guest: ready' "$dir/serial.log" 2>/dev/null && break
	sleep 0.1
done
if ! grep -q 'sevdbg-guest: ready' "$dir/serial.log"; then
	echo "Bail out! the guest did not reach 'ready' in 30 s:"
	sed 's/^/# /' "$dir/serial.log"; exit 1
fi

# QEMU 7.2 shows the backend as /memfd:memory-backend-memfd (deleted).
memfd=
for fd in /proc/"$pid"/fd/*; do
	case $(readlink "$fd") in
	/memfd:memory-backend-memfd*)
		[ "$(stat -L -c %s "$fd")" = "$ram_bytes" ] && memfd=$fd ;;
	esac
done
if [ -z "$memfd" ]; then
	echo "Bail out! no $mem memfd among QEMU's fds"; exit 1
fi

sym() { nm "$elf" | awk -v s="$1" '$3 == s { print $1 }'; }
"$helper" "$memfd" "$ram_bytes" "$dir/hc.bin" "$(sym private_page)" \
	"$(sym private_secret)" "$(sym kernel_cr3)" "$(sym flip_in_progress)" \
	"$(sym alias_1g_active)" -
