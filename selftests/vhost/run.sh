#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tier 2 tests of vale-vhost on the host, TAP on stdout, non-zero exit on
# failure.
#
#   selftests/vhost/run.sh [--qemu PATH]... [--no-qemu10] [--only PART]
#
# Parts (all by default):
#   hostile   selftests/vhost/hostile against a private vale-vhost, built
#             with ASan+UBSan ($O/asan/vale-vhost) and as shipped: every
#             malformed message / descriptor logs its own error and closes
#             the connection or stops the queue, daemon survives, random
#             messages and descriptors (fuzz), the stats socket, direct
#             mode's wait-then-drop, fds that could block the daemon, a
#             request flood, 1-byte segments, guest memory limits, the
#             message-order table, --config and client reconnect
#   seqfuzz   hostile --seqfuzz against the ASan+UBSan vale-vhost: generated
#             sequences of vhost-user messages, fds and ring contents, from
#             a fixed seed (VHOST_FUZZ_SEED, default 1; VHOST_FUZZ_COUNT
#             programs, default 40); VHOST_FUZZ_DURATION=SECS runs
#             programs for that long instead.  A failing program is
#             printed with its seed: hostile --seqfuzz BIN DIR --seed S
#             --count 1 replays it
#   vm        two QEMU guests (Debian's 6.1 kernel) whose virtio-net NICs
#             are joined by vale-vhost in direct mode: ping and UDP stream,
#             VM restart and reconnect, a VM killed mid-traffic while the
#             other keeps working; then two guests with 2 queue pairs
#             each (multiqueue): ping, UDP streams from both vCPUs,
#             frames on both queue pairs.  Run with the machine's QEMU and with
#             bookworm-backports' QEMU 10 (scripts/qemu10.sh), unless
#             --no-qemu10 or --qemu is given.
#   vm-restart  two guests as above, QEMU listening (server=on) and
#             vale-vhost's NICs as clients: once they ping, vale-vhost is
#             killed with SIGKILL and started again; guest A's ping and a
#             UDP stream must work again, the new daemon carries the
#             traffic with no error and holds as many fds as the old one
#             (the machine's QEMU and QEMU 10 as for vm, or each --qemu
#             given)
#   testpmd   two DPDK testpmd virtio-user front-ends (txonly -> rxonly)
#             through vale-vhost direct mode (skipped without dpdk-testpmd,
#             root or hugepages)
#   restart   the same two testpmd front-ends as servers, vale-vhost's NICs
#             as clients: vale-vhost killed with SIGKILL and started again
#             twice, frames flow again each time, no fd more than before
#             (selftests/vhost/restart.sh; same skips)
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build/user}
qemus=() qemu10=1 only=
while [[ $# -gt 0 ]]; do
	case $1 in
	--qemu) qemus+=("$2"); qemu10=0; shift 2 ;;
	--no-qemu10) qemu10=0; shift ;;
	--only) only=$2; shift 2 ;;
	-h|--help) sed -n '4,/^set -u/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[[ ${#qemus[@]} -eq 0 ]] && qemus=(qemu-system-x86_64)

cd "$top"
make -s "$O/qemu-backend/vale-vhost" "$O/asan/vale-vhost" "$O/vhost/hostile" \
	"$O/vhost/vhost-udp" >&2 || {
	echo "not ok 1 - build vale-vhost and its test programs"
	exit 1
}
VHOST=$top/$O/qemu-backend/vale-vhost
VHOST_ASAN=$top/$O/asan/vale-vhost
UDP=$top/$O/vhost/vhost-udp

