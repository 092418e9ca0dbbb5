# SPDX-License-Identifier: GPL-2.0-only
# Sourced by tests/linux/check-linux and bench/dump --linux: find Debian's
# cloud kernel and its debug vmlinux, and boot it with a busybox initramfs.
# shellcheck shell=bash disable=SC2034 # the linux_* results are for callers

LINUX_MARK=SEVDBG-LINUX-READY
LINUX_PKGS="install them with: scripts/install-deps --linux"

# Sets linux_kernel, linux_vmlinux, linux_ver (the newest cloud kernel that
# has its debug vmlinux; LINUX_VERSION=6.1.0-N-cloud-amd64 picks one), or
# sets linux_why and returns 1.
linux_find() {
	local k v d
	linux_kernel='' linux_vmlinux='' linux_ver='' linux_why=''
	for c in qemu-system-x86_64 cpio gzip readelf; do
		command -v $c >/dev/null ||
			{ linux_why="$c not installed; $LINUX_PKGS"; return 1; }
	done
	linux_bb=$(command -v busybox) ||
		{ linux_why="busybox not installed; $LINUX_PKGS"; return 1; }
	# The initramfs has no libc: busybox must have no program interpreter.
	if readelf -l "$linux_bb" 2>/dev/null | grep -q 'program interpreter'; then
		linux_why="$linux_bb is not static (install busybox-static); $LINUX_PKGS"
		return 1
	fi
	# Newest first; kernel file names have no spaces.
	# shellcheck disable=SC2012
	for k in $(ls -1v /boot/vmlinuz-*-cloud-amd64 2>/dev/null | tac); do
		v=${k#/boot/vmlinuz-}
		[ -n "${LINUX_VERSION:-}" ] && [ "$v" != "$LINUX_VERSION" ] && continue
		for d in "/usr/lib/debug/boot/vmlinux-$v" \
			"/usr/lib/debug/lib/modules/$v/vmlinux"; do
			if [ -f "$d" ]; then
				linux_kernel=$k linux_vmlinux=$d linux_ver=$v
				break 2
			fi
		done
	done
	if [ -z "$linux_kernel" ]; then
		linux_why="no /boot/vmlinuz-*-cloud-amd64 with a matching vmlinux in /usr/lib/debug (linux-image-cloud-amd64 and linux-image-cloud-amd64-dbg); $LINUX_PKGS"
		return 1
	fi
	[ -r "$linux_kernel" ] ||
		{ linux_why="$linux_kernel is not readable (run as root)"; return 1; }
}

# DIR/initrd.gz: /init loads qemu_fw_cfg (when the kernel has it as a
# module: it hands the guest's VMCOREINFO address to QEMU's vmcoreinfo
# device), mounts proc, sys and dev, writes the marker to the serial console
# and to the kernel log, and sleeps.
linux_initrd() {
	local r=$1/root
	local fw=/lib/modules/$linux_ver/kernel/drivers/firmware/qemu_fw_cfg.ko
	mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev" &&
		cp "$linux_bb" "$r/bin/busybox" &&
		{ [ ! -f "$fw" ] || cp "$fw" "$r/qemu_fw_cfg.ko"; } &&
		cat >"$r/init" <<-INIT &&
		#!/bin/busybox sh
		[ -f /qemu_fw_cfg.ko ] && /bin/busybox insmod /qemu_fw_cfg.ko
		/bin/busybox mount -t proc proc /proc
		/bin/busybox mount -t sysfs sysfs /sys
		/bin/busybox mount -t devtmpfs devtmpfs /dev
		echo "$LINUX_MARK" >/dev/kmsg
		echo "$LINUX_MARK"
		exec /bin/busybox sleep 1000000
		INIT
		chmod 755 "$r/init" &&
		(cd "$r" && find . | cpio -o -H newc --quiet | gzip -1) \
			>"$1/initrd.gz"
}

# Boot in DIR (run-qemu's files: qmp.sock, gdb.sock, hc.bin, serial.log,
# qemu.pid) with MEM of RAM; wait up to 120 s for userspace. KASLR stays on.
# -device vmcoreinfo gives QEMU's own dumps the guest's VMCOREINFO note (the
# guest fills fw_cfg etc/vmcoreinfo); sevdbg finds the same note in RAM, so
# crash reads KERNELOFFSET from both instead of guessing from the saved
# vCPU state. LINUX_APPEND adds kernel parameters (e.g. nokaslr).
linux_boot() {
	local dir=$1 mem=$2
	[ -f "$dir/initrd.gz" ] || linux_initrd "$dir" || return 1
	tests/guest/run-qemu --dir "$dir" --elf "$linux_kernel" --mem "$mem" \
		--smp 2 --daemonize --pidfile "$dir/qemu.pid" -- \
		-device vmcoreinfo -initrd "$dir/initrd.gz" \
		-append "console=ttyS0 panic=-1 ${LINUX_APPEND:-}" >"$dir/qemu.out" 2>&1
	for _ in $(seq 600); do
		grep -q "^$LINUX_MARK" "$dir/serial.log" 2>/dev/null && return 0
		[ -f "$dir/qemu.pid" ] &&
			kill -0 "$(cat "$dir/qemu.pid")" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

# The stock kernel under the sim sends no page-encryption record, so the
# sim's bitmap reports nr_ranges 0 and sevdbg follows the page tables
# instead (the kvm rule). This kernel sets no C-bit anywhere (it does not
# know it is an SEV guest), so the scan would call its image shared and
# read it as ciphertext. One record that changes nothing (page 0, 4K,
# encrypted), as an SEV guest with KVM_FEATURE_MIGRATION_CONTROL sends at
# boot, makes the sim's bitmap the one followed: every page encrypted.
linux_sim_told() {
	printf 'SEVH\014\0\0\0\0\0\0\0\0\0\0\0\001\0\0\0\0\0\0\0\020\0\0\0\0\0\0\0' >>"$1"
}
