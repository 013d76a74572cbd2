#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VMPI Tier-2 tests: vale-vmpi on the host, a QEMU (TCG) guest with vmpi.ko
# and an ivshmem-doorbell device, test programs on both sides.  TAP on
# stdout; exits non-zero when anything failed.
#
#   selftests/vmpi/run.sh [--kernel 6.1|6.12|debug] [--only LIST] [--quick] [-v]
#
#   --kernel      the guest kernel (scripts/kernel.sh); on "debug" the
#                 guest suite's "failnth" group sweeps insmod vmpi.ko with
#                 fault injection (it SKIPs on Debian's kernels)
#   --only LIST   guest test groups for the main boot (guest_tests.c)
#   --quick       only the host-side tests and the main boot
#
# Phases:
#   1. host only: fakeguest plays QEMU and a hostile guest against the
#      daemon and a libvale VMPI user (protocol, garbage, restart); each
#      of its results is one of ours;
#   2. a guest runs traffic and its QEMU is killed (kill -9) under it;
#      the host peer must see the reset and carry on; that boot's own
#      verdicts (the guest's results, its kernel log) count too;
#   2b. vale-vmpi killed with SIGKILL under an attached QEMU (one that runs
#      no guest) and started again: QEMU and the host peer keep running,
#      that QEMU does not come back (ivshmem takes its memory once), the
#      VM's next QEMU gets the new daemon's memory, the new daemon holds as
#      many fds as the old one, and nothing stays behind (fds, memfds,
#      /dev/shm);
#   3. the next VM (MSI-X, plus an ivshmem-plain device without the magic)
#      runs the guest suite against the same host peer and the restarted
#      daemon.
# The daemon and fakeguest (with the host API) are the ASan + UBSan builds
# of qemu-backend/vmpi.mk ($(O)/asan/): a sanitizer report, a leak at the
# daemon's exit or an fd it kept after the hostile phase is a failure.
# Every suite declares its plan; a suite that did not run, ran short or
# whose vm-run failed is a failure, never zero results.  The plan of this
# script is printed at the end.
# (QEMU 7.2's ivshmem-doorbell has no msi=off: the driver's INTx path is
# not reachable with it and not tested here.)
# Logs: build/vmpi/<kernel release>/.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kernel=6.1 only= quick=0 verbose=0
while [[ $# -gt 0 ]]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--quick) quick=1; shift ;;
	-v) verbose=1; shift ;;
	-h|--help) sed -n '3,40s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

cd "$top"
make -s vmpi >&2
kver=$(selftests/vmpi/build-vmpi.sh "$kernel")
[[ -f build/$kver/vmpi.ko ]] || { echo "run.sh: no vmpi.ko" >&2; exit 2; }
O=build/user
# the release as a regular expression ("6.12.95+deb12-amd64" has a "+")
kre=$(sed 's/[][\\.*^$+?(){}|]/\\&/g' <<<"$kver")
logs=$top/build/vmpi/$kver
rm -rf "$logs"
mkdir -p "$logs"
work=$(mktemp -d "${TMPDIR:-/tmp}/vale-vmpi.XXXXXX")
dpid= hpid= vpid= qa= qb=

cleanup() {
	local p
	for p in $vpid $hpid $dpid $qa $qb; do
		kill "$p" 2>/dev/null || true
	done
	for p in $vpid $hpid $dpid; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=scripts/lib/tap.sh
. "$top/scripts/lib/tap.sh"

# What ASan, LSan and UBSan print; a halt is the default for all three.
sanitized='ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (AddressSanitizer|UndefinedBehaviorSanitizer)'
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
nsan() { grep -cE "$sanitized" "$1" || true; }
nofds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l || true; }
# A TAP file's plan and results: "PLAN NRESULTS" (PLAN "none" without one).
tapcount() {
	local p
	p=$(grep -m1 -oE '^1\.\.[0-9]+$' "$1" | cut -c4-) || true
	echo "${p:-none} $(grep -cE '^(not )?ok [0-9]+' "$1" || true)"
}

