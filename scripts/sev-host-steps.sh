# SPDX-License-Identifier: GPL-2.0-only
# Sourced by scripts/sev-host-check: the host probe and the steps, each one
# function that runs on either platform (kvm on SEV hardware, sim here).
# shellcheck shell=bash disable=SC2154 # result, show, T, guest... are the caller's

# --- SEV on this host: sets sev (0/1), cbit, rbits, series ---------------------
host_probe() {
	local flags p qmp=$T/caps.qmp
	flags=$(sed -n 's/^flags[[:space:]]*: //p' /proc/cpuinfo | head -n1)
	has_flag() { [[ " $flags " == *" $1 "* ]]; }
	sev=0 cbit='' rbits='' series=''
	if has_flag sev; then
		sev=1
		result pass "cpu-sev" "SEV (CPUID 0x8000001F EAX bit 1; es=$(has_flag sev_es && echo yes || echo no), snp=$(has_flag sev_snp && echo yes || echo no))"
	else
		result skip "cpu-sev" "this CPU reports no SEV (no 'sev' flag: CPUID 0x8000001F EAX bit 1 clear, not an EPYC, or SEV off in the firmware)"
	fi

	param() { cat "/sys/module/kvm_amd/parameters/$1" 2>/dev/null || echo "-"; }
	if [ ! -d /sys/module/kvm_amd ]; then
		result skip "kvm_amd" "kvm_amd is not loaded (modprobe kvm_amd sev=1)"
		sev=0
	else
		p="sev=$(param sev) sev_es=$(param sev_es) sev_snp=$(param sev_snp)"
		case $(param sev) in
		Y | 1) result pass "kvm_amd" "$p" ;;
		*) result skip "kvm_amd" "SEV off in kvm_amd ($p): modprobe kvm_amd sev=1"; sev=0 ;;
		esac
	fi

	if [ -c /dev/sev ]; then
		result pass "/dev/sev" "$(stat -c '%A %U %G' /dev/sev)"
	else
		result skip "/dev/sev" "no /dev/sev (load ccp; the PSP must be enabled in the firmware)"
		sev=0
	fi

	# KVM_CHECK_EXTENSION(KVM_CAP_SEV_PAGE_ENC_BITMAP) on a fresh VM: 1 with the series.
	series=$(python3 - <<'EOF' 2>&1
import fcntl, os
KVM_CREATE_VM, KVM_CHECK_EXTENSION, CAP = 0xAE01, 0xAE03, 1000
kvm = os.open("/dev/kvm", os.O_RDWR)
vm = fcntl.ioctl(kvm, KVM_CREATE_VM, 0)
print(fcntl.ioctl(vm, KVM_CHECK_EXTENSION, CAP))
EOF
)
	case $series in
	1) result pass "kvm-series" "the loaded KVM has the sevdbg series (KVM_CAP_SEV_PAGE_ENC_BITMAP)" ;;
	0) result info "kvm-series" "the loaded KVM lacks the sevdbg series: sevdbg finds shared pages from the guest's page tables (docs/hardware.md: installing the modules)" ;;
	*) result skip "kvm-series" "cannot ask /dev/kvm: $(echo "$series" | tail -n1)" ;;
	esac

	# query-sev-capabilities: QEMU with KVM and the PSP.
	if [ $sev = 1 ]; then
		printf '%s\n' '{"execute":"qmp_capabilities"}' \
			'{"execute":"query-sev-capabilities"}' '{"execute":"quit"}' |
			timeout 30 "$QEMU" -machine none -accel kvm -nodefaults \
				-display none -qmp stdio >"$qmp" 2>&1
		cbit=$(grep -o '"cbitpos": *[0-9]*' "$qmp" | grep -o '[0-9]*$')
		rbits=$(grep -o '"reduced-phys-bits": *[0-9]*' "$qmp" | grep -o '[0-9]*$')
		if [ -n "$cbit" ]; then
			result pass "qemu-sev" "query-sev-capabilities: cbitpos $cbit, reduced-phys-bits ${rbits:=1}"
		else
			result fail "qemu-sev" "query-sev-capabilities failed: $(grep -m1 -o '"desc": *"[^"]*"' "$qmp")"
		fi
	else
		result skip "qemu-sev" "no SEV on this host (query-sev-capabilities needs it)"
	fi
}

