# SPDX-License-Identifier: GPL-2.0-only
# Sourced by tests/linux/check-linux and bench/dump --linux: find Debian's
# cloud kernel and its debug vmlinux, and boot it with a busybox initramfs,
# with QEMU -kernel or, as an SEV guest boots, from an EFI disk through OVMF.
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

# The kernel command line of both boot paths.
linux_cmdline() {
	echo "console=ttyS0 panic=-1${LINUX_APPEND:+ $LINUX_APPEND}"
}

# What linux_efi_disk (scripts/efi-disk) and an OVMF boot need, from Debian
# packages only; sets linux_why and returns 1 when something is missing.
# OVMF_CODE/OVMF_VARS as in tests/guest/run-qemu.
linux_efi_find() {
	local c
	linux_why=$(scripts/efi-disk --check 2>&1) ||
		{ linux_why="${linux_why#efi-disk: }"; return 1; }
	for c in "${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}" \
		"${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}"; do
		[ -f "$c" ] || { linux_why="no $c (ovmf); $LINUX_PKGS"; return 1; }
	done
}

# DIR/efi.img (scripts/efi-disk): GRUB, the kernel, the initramfs and a
# loader entry with linux_cmdline, all under /EFI/sevdbg on the disk's EFI
# system partition.
linux_efi_disk() {
	local dir=$1
	[ -f "$dir/initrd.gz" ] || linux_initrd "$dir" || return 1
	cat >"$dir/grub.cfg" <<-CFG &&
	set timeout=0
	menuentry "Debian $linux_ver (sevdbg check-linux)" {
	    linux /EFI/sevdbg/vmlinuz $(linux_cmdline)
	    initrd /EFI/sevdbg/initrd.gz
	}
	CFG
		scripts/efi-disk "$dir/efi.img" "$dir/grub.cfg" \
			"vmlinuz=$linux_kernel" "$dir/initrd.gz"
}

# Boot in DIR (run-qemu's files: qmp.sock, gdb.sock, hc.bin, serial.log,
# qemu.pid) with MEM of RAM; wait up to 120 s for userspace. KASLR stays on.
# -device vmcoreinfo gives QEMU's own dumps the guest's VMCOREINFO note (the
# guest fills fw_cfg etc/vmcoreinfo); sevdbg finds the same note in RAM, so
# crash reads KERNELOFFSET from both instead of guessing from the saved
# vCPU state. LINUX_APPEND adds kernel parameters (e.g. nokaslr).
# BOOT is kernel (QEMU -kernel, the default) or ovmf (DIR/efi.img through
# OVMF and GRUB, built by linux_efi_disk if missing; linux_efi_find first).
linux_boot() {
	local dir=$1 mem=$2 boot=${3:-kernel} how
	[ -f "$dir/initrd.gz" ] || linux_initrd "$dir" || return 1
	case $boot in
	kernel) how=(--elf "$linux_kernel" -- -initrd "$dir/initrd.gz"
		-append "$(linux_cmdline)") ;;
	ovmf) [ -f "$dir/efi.img" ] || linux_efi_disk "$dir" || return 1
		how=(--efi-disk "$dir/efi.img" --) ;;
	*) echo "linux_boot: unknown boot path '$boot' (kernel or ovmf)" >&2
		return 1 ;;
	esac
	tests/guest/run-qemu --dir "$dir" --mem "$mem" --smp 2 --daemonize \
		--pidfile "$dir/qemu.pid" "${how[@]}" -device vmcoreinfo \
		>"$dir/qemu.out" 2>&1 || return 1
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