# The daemon serves VM "t" (real guests) and "h" (the host-only tests).
$O/asan/vale-vmpi --dir "$work" --vm t --vm h -v >"$logs/vale-vmpi.log" 2>&1 &
dpid=$!
for _ in $(seq 50); do [[ -S $work/vmpi.ctl ]] && break; sleep 0.1; done
ok "$([[ -S $work/vmpi.ctl ]]; echo $?)" "vale-vmpi (ASan+UBSan) is up"

# --- 1. host only ------------------------------------------------------------
fds0=$(nofds $dpid)
set +e
timeout 120 $O/asan/fakeguest --dir "$work" --vm h >"$logs/fakeguest.tap" 2>&1
rc=$?
set -e
while IFS= read -r l; do
	case $l in
	"ok "*) ok 0 "host: ${l#ok * - }" ;;
	"not ok "*) l=${l#not }; ok 1 "host: ${l#ok * - }" ;;
	esac
done <"$logs/fakeguest.tap"
read -r plan got < <(tapcount "$logs/fakeguest.tap")
san=$(nsan "$logs/fakeguest.tap")
ok "$([[ $rc == 0 && $got == "$plan" && $san == 0 ]]; echo $?)" \
	"host: fakeguest (ASan+UBSan) ran its plan: $got of $plan results, exit $rc, $san sanitizer report lines"
# The daemon sees the last connections close asynchronously.
for _ in $(seq 20); do [[ $(nofds $dpid) == "$fds0" ]] && break; sleep 0.1; done
fds1=$(nofds $dpid)
san=$(nsan "$logs/vale-vmpi.log")
ok "$(kill -0 $dpid 2>/dev/null && [[ $fds1 == "$fds0" && $san == 0 ]]; echo $?)" \
	"vale-vmpi survived the hostile guest and the junk: $san sanitizer report lines, no fd kept ($fds0 -> $fds1 open)"

$O/vmpi-tests/hostpeer --ctl "$work/vmpi.ctl" --vm t >"$logs/hostpeer.log" 2>&1 &
hpid=$!

doorbell=(--qemu-arg -chardev --qemu-arg "socket,id=v0,path=$work/t-vmpi.sock")
vmrun() {	# out-dir [vm-run args...]
	local d=$1; shift
	selftests/vm/vm-run --kernel "$kernel" --no-load --out "$logs/$d" \
		--file "$O/vmpi-tests/guest_tests:/bin/guest_tests" "$@"
}
vmtap() {	# phase log [expected-fail-regex]: vm-run's PASS/FAIL lines as TAP
	local l
	while IFS= read -r l; do
		case $l in
		"PASS "*) ok 0 "$1: ${l#PASS }" ;;
		"FAIL "*)
			[[ -n ${3:-} && ${l#FAIL } =~ $3 ]] && continue
			ok 1 "$1: ${l#FAIL }" ;;
		"SKIP "*) n=$((n + 1)); echo "ok $n - $1: ${l#SKIP } # SKIP" ;;
		esac
	done <"$2"
}
# The guest suite of a vm-run -v log: its plan against its results.
guestcount() {	# log
	local p
	p=$(grep -m1 -oE '^1\.\.[0-9]+$' "$1" | cut -c4-) || true
	echo "${p:-none} $(grep -cE "^(PASS|FAIL|SKIP) $kre/guest_tests: " "$1" || true)"
}

# --- 2. QEMU killed under traffic -----------------------------------------------
if [[ $quick == 0 ]]; then
	rm -f "$work/qemu.pid"
	vmrun restart --timeout 120 --cmdline vmpi_tests=traffic \
		"${doorbell[@]}" --qemu-arg -device \
		--qemu-arg ivshmem-doorbell,chardev=v0,vectors=2 \
		--qemu-arg -pidfile --qemu-arg "$work/qemu.pid" \
		-v "$O/vmpi-tests/guest_tests" >"$logs/restart.out" 2>&1 &
	vpid=$!
	# Let the guest boot and run traffic for a while, then kill its QEMU.
	for _ in $(seq 600); do
		grep -q 'traffic' "$logs/hostpeer.log" 2>/dev/null && break
		sleep 0.1
	done
	sleep 2
	qpid=$(cat "$work/qemu.pid" 2>/dev/null || true)
	killed=1
	[[ -n $qpid ]] && kill -9 "$qpid" && killed=0
	rc=0
	wait "$vpid" || rc=$?
	vpid=
	for _ in $(seq 50); do
		grep -q 'session 1 ended' "$logs/hostpeer.log" && break
		sleep 0.1
	done
	echoed=$(sed -n 's/.*session 1 ended.*echoed \([0-9]*\).*/\1/p' "$logs/hostpeer.log")
	ok "$([[ $killed == 0 && ${echoed:-0} -gt 0 ]]; echo $?)" \
		"QEMU killed under traffic ($echoed messages echoed): host peer saw the reset"
	ok "$(kill -0 $dpid 2>/dev/null && kill -0 $hpid 2>/dev/null; echo $?)" \
		"vale-vmpi and the host peer are still running"
	# That boot's verdicts: the guest's results up to the kill and the
	# kernel log.  Our kill is what ended the test and the VM, so only
	# vm-run's "did not finish" verdicts are expected failures.
	vmtap restart "$logs/restart.out" "^$kre/(guest_tests \(did not finish|vm \()"
	# In traffic mode the guest writes its TAP straight to the side
	# channel (the VM is killed before the harness would relay it): vm-run
	# shows those lines (side.tagged, "D") but never takes them as
	# results, so they are counted here, and a "not ok" among them fails.
	rt=$logs/restart/side.tagged
	plan=$(sed -n $'s/^D\t1\.\.\([0-9]*\)$/\\1/p' "$rt" 2>/dev/null | head -n 1)
	got=$(grep -cE $'^D\t(not )?ok ' "$rt" 2>/dev/null || true)
	rbad=$(grep -cE $'^D\tnot ok ' "$rt" 2>/dev/null || true)
	plan=${plan:-none}
	ok "$([[ $killed == 0 && $rc != 0 && $got == "$plan" && $rbad == 0 ]] &&
		grep -qE "^(PASS|FAIL) $kre/kernel-log" "$logs/restart.out" &&
		grep -q "^FAIL $kver/guest_tests (did not finish" "$logs/restart.out"; echo $?)" \
		"restart: the guest ran its plan ($got of $plan results) and traffic until the kill; kernel log scanned (vm-run exit $rc)"