# --- what the guest needs; prints why not and returns 1 -------------------------
guest_prereq() {
	local f why
	command -v gdb >/dev/null || { echo "gdb is not installed (apt-get install gdb)"; return 1; }
	command -v "$QEMU" >/dev/null || { echo "$QEMU is not installed (apt-get install qemu-system-x86)"; return 1; }
	[ -x "$SEVDBG" ] || { echo "build sevdbg first (./configure && make)"; return 1; }
	why=$(scripts/efi-disk --check 2>&1) || { echo "${why#efi-disk: }"; return 1; }
	for f in "${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}" \
		"${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}"; do
		[ -f "$f" ] || { echo "no $f (apt-get install ovmf)"; return 1; }
	done
	[ "$guest" = linux ] || [ -r "$GUEST_ELF" ] ||
		{ echo "build the test guest first (make $GUEST_ELF)"; return 1; }
}

# The step names of one platform, in the order run_platform reports them.
step_names() {
	local p=$1
	echo "$p: boot through OVMF"
	for m in bitmap page-tables; do
		echo "$p: gdb end to end ($m)"
		echo "$p: dump ($m)"
		echo "$p: crash on the dump ($m)"
	done
	echo "$p: sevdbg audit"
	echo "$p: DBG_DECRYPT calls/s"
}

# skip_platform PLAT WHY: every step of PLAT, skipped for WHY.
skip_platform() {
	local s
	while IFS= read -r s; do
		result skip "$s" "$2"
	done < <(step_names "$1")
}

# mode_opts PLAT MODE: sevdbg's options for MODE (bitmap: the kernel's
# page-encryption bitmap; page-tables: the fallback); on stdout. Returns 1
# with the reason on stdout when MODE cannot run on PLAT here.
mode_opts() {
	case $1/$2 in
	sim/bitmap) echo "--sim" ;;
	sim/page-tables)
		# A Linux guest under TCG is no SEV guest: no C-bit anywhere.
		if [ "$guest" = linux ]; then
			echo "under the sim this Linux sets no C-bit (it does not run as an SEV guest under TCG), so its page tables call every page shared: only SEV hardware runs this mode"
			return 1
		fi
		# Untracked: DBG_DECRYPT of a shared page is garbage, as on
		# hardware; the same --bitmap flag as on kvm.
		echo "--sim --sim-bitmap untracked --bitmap page-tables" ;;
	kvm/bitmap)
		if [ "$series" != 1 ]; then
			echo "the loaded KVM lacks the sevdbg series (docs/hardware.md: installing the modules)"
			return 1
		fi
		echo "" ;;
	kvm/page-tables) echo "--bitmap page-tables" ;;
	esac
}

# boot_guest PLAT W: boots the EFI disk through OVMF in W; 0 once the guest
# says it is up.
boot_guest() {
	local plat=$1 W=$2 mem=256M mark='sevdbg-guest: ready' limit=180 t0 t1 how st=fail detail
	local what
	how=(--efi-disk "$DISK")
	if [ "$guest" = linux ]; then
		mem=1G mark=$LINUX_MARK limit=300
	fi
	[ "$plat" = kvm ] &&
		how+=(--accel kvm --sev "cbitpos=$cbit,reduced-phys-bits=$rbits,policy=0x0")
	: >"$W/hc.bin"
	t0=$(date +%s%N)
	if ! tests/guest/run-qemu --dir "$W" --mem $mem --smp 2 --daemonize \
		--pidfile "$W/qemu.pid" "${how[@]}" >"$W/qemu.out" 2>&1; then
		result fail "$plat: boot through OVMF" "QEMU did not start: $(tail -n1 "$W/qemu.out")"
		return 1
	fi
	for _ in $(seq $((limit * 5))); do
		tr -d '\r' <"$W/serial.log" 2>/dev/null | grep -q "^$mark" && break
		kill -0 "$(cat "$W/qemu.pid" 2>/dev/null)" 2>/dev/null || break
		sleep 0.2
	done
	t1=$(date +%s%N)
	if ! tr -d '\r' <"$W/serial.log" 2>/dev/null | grep -q "^$mark"; then
		result fail "$plat: boot through OVMF" "no '$mark' on the serial console within $limit s"
		show "$W/qemu.out" 5
		show "$W/serial.log"
		return 1
	fi
	detail="$(((t1 - t0) / 1000000)) ms from starting QEMU to '$mark'"
	# The guest's own word on whether it runs encrypted.
	if [ "$guest" = test ]; then
		what=$(tr -d '\r' <"$W/serial.log" | sed -n 's/^sevdbg-guest: \(sev=[01] cbit=[0-9]*\)$/\1/p')
		case $plat/$what in
		kvm/sev=1* | sim/sev=0*) st=pass ;;
		esac
	else
		what=$(grep -a -o 'Memory Encryption Features active: AMD SEV.*' "$W/serial.log" | head -n1 | tr -d '\r')
		case $plat in
		kvm) [ -n "$what" ] && st=pass ;;
		sim) [ -z "$what" ] && st=pass what="no SEV (TCG)" ;;
		esac
	fi
	result $st "$plat: boot through OVMF" "$detail; the guest says: ${what:-nothing about SEV}"
	[ $st = pass ]
}