work=$(mktemp -d "${TMPDIR:-/tmp}/vale-vhost-test.XXXXXX")
pids=()
cleanup() {
	local p
	# the guests' vm-run and QEMU too, not only the subshells started
	for p in "${pids[@]}"; do
		kill $(descendants "$p") "$p" 2>/dev/null
	done
	wait 2>/dev/null
	if [[ ${KEEP:-0} == 1 ]]; then
		echo "# logs kept in $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

# shellcheck source=scripts/lib/tap.sh
. "$top/scripts/lib/tap.sh"

# Re-number the TAP lines of a sub-test under a prefix.
relay() {	# prefix < tap
	local line
	while IFS= read -r line; do
		case $line in
		"ok "*|"not ok "*)
			local st=0 desc
			[[ $line == not* ]] && st=1
			desc=$(sed -E 's/^(not )?ok [0-9]+ (- )?//' <<<"$line")
			if [[ $desc == *"# SKIP"* ]]; then
				n=$((n + 1)); echo "ok $n - $1$desc"
			else
				ok $st "$1$desc"
			fi
			;;
		"#"*) echo "$line" ;;
		esac
	done
}

# A sub-test's plan "1..N" must match the number of its results.
check_plan() {	# prefix tapfile
	local plan got
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$2" | head -n 1)
	got=$(grep -c '^ok \|^not ok ' "$2")
	[[ -n $plan && $plan == "$got" ]]
	ok $? "$1$got results, plan ${plan:-missing}"
}

# vm-run's PASS/FAIL lines as TAP; FAIL lines matching IGNORE (an ERE)
# are only shown.  Sets vm_results to the number of results relayed.
vm_results=0
relay_vmrun() {	# prefix [ignore] < vm-run output
	local line ign=${2:-}
	vm_results=0
	while IFS= read -r line; do
		case $line in
		PASS\ *) ok 0 "$1${line#PASS }" ;;
		FAIL\ *)
			if [[ -n $ign && $line =~ $ign ]]; then
				echo "# $1${line#FAIL } (expected)"
				continue
			fi
			ok 1 "$1${line#FAIL }" ;;
		SKIP\ *) n=$((n + 1)); echo "ok $n - $1${line#SKIP } # SKIP" ;;
		*) continue ;;
		esac
		vm_results=$((vm_results + 1))
	done
}

# One guest boot's verdicts: its results, and vm-run's exit status (a
# guest that never boots, dies or runs short of its plan fails here).
boot_verdict() {	# prefix rc out
	relay_vmrun "$1" <"$3"
	[[ $2 == 0 && $vm_results -gt 0 ]]
	ok $? "$1vm-run exit status $2, $vm_results results"
	[[ $2 == 0 ]] || tail -n 5 "$3" | sed 's/^/# | /'
}

descendants() {	# pid: all descendants
	local c
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		echo "$c"
		descendants "$c"
	done
}

wait_file() {	# file pattern seconds
	local t=0
	while ((t < $3 * 10)); do
		grep -aq "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		t=$((t + 1))
	done
	return 1
}

# --- hostile front-end -------------------------------------------------------

part_hostile() {	# label binary
	local d=$work/hostile-$1 rc
	mkdir -p "$d"
	# Any sanitizer report aborts the daemon (-fno-sanitize-recover=all);
	# leaks are reported at exit, which hostile checks is clean.
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99 \
		timeout 300 "$top/$O/vhost/hostile" "$2" "$d" >"$d.tap"
	rc=$?
	check_plan "hostile ($1): " "$d.tap"
	relay "hostile ($1): " <"$d.tap"
	ok $rc "hostile ($1): exit status"
	grep -a 'Sanitizer\|runtime error' "$d"/vhost*.log 2>/dev/null | head -n 20 | sed 's/^/# /'
}

# --- sequences of messages (hostile --seqfuzz) -------------------------------