fi

# --- 2b. vale-vmpi killed under an attached QEMU and started again -------------
# QEMU's ivshmem-doorbell reads the server's memory and eventfds once, when
# the device is created, and takes no second memory (QEMU 7.2 does not even
# reconnect with reconnect=1 on the chardev): a running VM's channels stay
# dead until that VM's QEMU starts again, and the next QEMU gets fresh
# memory from the new daemon.  A QEMU without a guest (-S) is enough for
# the server protocol; phase 3's guest suite then runs on the new daemon.
qemu_s() {	# log: an ivshmem-doorbell QEMU that runs no guest; prints its pid
	qemu-system-x86_64 -S -display none -nodefaults -no-user-config -m 64M \
		-monitor none -serial none \
		-chardev "socket,id=v0,path=$work/t-vmpi.sock,reconnect=1" \
		-device ivshmem-doorbell,chardev=v0,vectors=2 >"$1" 2>&1 &
	echo $!
}
# the fd count of $1 once it stayed the same for 1 s (at most 10 s)
settled() {
	local a b=-1 same=0 i
	for ((i = 0; i < 100 && same < 5; i++)); do
		a=$(nofds "$1")
		if [[ $a == "$b" ]]; then same=$((same + 1)); else same=0; fi
		b=$a
		sleep 0.2
	done
	echo "$b"
}
# memfds of VM "t" held by the daemon and the host peer
tmemfds() { ls -l "/proc/$dpid/fd" "/proc/$hpid/fd" 2>/dev/null | grep -c 'memfd:vmpi-t' || true; }
connects() { grep -c 't: QEMU connected' "$1" 2>/dev/null || true; }
dlog=$logs/vale-vmpi.log
shm0=$(ls /dev/shm | sort | md5sum)
fdsb1=$(settled $dpid)
c0=$(connects "$dlog")
qa=$(qemu_s "$logs/qemu-a.log")
for _ in $(seq 50); do [[ $(connects "$dlog") -gt $c0 ]] && break; sleep 0.1; done
fdsa1=$(settled $dpid)
ok "$([[ $(connects "$dlog") -gt $c0 && $fdsa1 -gt $fdsb1 ]]; echo $?)" \
	"restart: a QEMU attached to vale-vmpi, the host peer opened its channels ($fdsb1 -> $fdsa1 fds)"