# serve_gdb W NAME OPTS GDB_SCRIPT: sevdbg serve, one gdb -batch, serve stopped.
serve_gdb() {
	local W=$1 name=$2 opts=$3 script=$4 server
	# shellcheck disable=SC2086 # opts are words
	$SEVDBG serve $opts --listen "unix:$W/$name.sock" "$TGT" >"$W/$name.serve" 2>&1 &
	server=$!
	pids+=("$server")
	for _ in $(seq 200); do
		[ -S "$W/$name.sock" ] && break
		kill -0 $server 2>/dev/null || break
		sleep 0.1
	done
	sed -i "s|@SOCK@|$W/$name.sock|" "$script"
	timeout 180 gdb -batch -nx -x "$script" >"$W/$name.gdb" 2>&1
	kill $server 2>/dev/null
	wait $server 2>/dev/null
	cat "$W/$name.serve" >>"$W/$name.gdb"
}

# expect FILE ERE...: every ERE somewhere in FILE; names the first missing.
expect() {
	local f=$1 re
	shift
	for re in "$@"; do
		grep -Eq -- "$re" "$f" || { echo "missing /$re/"; return 1; }
	done
}

# The bitmap line of `monitor sev bitmap` says which bitmap is followed.
expect_mode() {
	local f=$1 mode=$2
	if [ "$mode" = page-tables ]; then
		expect "$f" "shared pages come from the guest.s page tables"
	elif grep -q "shared pages come from the guest.s page tables" "$f"; then
		echo "the kernel's bitmap is not followed: $(grep -m1 -o "[^:]*: shared pages come from the guest.s page tables" "$f")"
		return 1
	fi
}

step_gdb() {
	local plat=$1 W=$2 mode=$3 opts=$4 name=gdb-$3 val why st=pass at
	val=$([ "$mode" = bitmap ] && echo 0x5eed0001 || echo 0x5eed0002)
	if [ "$guest" = test ]; then
		cat >"$W/$name.cmds" <<-EOF
		set pagination off
		set confirm off
		file $GUEST_ELF
		target remote @SOCK@
		break work_tick
		continue
		bt
		delete
		print private_secret
		print dma_buf.pattern
		monitor sev bitmap
		monitor sev verify
		set var mailbox = $val
		monitor sev stats
		detach
		EOF
		serve_gdb "$W" "$name" "$opts" "$W/$name.cmds"
		why=$(expect "$W/$name.gdb" 'Breakpoint 1, work_tick' '^#1 ' \
			'= "SEVDBG-PRIVATE-PATTERN-0123456789"' \
			'= "SEVDBG-SHARED-PATTERN' 'dbg_decrypt +[1-9]' \
			'dbg_encrypt +[1-9]' 'read_host +[1-9]' &&
			expect_mode "$W/$name.gdb" "$mode") || st=fail
		if [ $st = pass ]; then
			for _ in $(seq 50); do
				tr -d '\r' <"$W/serial.log" | grep -q "^mailbox: $val" && break
				sleep 0.2
			done
			tr -d '\r' <"$W/serial.log" | grep -q "^mailbox: $val" ||
				st=fail why="the guest never saw gdb's write of mailbox = $val"
		fi
		[ $st = pass ] && why="break, bt, a private and a shared variable, a write the guest saw; $(grep -Eo 'dbg_decrypt +[0-9]+' "$W/$name.gdb" | awk '{print $2}') DBG_DECRYPT"
	else
		# The shell finds KASLR itself; gdb reads the banner it names.
		printf 'x/s linux_banner\nbt all\n' >"$W/$name.sh"
		# shellcheck disable=SC2086 # opts are words
		timeout 300 $SEVDBG shell $opts --symbols "$vmlinux" -x "$W/$name.sh" \
			"$TGT" >"$W/$name.shell" 2>&1
		at=$(sed -n 's/^\(0x[0-9a-f]*\) <linux_banner>: "Linux version.*/\1/p' "$W/$name.shell")
		cat >"$W/$name.cmds" <<-EOF
		set pagination off
		target remote @SOCK@
		info threads
		x/s ${at:-0}
		monitor sev bitmap
		monitor sev stats
		detach
		EOF
		serve_gdb "$W" "$name" "$opts" "$W/$name.cmds"
		cat "$W/$name.shell" >>"$W/$name.gdb"
		why=$(expect "$W/$name.gdb" '<linux_banner>: "Linux version' \
			'^#[0-9]+ ' '^ +2 +Thread ' ':[[:space:]]+"Linux version' \
			'dbg_decrypt +[1-9]' && expect_mode "$W/$name.gdb" "$mode") ||
			st=fail
		[ $st = pass ] && why="the shell's KASLR and bt all, gdb's threads and the banner at $at"
	fi
	result $st "$plat: gdb end to end ($mode)" "$why"
	[ $st = pass ] || show "$W/$name.gdb" 25
}

