# SPDX-License-Identifier: GPL-2.0-only
# gdb end to end against the live test guest, for any target: sourced by
# tests/live/gdb-live (launch:, demo) and tests/live/libvirt (libvirt:).
# The sourcing script sets T (its temp dir), GUEST (tests/guest/guest.elf)
# and pids (an array its cleanup kills); it serves the guest at $T/NAME.sock
# and the guest's serial console is at $T/NAME.serial. TAP on stdout.

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -n "${2:-}" ] && [ -f "$2" ] && sed 's/^/#   /' "$2" | tail -n 25
}
# check DESC FILE REGEX...: every (extended) regex matches somewhere in FILE.
check() {
	local desc=$1 file=$2 re
	shift 2
	for re in "$@"; do
		if ! grep -Eq -- "$re" "$file"; then
			echo "# missing: $re"
			not_ok "$desc" "$file"
			return 1
		fi
	done
	ok "$desc"
}

# g NAME OUT GDB-ARGS...: one gdb -batch session (connect, commands, detach).
g() {
	local name=$1 out=$2
	shift 2
	timeout 60 gdb -batch -nx -ex 'set pagination off' -ex 'set confirm off' \
		-ex "target remote $T/$name.sock" "$@" $GUEST >"$T/$out" 2>&1
}

# gdb_bg NAME OUT GDB-ARGS...: like g, in the background; sets gdb_pid.
gdb_bg() {
	local name=$1 out=$2
	shift 2
	gdb -batch -nx -ex 'set pagination off' -ex 'set confirm off' \
		-ex "target remote $T/$name.sock" "$@" $GUEST >"$T/$out" 2>&1 &
	gdb_pid=$!
	pids+=($gdb_pid)
}
# gdb_wait: wait up to 30 s for the background gdb.
gdb_wait() {
	for _ in $(seq 300); do
		kill -0 "$gdb_pid" 2>/dev/null || { wait "$gdb_pid"; return; }
		sleep 0.1
	done
	kill "$gdb_pid"
}