kill -9 $dpid
wait $dpid 2>/dev/null || true
dlog=$logs/vale-vmpi-2.log
$O/asan/vale-vmpi --dir "$work" --vm t --vm h -v >"$dlog" 2>&1 &
dpid=$!
for _ in $(seq 50); do grep -q 'control socket' "$dlog" 2>/dev/null && break; sleep 0.1; done
sleep 3
ok "$(kill -0 $dpid 2>/dev/null && kill -0 "$qa" 2>/dev/null && kill -0 $hpid 2>/dev/null &&
	[[ $(connects "$dlog") == 0 ]]; echo $?)" \
	"restart: vale-vmpi killed with SIGKILL and started again on its old sockets; the attached QEMU and the host peer keep running, the QEMU does not come back (ivshmem takes its memory once)"
kill -9 "$qa"
wait "$qa" 2>/dev/null || true
qb=$(qemu_s "$logs/qemu-b.log")
for _ in $(seq 50); do [[ $(connects "$dlog") -gt 0 ]] && break; sleep 0.1; done
fdsa2=$(settled $dpid)
ok "$([[ $(connects "$dlog") == 1 && $fdsa2 == "$fdsa1" ]]; echo $?)" \
	"restart: the VM's next QEMU gets the new daemon's memory; the new daemon holds as many fds as the old one did ($fdsa2, $fdsa1)"
kill -9 "$qb"
wait "$qb" 2>/dev/null || true
fdsb2=$(settled $dpid)
ok "$([[ $fdsb2 == "$fdsb1" && $(tmemfds) == 0 && $(ls /dev/shm | sort | md5sum) == "$shm0" ]]; echo $?)" \
	"restart: QEMU gone, nothing kept: $fdsb2 fds as before ($fdsb1), no memfd of the VM in the daemon or the host peer, /dev/shm unchanged"

# --- 3. the next VM: the guest suite --------------------------------------------
cmdline=
[[ -n $only ]] && cmdline="vmpi_tests=$only"
set +e
vmrun main --timeout 500 --test-timeout 400 ${cmdline:+--cmdline "$cmdline"} \
	"${doorbell[@]}" --qemu-arg -device --qemu-arg ivshmem-doorbell,chardev=v0,vectors=2 \
	--qemu-arg -object --qemu-arg memory-backend-memfd,id=plain,size=1M,share=on \
	--qemu-arg -device --qemu-arg ivshmem-plain,memdev=plain \
	-v "$O/vmpi-tests/guest_tests" >"$logs/main.out" 2>&1
rc=$?
set -e
[[ $verbose == 1 ]] && cat "$logs/main.out"
grep -E '^# (interrupts|hammer|chan)' "$logs/main.out" || true
vmtap main "$logs/main.out"
read -r plan got < <(guestcount "$logs/main.out")
ok "$([[ $got == "$plan" ]]; echo $?)" \
	"main: the guest suite ran its plan ($got of $plan results)"
ok "$([[ $rc == 0 ]] && grep -q "^PASS $kver/kernel-log" "$logs/main.out"; echo $?)" \
	"main: the VM ran to its end with a clean kernel log (vm-run exit $rc)"
# A failure's context: the end of what the guest suite printed.
if grep -q '^FAIL ' "$logs/main.out"; then
	grep -v '^PASS ' "$logs/main.out" | tail -n 80 | sed 's/^/# | /'
fi

ok "$(kill -0 $dpid 2>/dev/null; echo $?)" "vale-vmpi still running at the end"
# Stopped, the daemon frees everything: LeakSanitizer checks at exit.
kill "$hpid" 2>/dev/null || true
wait "$hpid" 2>/dev/null || true
hpid=
st=0
kill -TERM "$dpid" 2>/dev/null || true
wait "$dpid" || st=$?
dpid=
san=$(nsan "$dlog")
ok "$([[ $st == 0 && $san == 0 ]]; echo $?)" \
	"vale-vmpi (ASan+UBSan) stopped cleanly: exit $st, $san sanitizer report or leak lines"
echo "1..$n"
echo "# $((n - nfail)) passed, $nfail failed; logs in $logs"
[[ $nfail == 0 ]]
