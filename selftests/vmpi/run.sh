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
#      daemon and a libvale VMPI user (protocol, garbage, restart);
#   2. a guest runs traffic and its QEMU is killed (kill -9) under it;
#      the host peer must see the reset and carry on;
#   3. the next VM (MSI-X, plus an ivshmem-plain device without the magic)
#      runs the guest suite against the same host peer.
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
	-h|--help) sed -n '3,26s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

cd "$top"
make -s vmpi >&2
kver=$(selftests/vmpi/build-vmpi.sh "$kernel")
[[ -f build/$kver/vmpi.ko ]] || { echo "run.sh: no vmpi.ko" >&2; exit 2; }
O=build/user
logs=$top/build/vmpi/$kver
rm -rf "$logs"
mkdir -p "$logs"
work=$(mktemp -d "${TMPDIR:-/tmp}/vale-vmpi.XXXXXX")
dpid= hpid= vpid=

cleanup() {
	local p
	for p in $vpid $hpid $dpid; do
		kill "$p" 2>/dev/null || true
	done
	for p in $vpid $hpid $dpid; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

n=0 failed=0
tap() {	# status description
	n=$((n + 1))
	if [[ $1 == 0 ]]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

# The daemon serves VM "t" (real guests) and "h" (the host-only tests).
$O/qemu-backend/vale-vmpi --dir "$work" --vm t --vm h -v >"$logs/vale-vmpi.log" 2>&1 &
dpid=$!
for _ in $(seq 50); do [[ -S $work/vmpi.ctl ]] && break; sleep 0.1; done
tap "$([[ -S $work/vmpi.ctl ]]; echo $?)" "vale-vmpi is up"

# --- 1. host only ------------------------------------------------------------
set +e
timeout 120 $O/vmpi-tests/fakeguest --dir "$work" --vm h >"$logs/fakeguest.tap" 2>&1
rc=$?
set -e
sed -n 's/^\(not \)\{0,1\}ok [0-9]* - /&/p' "$logs/fakeguest.tap" | while IFS= read -r l; do
	echo "# fakeguest: $l"
done
tap "$rc" "host side: protocol, hostile guest, restart (fakeguest, exit $rc)"
tap "$(kill -0 $dpid 2>/dev/null; echo $?)" "vale-vmpi survived the hostile guest"

$O/vmpi-tests/hostpeer --ctl "$work/vmpi.ctl" --vm t >"$logs/hostpeer.log" 2>&1 &
hpid=$!

doorbell=(--qemu-arg -chardev --qemu-arg "socket,id=v0,path=$work/t-vmpi.sock")
vmrun() {	# out-dir [vm-run args...]
	local d=$1; shift
	selftests/vm/vm-run --kernel "$kernel" --no-load --out "$logs/$d" \
		--file "$O/vmpi-tests/guest_tests:/bin/guest_tests" "$@"
}
vmtap() {	# phase log: vm-run's PASS/FAIL lines as TAP
	local l
	while IFS= read -r l; do
		case $l in
		"PASS "*) tap 0 "$1: ${l#PASS }" ;;
		"FAIL "*) tap 1 "$1: ${l#FAIL }" ;;
		"SKIP "*) n=$((n + 1)); echo "ok $n - $1: ${l#SKIP } # SKIP" ;;
		esac
	done <"$2"
}

# --- 2. QEMU killed under traffic -----------------------------------------------
if [[ $quick == 0 ]]; then
	rm -f "$work/qemu.pid"
	vmrun restart --timeout 120 --cmdline vmpi_tests=traffic \
		"${doorbell[@]}" --qemu-arg -device \
		--qemu-arg ivshmem-doorbell,chardev=v0,vectors=2 \
		--qemu-arg -pidfile --qemu-arg "$work/qemu.pid" \
		"$O/vmpi-tests/guest_tests" >"$logs/restart.out" 2>&1 &
	vpid=$!
	# Let the guest boot and run traffic for a while, then kill its QEMU.
	for _ in $(seq 600); do
		grep -q 'traffic' "$logs/hostpeer.log" 2>/dev/null && break
		sleep 0.1
	done
	sleep 2
	qpid=$(cat "$work/qemu.pid" 2>/dev/null || true)
	[[ -n $qpid ]] && kill -9 "$qpid"
	wait "$vpid" || true
	vpid=
	for _ in $(seq 50); do
		grep -q 'session 1 ended' "$logs/hostpeer.log" && break
		sleep 0.1
	done
	echoed=$(sed -n 's/.*session 1 ended.*echoed \([0-9]*\).*/\1/p' "$logs/hostpeer.log")
	tap "$([[ -n $qpid && ${echoed:-0} -gt 0 ]]; echo $?)" \
		"QEMU killed under traffic ($echoed messages echoed): host peer saw the reset"
	tap "$(kill -0 $dpid 2>/dev/null && kill -0 $hpid 2>/dev/null; echo $?)" \
		"vale-vmpi and the host peer are still running"
fi

# --- 3. the next VM: the guest suite --------------------------------------------
cmdline=
[[ -n $only ]] && cmdline="vmpi_tests=$only"
set +e
vmrun main --timeout 500 --test-timeout 400 ${cmdline:+--cmdline "$cmdline"} \
	"${doorbell[@]}" --qemu-arg -device --qemu-arg ivshmem-doorbell,chardev=v0,vectors=2 \
	--qemu-arg -object --qemu-arg memory-backend-memfd,id=plain,size=1M,share=on \
	--qemu-arg -device --qemu-arg ivshmem-plain,memdev=plain \
	-v "$O/vmpi-tests/guest_tests" >"$logs/main.out" 2>&1
set -e
[[ $verbose == 1 ]] && cat "$logs/main.out"
grep -E '^# (interrupts|hammer|chan)' "$logs/main.out" || true
vmtap main "$logs/main.out"
# A failure's context: the end of what the guest suite printed.
if grep -q '^FAIL ' "$logs/main.out"; then
	grep -v '^PASS ' "$logs/main.out" | tail -n 80 | sed 's/^/# | /'
fi

tap "$(kill -0 $dpid 2>/dev/null; echo $?)" "vale-vmpi still running at the end"
echo "1..$n"
echo "# $((n - failed)) passed, $failed failed; logs in $logs"
[[ $failed == 0 ]]