# A JSON field of a dump --json summary.
jfield() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$1" "$2" 2>/dev/null; }

# step_dump PLAT W MODE OPTS: sevdbg dump, read back by gdb (test guest) or
# crash (Linux; its result line is step_crash's).
step_dump() {
	local plat=$1 W=$2 mode=$3 opts=$4 f why st=pass
	if [ "$guest" = test ]; then
		f=$W/$mode.elf
		# shellcheck disable=SC2086 # opts are words
		timeout 300 $SEVDBG dump $opts --json --paging -o "$f" "$TGT" \
			>"$W/$mode.json" 2>"$W/$mode.err"
		printf 'file %s\ncore-file %s\nprint private_secret\nprint dma_buf.pattern\n' \
			"$GUEST_ELF" "$f" >"$W/$mode.core-cmds"
		timeout 120 gdb -batch -nx -x "$W/$mode.core-cmds" >"$W/$mode.core" 2>&1
		why=$(expect "$W/$mode.core" '= "SEVDBG-PRIVATE-PATTERN-0123456789"' \
			'= "SEVDBG-SHARED-PATTERN') || st=fail
	else
		f=$W/$mode.kdump
		# shellcheck disable=SC2086
		timeout 600 $SEVDBG dump $opts --json --format kdump -o "$f" "$TGT" \
			>"$W/$mode.json" 2>"$W/$mode.err"
	fi
	if [ ! -s "$f" ] || [ -n "$(jfield "$W/$mode.json" error)" ]; then
		st=fail why="sevdbg dump failed: $(jfield "$W/$mode.json" error) $(tail -n1 "$W/$mode.err")"
	elif [ "$(jfield "$W/$mode.json" pages_missing)" != 0 ]; then
		st=fail why="$(jfield "$W/$mode.json" pages_missing) pages missing from the dump"
	fi
	[ $st = pass ] && why="$(jfield "$W/$mode.json" pages_encrypted) pages decrypted, $(jfield "$W/$mode.json" pages_shared) shared, in $(printf %.1f "$(jfield "$W/$mode.json" seconds)") s$([ "$guest" = test ] && echo "; gdb reads a private and a shared variable from it")"
	result $st "$plat: dump ($mode)" "$why"
	[ $st = pass ] || { show "$W/$mode.err" 5; show "$W/$mode.core" 10; }
	step_crash "$plat" "$W" "$mode" "$f"
}

step_crash() {
	local plat=$1 W=$2 mode=$3 f=$4 why st=pass
	if [ "$guest" = test ]; then
		result skip "$plat: crash on the dump ($mode)" "crash reads Linux dumps: give --disk a Linux EFI disk (KEEP=1 tests/linux/check-linux-ovmf keeps one)"
		return
	fi
	if ! command -v crash >/dev/null; then
		result skip "$plat: crash on the dump ($mode)" "crash is not installed (apt-get install crash)"
		return
	fi
	[ -s "$f" ] || { result fail "$plat: crash on the dump ($mode)" "no dump to read"; return; }
	printf 'sys\nlog\nquit\n' >"$W/crash.cmds"
	timeout 600 crash -s "$vmlinux" "$f" -i "$W/crash.cmds" \
		>"$W/$mode.crash" 2>&1 </dev/null
	why=$(expect "$W/$mode.crash" 'RELEASE: ' "$LINUX_MARK") || st=fail
	[ $st = pass ] && why="sys ($(grep -m1 -o 'RELEASE: .*' "$W/$mode.crash")) and log with the boot marker"
	result $st "$plat: crash on the dump ($mode)" "$why"
	[ $st = pass ] || show "$W/$mode.crash" 20
}

