#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Third-party front-end: two DPDK testpmd processes with net_virtio_user
# (a real vhost-user front-end, no VM) joined by vale-vhost in direct mode.
# One runs txonly, the other rxonly; packets must flow.  TAP on stdout.
#
#   selftests/vhost/testpmd.sh VALE_VHOST WORKDIR [SECONDS]
#   selftests/vhost/testpmd.sh --hugepages
#
# Needs dpdk-testpmd (Debian: dpdk-dev, librte-net-virtio23), root and 2 MiB
# hugepages (reserved here if none are free: 512 pages, hugetlbfs mounted on
# /dev/hugepages if nothing is).  Skips otherwise.  The rate printed is a
# diagnostic, not a pass criterion (see make bench).
#
# With --hugepages: only check dpdk-testpmd and set up the hugepages (as
# above), print why not on stdout and exit 1 if that is impossible; used by
# bench/host-vhost.sh.
set -uo pipefail

n=0 fail=0
ok() { n=$((n + 1)); if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=$((fail + 1)); fi; }
skip_all() { echo "1..0 # SKIP $1"; echo "ok 1 - testpmd front-ends # SKIP $1"; exit 0; }
[[ ${1:-} == --hugepages ]] && skip_all() { echo "$1"; exit 1; }

tp=$(command -v dpdk-testpmd) || skip_all "dpdk-testpmd not installed (dpdk-dev)"
[[ $(id -u) == 0 ]] || skip_all "needs root for hugepages"
ls /usr/lib/x86_64-linux-gnu/dpdk/pmds-*/librte_net_virtio.so* >/dev/null 2>&1 ||
	skip_all "virtio PMD not installed (librte-net-virtio23)"

# files left by an earlier run that was killed hold pages
rm -f /dev/hugepages/vale-vhost-* 2>/dev/null
free=$(awk '/HugePages_Free/ { print $2 }' /proc/meminfo)
if [[ ${free:-0} -lt 256 ]]; then
	echo 512 >/proc/sys/vm/nr_hugepages 2>/dev/null
	free=$(awk '/HugePages_Free/ { print $2 }' /proc/meminfo)
fi
[[ ${free:-0} -ge 256 ]] || skip_all "cannot reserve hugepages"
if ! grep -q hugetlbfs /proc/mounts; then
	mkdir -p /dev/hugepages
	mount -t hugetlbfs nodev /dev/hugepages || skip_all "cannot mount hugetlbfs"
fi
[[ ${1:-} == --hugepages ]] && exit 0

vhost=$1 work=$2 secs=${3:-5}

mkdir -p "$work"
"$vhost" --vm "tx,path=$work/tx.sock,direct=pmd" --vm "rx,path=$work/rx.sock,direct=pmd" \
	</dev/null >"$work/vhost.out" 2>"$work/vhost.log" &
vpid=$!
tpids=()
cleanup() {
	local p
	for p in "${tpids[@]}" "$vpid"; do kill -INT "$p" 2>/dev/null; done
	sleep 1
	for p in "${tpids[@]}" "$vpid"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -f /dev/hugepages/vale-vhost-* 2>/dev/null
}
trap cleanup EXIT
sleep 0.5

# Each testpmd: a main lcore and one forwarding lcore, different per
# process; interactive, its commands from a FIFO, so that forwarding stops
# ("stop" prints the totals) while the port stays open.
pmd() {	# name main-lcore mode
	mkfifo "$work/$1.in"
	"$tp" -l 0,1 --main-lcore "$2" --no-pci --file-prefix "vale-vhost-$1" \
		--single-file-segments -m 256 \
		--vdev "net_virtio_user0,path=$work/$1.sock,queues=1" -- \
		-i --auto-start --forward-mode="$3" --nb-cores=1 --txq=1 --rxq=1 \
		--total-num-mbufs=16384 \
		<"$work/$1.in" >"$work/$1.log" 2>&1 &
	tpids+=($!)
	exec {fd}>"$work/$1.in"
	eval "in_$1=$fd"
}
cmd() {	# name command
	local fd
	eval "fd=\$in_$1"
	echo "$2" >&"$fd"
}
wait_log() {	# name pattern seconds
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -q "$2" "$work/$1.log" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
pmd rx 1 rxonly
# frames for a peer that is not connected yet are dropped: start the
# sender once the receiver forwards, at most 60 s
wait_log rx 'Start automatic packet forwarding' 60
sleep 0.5
pmd tx 0 txonly
wait_log tx 'Start automatic packet forwarding' 60
sleep "$secs"
# The sender stops first; what is still in its ring goes on to the
# receiver, which stops once nothing is left in flight.
cmd tx stop
wait_log tx 'Accumulated forward statistics' 10
sleep 1
cmd rx stop
wait_log rx 'Accumulated forward statistics' 10
# the counters with both front-ends stopped but still connected
kill -USR1 "$vpid"
sleep 0.3
cmd tx quit
cmd rx quit
for p in "${tpids[@]}"; do
	for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
done

grep -q 'Port 0: ' "$work/tx.log" && ! grep -q 'EAL: .*[Ee]rror\|Cannot\|Failed' "$work/tx.log"
ok $? "txonly testpmd attached through net_virtio_user"
rx=$(grep -o 'RX-packets: *[0-9]*' "$work/rx.log" | tail -n 1 | grep -o '[0-9]*$')
tx=$(grep -o 'TX-packets: *[0-9]*' "$work/tx.log" | tail -n 1 | grep -o '[0-9]*$')
echo "# txonly sent ${tx:-?}, rxonly received ${rx:-?} in about ${secs}s"
[[ ${rx:-0} -gt 1000 ]]
ok $? "rxonly testpmd received the txonly testpmd's packets through vale-vhost"
s=$(tail -n 1 "$work/vhost.out")
# Direct mode drops only what it counts (peer full for 200 ms, or absent):
# testpmd's TX == vale-vhost's tx delivered + tx_drops, every delivered
# frame is in rx's ring (rx_packets) and testpmd's RX is what was put there.
python3 - "$s" "$secs" "${tx:-0}" "${rx:-0}" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
v = {x["name"]: x for x in d["vms"]}
t, r = v["tx"], v["rx"]
tpm_tx, tpm_rx = int(sys.argv[3]), int(sys.argv[4])
print("# vale-vhost: tx consumed %d, tx drops %d, rx delivered %d, rx drops %d, ~%.2f Mpps delivered, "
      "%d kicks, %d interrupts" % (t["tx_packets"], t["tx_drops"], r["rx_packets"],
      r["rx_drops"], r["rx_packets"] / float(sys.argv[2]) / 1e6, t["kicks"], r["interrupts"]))
ok = t["errors"] == 0 and r["errors"] == 0 and t["tx_errors"] == 0 and \
    t["tx_packets"] + t["tx_drops"] == tpm_tx and \
    t["tx_packets"] == r["rx_packets"] and \
    r["rx_packets"] == tpm_rx
sys.exit(0 if ok else 1)
EOF
ok $? "books: testpmd TX == delivered + tx_drops, delivered == rx_packets == testpmd RX, no errors"
kill -0 "$vpid" 2>/dev/null
ok $? "vale-vhost still running"
grep -a 'error' "$work/vhost.log" | head -n 5 | sed 's/^/# /'
echo "1..$n"
[[ $fail == 0 ]]