part_seqfuzz() {
	local d=$work/seqfuzz rc
	mkdir -p "$d"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99 \
		timeout $((${VHOST_FUZZ_DURATION:-0} + 300)) "$top/$O/vhost/hostile" --seqfuzz \
		"$VHOST_ASAN" "$d" --seed "${VHOST_FUZZ_SEED:-1}" \
		--count "${VHOST_FUZZ_COUNT:-40}" >"$d.tap"
	rc=$?
	check_plan "seqfuzz: " "$d.tap"
	relay "seqfuzz: " < <(grep -v '^# program ' "$d.tap")
	ok $rc "seqfuzz: exit status"
	if [[ $rc != 0 ]]; then
		grep '^# program ' "$d.tap" | tail -n 1 | cut -c1-600
		grep -a 'Sanitizer\|runtime error' "$d"/vhost*.log 2>/dev/null | head -n 20 | sed 's/^/# /'
	fi
}

# --- two guests in direct mode --------------------------------------------

vm_start() {	# dir name role phase qemu [secs [queues]]
	local d=$1 name=$2 role=$3 phase=$4 q=$5 secs=${6:-0} qs=${7:-} ip peer mac
	local nopt= copt=
	if [[ $name == a ]]; then
		ip=10.99.0.1 peer=10.99.0.2 mac=52:54:00:99:00:0a
	else
		ip=10.99.0.2 peer=10.99.0.1 mac=52:54:00:99:00:0b
	fi
	[[ -n $qs ]] && nopt=",queues=$qs" copt=" vhost.queues=$qs"
	"$top/selftests/vm/vm-run" --no-load --qemu "$q" --mem 256M \
		--net-vhost "$d/$name.sock,mac=$mac$nopt" --file "$UDP:/bin/vhost-udp" \
		--cmdline "vhost.role=$role vhost.ip=$ip vhost.peer=$peer vhost.phase=$phase vhost.secs=$secs$copt" \
		--out "$d/$name-$phase" --timeout 400 --test-timeout 380 -v \
		"$top/selftests/vhost/guest.sh" >"$d/$name-$phase.out" 2>&1
}

stats() {	# dir: counters as JSON (through SIGUSR1 on stdout)
	kill -USR1 "$vpid"
	sleep 0.3
	tail -n 1 "$1/vhost.out"
}

# Frames vale-vhost counted as dropped so far, both NICs of a direct pair
# (every direct-mode drop is counted at the sender's tx_drops).
drops() {	# dir
	local s
	s=$(stats "$1")
	echo $(($(jget "$s" a tx_drops) + $(jget "$s" b tx_drops)))
}