# gdb_checks NAME: the checks any live target must pass ($GDB_CHECKS of them):
# breakpoints, stepping, private and shared memory, writes the guest sees,
# watchpoints, threads, Ctrl-C, detach and re-attach, a dropped connection.
GDB_CHECKS=14
gdb_checks() {
	# --- breakpoints, backtrace, stepping
	g "$1" bt -ex 'break leaf_function' -ex continue -ex bt -ex 'delete'
	check "break by symbol, continue, bt" "$T/bt" \
		'Breakpoint 1, leaf_function' '#1 .* compute_step' '#2 .* work_tick' \
		'#3 .* cpu_loop'

	g "$1" hb -ex 'hbreak compute_step' -ex continue -ex 'delete'
	check "hbreak by symbol" "$T/hb" 'Hardware assisted breakpoint 1' \
		'Breakpoint 1, compute_step'

	g "$1" step -ex 'break compute_step' -ex continue -ex 'delete' \
		-ex 'p/x $pc' -ex stepi -ex 'p/x $pc' -ex next -ex 'info line *$pc' \
		-ex finish
	pcs=$(grep -Eo '^\$[12] = 0x[0-9a-f]+' "$T/step" | awk '{print $3}' | uniq | wc -l)
	if [ "$pcs" = 2 ]; then
		check "stepi, next, finish" "$T/step" 'Line 6[4-9] of' \
			'in work_tick' 'Value returned is'
	else
		not_ok "stepi, next, finish (stepi did not move the pc)" "$T/step"
	fi

	# --- private and shared memory
	g "$1" mem -ex 'break work_tick' -ex continue -ex 'delete' \
		-ex 'print private_secret' -ex 'print/x *(unsigned long *)private_page' \
		-ex 'x/s &dma_buf' -ex 'print shared_counter' \
		-ex 'eval "monitor sev status 0x%lx", (long)&private_secret' \
		-ex 'eval "monitor sev status 0x%lx", (long)&dma_buf'
	check "print private and shared variables" "$T/mem" \
		'= "SEVDBG-PRIVATE-PATTERN-0123456789"' '= 0x342d261f18110a03' \
		'<dma_buf>:[[:space:]]+"SEVDBG-SHARED-PATTERNSEVDBG' \
		'^\$3 = [1-9][0-9]*'
	check "monitor sev status: private page encrypted, dma_buf shared" "$T/mem" \
		'bitmap +encrypted' 'bitmap +shared'

	# The page tables of dma_buf's 2 MiB are decrypted (and cached) by the first
	# read; then a read of the neighbouring shared page costs no DBG_DECRYPT.
	g "$1" stats -ex 'x/2xg &dma_buf' -ex 'monitor sev stats reset' \
		-ex 'x/16xb &bss_dec_page' -ex 'monitor sev stats'
	if grep -Eq 'dbg_decrypt +0 ' "$T/stats" &&
	   grep -Eq 'read_host +[1-9]' "$T/stats" &&
	   grep -Eq '0xff.*0xfc.*0xf9.*0xf6' "$T/stats"; then
		ok "shared buffer read with zero DBG_DECRYPT calls"
	else
		not_ok "shared buffer read with zero DBG_DECRYPT calls" "$T/stats"
	fi

	# The guest flips flip_region (2 pages at 0x205000) every ~2 s: each look
	# must agree with the guest's own flip_state, and both states must be seen.
	seen_s=0 seen_p=0 flip_bad=
	for i in 1 2 3 4 5; do
		g "$1" flip$i -ex 'print flip_state' -ex 'print flip_in_progress' \
			-ex 'monitor sev status p:0x205000' -ex 'x/1cb flip_region+8'
		st=$(sed -n 's/^\$1 = //p' "$T/flip$i")
		inprog=$(sed -n 's/^\$2 = //p' "$T/flip$i")
		[ "$inprog" = 0 ] || { sleep 0.3; continue; }
		if [ "$st" = 1 ] && grep -Eq 'bitmap +shared' "$T/flip$i" &&
		   grep -q "83 'S'" "$T/flip$i"; then
			seen_s=1
		elif [ "$st" = 0 ] && grep -Eq 'bitmap +encrypted' "$T/flip$i" &&
		     grep -q "80 'P'" "$T/flip$i"; then
			seen_p=1
		else
			flip_bad=$T/flip$i
			break
		fi
		[ $seen_s = 1 ] && [ $seen_p = 1 ] && break
		sleep 1.1
	done
	if [ -z "$flip_bad" ] && [ $seen_s = 1 ] && [ $seen_p = 1 ]; then
		ok "after the guest flips a region, the bitmap and reads follow"
	else
		not_ok "flip_region: bitmap or contents disagree with flip_state" \
			"${flip_bad:-$T/flip5}"
	fi

	# --- writes the guest observes
	val=0x$(printf '%x' $((0x5eed0000 + $$ % 65536)))
	g "$1" mbox -ex "set var mailbox = $val" -ex 'break work_tick' \
		-ex continue -ex continue -ex continue -ex 'delete' \
		-ex 'print/x mailbox_seen'
	for _ in $(seq 20); do
		grep -q "mailbox: $val" "$T/$1.serial" && break
		sleep 0.1
	done
	check "write a private variable; the guest sees it" "$T/mbox" "= $val"
	check "the guest reports the written value on its serial line" \
		"$T/$1.serial" "mailbox: $val"

	# --- watchpoints, threads
	g "$1" watch -ex 'watch watch_me' -ex continue -ex 'delete'
	check "watchpoint on a private variable" "$T/watch" \
		'Hardware watchpoint 1: watch_me' 'Old value' 'New value'

	g "$1" thr -ex 'info threads' -ex 'thread 1' -ex 'p/x $rsp' \
		-ex 'thread 2' -ex 'p/x $rsp' -ex 'p $_thread'
	rsp1=$(sed -n 's/^\$1 = //p' "$T/thr")
	rsp2=$(sed -n 's/^\$2 = //p' "$T/thr")
	if [ -n "$rsp1" ] && [ -n "$rsp2" ] && [ "$rsp1" != "$rsp2" ]; then
		check "info threads: two vCPUs; thread 2 has its own registers" \
			"$T/thr" '^\* 1 +Thread 1' '^  2 +Thread 2' '^\$3 = 2'
	else
		not_ok "thread 2 has its own registers ($rsp1 vs $rsp2)" "$T/thr"
	fi

	# --- run control: interrupt, detach/re-attach
	# Ctrl-C: gdb gets SIGINT while the guest runs and interrupts it.
	gdb_bg "$1" intr -ex continue -ex 'p $pc'
	sleep 1.5
	kill -INT "$gdb_pid"
	gdb_wait
	check "Ctrl-C (interrupt) stops a running guest" "$T/intr" \
		'received signal SIGINT' '^\$1 = .*0xffffffff8'

	g "$1" at1 -ex 'print ticks' -ex detach
	sleep 0.5
	g "$1" at2 -ex 'print ticks'
	t1=$(sed -n 's/^\$1 = //p' "$T/at1")
	t2=$(sed -n 's/^\$1 = //p' "$T/at2")
	if [ -n "$t1" ] && [ -n "$t2" ] && [ "$t2" -gt "$t1" ] &&
	   grep -q 'detached' "$T/at1"; then
		ok "detach leaves the guest running; re-attach stops it ($t1 -> $t2)"
	else
		not_ok "detach and re-attach (ticks $t1 -> $t2)" "$T/at2"
	fi

	# gdb vanishes in the middle of a packet: the next connection still works.
	python3 - "$T/$1.sock" <<-'EOF'
	import socket, sys
	s = socket.socket(socket.AF_UNIX)
	s.connect(sys.argv[1])
	s.sendall(b"+$qSupported:multiprocess+;swbreak+;hwbre")
	s.close()
	EOF
	g "$1" again -ex 'print private_secret'
	check "a connection dropped mid-packet; the next one works" "$T/again" \
		'= "SEVDBG-PRIVATE-PATTERN-0123456789"'
}