# step_audit PLAT W OPTS (the bitmap mode's: audit needs the guest's record).
step_audit() {
	local plat=$1 W=$2 opts=$3 rc st=pass
	if [ "$guest" = test ]; then
		# The guest's read-only 1 GiB alias of low RAM keeps the C-bit
		# over its shared pages on purpose (tests/guest/README.md).
		# shellcheck disable=SC2086 # opts are words
		timeout 300 $SEVDBG audit $opts --allow-va 0xffffc90000000000+1G \
			"$TGT" >"$W/audit" 2>&1
		rc=$?
		[ $rc = 0 ] || st=fail
	else
		# A real guest may have findings (exit 1); 2 is an error.
		# shellcheck disable=SC2086
		timeout 300 $SEVDBG audit $opts --symbols "$vmlinux" "$TGT" \
			>"$W/audit" 2>&1
		rc=$?
		[ $rc -le 1 ] || st=fail
	fi
	result $st "$plat: sevdbg audit" "exit $rc: $(grep -v '^\s*$' "$W/audit" | tail -n1)"
	[ $st = pass ] || show "$W/audit"
}

# step_rate PLAT W OPTS: DBG_DECRYPT calls per second, 16 MiB of private RAM
# one page per command (a raw dump; the sim's figure is its modelled latency).
step_rate() {
	local plat=$1 W=$2 opts=$3 calls secs fig
	# shellcheck disable=SC2086 # opts are words
	timeout 600 $SEVDBG dump $opts --json --format raw --range 0x1000000+16M \
		-o "$W/rate.raw" "$TGT" >"$W/rate.json" 2>"$W/rate.err"
	calls=$(jfield "$W/rate.json" decrypt_calls)
	secs=$(jfield "$W/rate.json" seconds)
	if [ -z "$calls" ] || [ "$calls" = 0 ] || [ -n "$(jfield "$W/rate.json" error)" ]; then
		result fail "$plat: DBG_DECRYPT calls/s" "the raw dump made no DBG_DECRYPT: $(jfield "$W/rate.json" error) $(tail -n1 "$W/rate.err")"
		return
	fi
	fig=$(python3 -c 'import sys; c, s = int(sys.argv[1]), float(sys.argv[2]); print("%d DBG_DECRYPT calls in %.3f s: %.0f calls/s, %.1f MiB/s" % (c, s, c / s if s else 0, c * 4096 / 1048576 / s if s else 0))' "$calls" "$secs")
	[ "$plat" = sim ] && fig="$fig (the sim's modelled PSP, --sim-latency)"
	figures+=("$plat: $fig")
	result pass "$plat: DBG_DECRYPT calls/s" "$fig"
}

# run_platform PLAT: boot the guest, then every step through PLAT.
run_platform() {
	local plat=$1 W=$T/$1 mode opts s rate_opts='' audit_opts=''
	mkdir -p "$W"
	TGT="qemu:$W/qmp.sock,gdb=$W/gdb.sock,hc=$W/hc.bin"
	if ! boot_guest "$plat" "$W"; then
		while IFS= read -r s; do
			result skip "$s" "the guest did not boot"
		done < <(step_names "$plat" | tail -n +2)
		return
	fi
	# A stock Linux under TCG sends no page-encryption record, so the sim
	# would follow its page tables (no C-bit: all shared). One record that
	# changes nothing stands for a guest that reports (check-linux does so).
	if [ "$plat" = sim ] && [ "$guest" = linux ]; then
		linux_sim_told "$W/told.bin"
		TGT="qemu:$W/qmp.sock,gdb=$W/gdb.sock,hc=$W/told.bin"
	fi
	for mode in bitmap page-tables; do
		if ! opts=$(mode_opts "$plat" $mode); then
			result skip "$plat: gdb end to end ($mode)" "$opts"
			result skip "$plat: dump ($mode)" "$opts"
			result skip "$plat: crash on the dump ($mode)" "$opts"
			[ $mode = bitmap ] && audit_opts="-" && rate_opts="-"
			continue
		fi
		[ $mode = bitmap ] && audit_opts=$opts rate_opts=$opts
		[ "$rate_opts" = - ] && rate_opts=$opts
		step_gdb "$plat" "$W" $mode "$opts"
		step_dump "$plat" "$W" $mode "$opts"
	done
	if [ "$audit_opts" = - ]; then
		result skip "$plat: sevdbg audit" "$(mode_opts "$plat" bitmap) (audit reads the guest's own record, the kernel's bitmap)"
	else
		step_audit "$plat" "$W" "$audit_opts"
	fi
	step_rate "$plat" "$W" "$rate_opts"
	kill "$(cat "$W/qemu.pid")" 2>/dev/null
	rm -f "$W/qemu.pid"
}