# Datagrams a guest reported lost ("VHOST-SYNC lost N": its UDP streams
# got every other one back exactly once) must be among the frames
# vale-vhost counted as dropped during that boot.
lost_books() {	# prefix sidelog drops-before drops-after
	local lost
	lost=$(tr -d '\r' <"$2" 2>/dev/null | sed -n 's/^VHOST-SYNC lost \([0-9]*\).*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	((lost <= $4 - $3))
	ok $? "$1every lost datagram counted as a drop ($lost lost, $(($4 - $3)) frames dropped)"
}

jget() {	# json vm key
	python3 -c 'import json,sys
d=json.loads(sys.argv[1])
print([v for v in d["vms"] if v["name"] == sys.argv[2]][0][sys.argv[3]])' "$@"
}

part_vm() {	# qemu
	local q=$1 label d bpid a2pid qp s d0
	label=$("$q" --version | sed -n 's/.*version \([0-9.]*\).*/QEMU \1/p' | head -n1)
	d=$work/vm-${label// /}
	mkdir -p "$d"
	"$VHOST" --vm "a,path=$d/a.sock,direct=p0" --vm "b,path=$d/b.sock,direct=p0" \
		</dev/null >"$d/vhost.out" 2>"$d/vhost.log" &
	vpid=$!
	pids+=("$vpid")

	# B: the echo server, alive for the whole part.
	vm_start "$d" b responder all "$q" 360 &
	bpid=$!
	pids+=("$bpid")
	if ! wait_file "$d/b-all/side.log" "VHOST-SYNC up" 120; then
		ok 1 "$label: guest B boots with its vhost-user NIC"
		return
	fi
	ok 0 "$label: guest B boots with its vhost-user NIC"

	# A, first boot: ping and UDP stream.
	d0=$(drops "$d")
	vm_start "$d" a client basic "$q"
	boot_verdict "$label: A first boot: " $? "$d/a-basic.out"
	lost_books "$label: A first boot: " "$d/a-basic/side.log" "$d0" "$(drops "$d")"

	# A, second boot (VM restart, vhost-user reconnect), killed mid-flood.
	d0=$(drops "$d")
	vm_start "$d" a client kill "$q" &
	a2pid=$!
	pids+=("$a2pid")
	streaming=0
	if wait_file "$d/a-kill/side.log" "VHOST-SYNC streaming" 150; then
		streaming=1
		sleep 2
		for qp in $(descendants "$a2pid"); do
			[[ $(ps -o comm= -p "$qp") == qemu-system* ]] && kill -9 "$qp"
		done
	else
		kill "$a2pid" 2>/dev/null
	fi
	wait "$a2pid" 2>/dev/null
	# Its verdicts up to the kill: the guest's checks (which it also
	# writes straight to the side channel, as the harness reports a
	# test's output only when it ends) and vm-run's kernel log; only "did
	# not finish" is expected of a killed guest.
	local nf0=$nfail n0=$n nside
	tr -d '\r' <"$d/a-kill/side.log" 2>/dev/null | sed -n 's/^VHOST-SYNC result //p' \
		>"$d/a-kill.results"
	relay "$label: A second boot: " <"$d/a-kill.results"
	nside=$((n - n0))
	relay_vmrun "$label: A second boot: " '(did not finish|/vm \((hard timeout|guest did not finish))' \
		<"$d/a-kill.out"
	# eth0, ping, ping 10, ping -s 8000, UDP stream; kernel-log
	[[ $streaming == 1 && $nfail == "$nf0" && $nside == 5 && $vm_results -ge 1 ]]
	ok $? "$label: A rebooted, reconnected, passed its 5 checks, streamed, killed with SIGKILL mid-traffic ($nside + $vm_results results)"
	lost_books "$label: A second boot: " "$d/a-kill/side.log" "$d0" "$(drops "$d")"
	kill -0 "$vpid" 2>/dev/null
	ok $? "$label: vale-vhost still running after A was killed"
	s=$(stats "$d")
	[[ $(jget "$s" b connected) == True && $(jget "$s" a connected) == False ]]
	ok $? "$label: B still connected, A's connection closed"

	# A, third boot: B kept working through A's death.
	d0=$(drops "$d")
	vm_start "$d" a client last "$q"
	boot_verdict "$label: A third boot: " $? "$d/a-last.out"
	lost_books "$label: A third boot: " "$d/a-last/side.log" "$d0" "$(drops "$d")"

	wait "$bpid"
	boot_verdict "$label: B: " $? "$d/b-all.out"
	s=$(stats "$d")
	echo "# $s" | cut -c1-400
	[[ $(jget "$s" a connects) -ge 3 && $(jget "$s" b connects) -ge 1 &&
	   $(jget "$s" a errors) == 0 && $(jget "$s" b errors) == 0 &&
	   $(jget "$s" a rx_packets) -gt 2000 && $(jget "$s" b rx_packets) -gt 2000 ]]
	ok $? "$label: counters: A connected 3 times, no errors, traffic both ways"
	kill "$vpid"
	wait "$vpid" 2>/dev/null
	grep -a 'error' "$d/vhost.log" | head -n 5 | sed 's/^/# vhost.log: /'
}

# Two guests with 2 queue pairs each (virtio-net mq=on), direct mode.
part_vm_mq() {	# qemu
	local q=$1 label d bpid s d0
	label=$("$q" --version | sed -n 's/.*version \([0-9.]*\).*/QEMU \1/p' | head -n1)
	d=$work/vm-mq-${label// /}
	label+=" multiqueue"
	mkdir -p "$d"
	"$VHOST" --vm "a,path=$d/a.sock,direct=p0,queues=2" \
		--vm "b,path=$d/b.sock,direct=p0,queues=2" \
		</dev/null >"$d/vhost.out" 2>"$d/vhost.log" &
	vpid=$!
	pids+=("$vpid")
	vm_start "$d" b responder mq "$q" 240 2 &
	bpid=$!
	pids+=("$bpid")
	if ! wait_file "$d/b-mq/side.log" "VHOST-SYNC up" 120; then
		ok 1 "$label: guest B boots with a 2-queue-pair NIC"
		kill "$vpid" "$bpid"
		return
	fi
	ok 0 "$label: guest B boots with a 2-queue-pair NIC"
	d0=$(drops "$d")
	vm_start "$d" a client mq "$q" 0 2
	boot_verdict "$label: A: " $? "$d/a-mq.out"
	lost_books "$label: A: " "$d/a-mq/side.log" "$d0" "$(drops "$d")"
	wait "$bpid"
	boot_verdict "$label: B: " $? "$d/b-mq.out"
	grep -a 'eth0 queues\|stream on' "$d/a-mq.out" | head -n 3 | sed 's/^[# ]*/# A: /'
	s=$(stats "$d")
	echo "# per-queue packets [rx0,tx0,rx1,tx1]: a $(jget "$s" a queue_packets), b $(jget "$s" b queue_packets)"
	# traffic on both queue pairs of A or of B
	python3 - "$s" <<'EOF'
import json, sys
v = {x["name"]: x for x in json.loads(sys.argv[1])["vms"]}
pairs = lambda q: [q[0] + q[1] > 0, q[2] + q[3] > 0]
ok = all(x["errors"] == 0 for x in v.values()) and \
    (all(pairs(v["a"]["queue_packets"])) or all(pairs(v["b"]["queue_packets"])))
sys.exit(0 if ok else 1)
EOF
	ok $? "$label: frames on both queue pairs (vale-vhost per-queue counters), no errors"
	kill "$vpid"
	wait "$vpid" 2>/dev/null
	grep -a 'error' "$d/vhost.log" | head -n 5 | sed 's/^/# vhost.log: /'
}

# vale-vhost killed with SIGKILL under two running guests and started
# again: QEMU listens (server=on), vale-vhost's NICs are clients and
# reconnect; the guests' traffic resumes.
part_vm_restart() {	# qemu
	local q=$1 label d bpid apid s fds1 fds2
	label=$("$q" --version | sed -n 's/.*version \([0-9.]*\).*/QEMU \1/p' | head -n1)
	d=$work/vm-restart-${label// /}
	label+=" restart"
	mkdir -p "$d"
	vh_restart_start() {
		"$VHOST" --vm "a,path=$d/a.sock,direct=p0,client" \
			--vm "b,path=$d/b.sock,direct=p0,client" \
			</dev/null >"$d/vhost$1.out" 2>"$d/vhost$1.log" &
		vpid=$!
		pids+=("$vpid")
	}
	vh_restart_start 1
	vm_start_srv() {	# name role phase secs
		local ip peer mac
		if [[ $1 == a ]]; then
			ip=10.99.0.1 peer=10.99.0.2 mac=52:54:00:99:00:0a
		else
			ip=10.99.0.2 peer=10.99.0.1 mac=52:54:00:99:00:0b
		fi
		"$top/selftests/vm/vm-run" --no-load --qemu "$q" --mem 256M \
			--net-vhost "$d/$1.sock,mac=$mac,server" --file "$UDP:/bin/vhost-udp" \
			--cmdline "vhost.role=$2 vhost.ip=$ip vhost.peer=$peer vhost.phase=$3 vhost.secs=$4" \
			--out "$d/$1-$3" --timeout 400 --test-timeout 380 -v \
			"$top/selftests/vhost/guest.sh" >"$d/$1-$3.out" 2>&1
	}
	vm_start_srv b responder all 300 &
	bpid=$!
	pids+=("$bpid")
	if ! wait_file "$d/b-all/side.log" "VHOST-SYNC up" 200; then
		ok 1 "$label: guest B boots with its vhost-user NIC"
		kill "$bpid" "$vpid" 2>/dev/null
		return
	fi
	vm_start_srv a client restart 0 &
	apid=$!
	pids+=("$apid")
	if ! wait_file "$d/a-restart/side.log" "VHOST-SYNC restart-now" 240; then
		ok 1 "$label: guest A reaches the restart point"
		kill "$apid" "$bpid" "$vpid" 2>/dev/null
		return
	fi
	fds1=$(ls "/proc/$vpid/fd" | wc -l)
	kill -9 "$vpid"
	wait "$vpid" 2>/dev/null
	ok 0 "$label: both guests up and pinging; vale-vhost killed with SIGKILL"
	vh_restart_start ""
	# with A still attached, after its checks of the restarted daemon
	wait_file "$d/a-restart/side.log" "after the restart, each once" 200
	fds2=$(ls "/proc/$vpid/fd" | wc -l)
	wait "$apid"
	boot_verdict "$label: A: " $? "$d/a-restart.out"
	wait "$bpid"
	boot_verdict "$label: B: " $? "$d/b-all.out"
	s=$(stats "$d")
	[[ $(jget "$s" a errors) == 0 && $(jget "$s" b errors) == 0 &&
	   $(jget "$s" a rx_packets) -ge 300 && $(jget "$s" b rx_packets) -ge 300 ]]
	ok $? "$label: the new vale-vhost carried the traffic after the restart (at least 300 frames each way), no errors"
	[[ $fds2 == "$fds1" ]]
	ok $? "$label: the new daemon held as many fds with both guests attached as the old one ($fds2, $fds1)"
	kill "$vpid"
	wait "$vpid" 2>/dev/null
	grep -a 'error' "$d"/vhost*.log | head -n 5 | sed 's/^/# vhost.log: /'
}

# --- DPDK testpmd front-ends -----------------------------------------------

part_testpmd() {
	"$top/selftests/vhost/testpmd.sh" "$VHOST" "$work/testpmd" >"$work/testpmd.tap"
	relay "testpmd: " <"$work/testpmd.tap"
}

want() { [[ -z $only || $only == "$1" ]]; }

if want hostile; then
	part_hostile asan "$VHOST_ASAN"
	part_hostile plain "$VHOST"
fi
want seqfuzz && part_seqfuzz
own_qemus=("${qemus[@]}")	# the machine's, or those given: not QEMU 10's
if want vm; then
	if [[ $qemu10 == 1 ]]; then
		if q10=$("$top/scripts/qemu10.sh" 2>"$work/qemu10.err"); then
			qemus+=("$q10")
		else
			skip "QEMU 10 guests" "scripts/qemu10.sh failed: $(tail -n1 "$work/qemu10.err")"
		fi
	fi
	for q in "${qemus[@]}"; do
		part_vm "$q"
		part_vm_mq "$q"
	done
fi
if want vm-restart; then
	vmr_qemus=("${own_qemus[@]}")
	if [[ $qemu10 == 1 ]]; then
		if [[ -z ${q10:-} ]] && ! q10=$("$top/scripts/qemu10.sh" 2>"$work/qemu10.err"); then
			q10=
			skip "QEMU 10 vm-restart" "scripts/qemu10.sh failed: $(tail -n1 "$work/qemu10.err")"
		fi
		[[ -n $q10 ]] && vmr_qemus+=("$q10")
	fi
	for q in "${vmr_qemus[@]}"; do
		part_vm_restart "$q"
	done
fi
want testpmd && part_testpmd
if want restart; then
	"$top/selftests/vhost/restart.sh" "$VHOST" "$work/restart" >"$work/restart.tap"
	relay "restart: " <"$work/restart.tap"
fi

echo "1..$n"
echo "# vhost: $((n - nfail)) passed, $nfail failed" >&2
[[ $nfail == 0 ]]
