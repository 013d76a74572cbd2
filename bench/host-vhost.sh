#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, part "vhost" (host): vale-vhost against DPDK's own vhost-user
# backend, both driven by the same two DPDK testpmd virtio-user front-ends
# (txonly -> rxonly), side by side in one run:
#
#   vale   tx front-end -> vale-vhost, direct mode -> rx front-end
#   dpdk   tx front-end -> testpmd with two net_vhost ports, io forwarding
#          (port 0 <-> port 1) -> rx front-end
#
# Prints one line per measurement:
#   BENCH vhost-vale len=64 {"pps":...,"gbps":...,...}
#   BENCH vhost-dpdk len=64 {...}
# "pps" is what the rx front-end received (testpmd's Rx-pps, averaged over
# the measurement); "gbps" is pps * len * 8.  bench/report.py turns them
# into bench/results/vhost-<len>B.json.
#
#   bench/host-vhost.sh [VALE_VHOST]
#
# Environment: VHOST_BENCH_SECONDS (default 5), VHOST_BENCH_LENS (default
# "64 1518"), O (build directory, default build/user), KEEP=1 keeps logs.
# Needs root, dpdk-testpmd with the virtio and vhost PMDs, and 2 MiB
# hugepages (reserved through selftests/vhost/testpmd.sh --hugepages).
#
# CPU placement on a 2-core machine: each testpmd has a main lcore and one
# forwarding lcore; the tx front-end forwards on core 1, the rx front-end
# on core 0, and the backend under test shares core 0 with the receiver
# (vale-vhost pinned there with taskset, the net_vhost testpmd's forwarding
# lcore is 0).  Both backends get exactly the same placement.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-build/user}
secs=${VHOST_BENCH_SECONDS:-5}
lens=${VHOST_BENCH_LENS:-64 1518}
qsize=${VHOST_BENCH_QSIZE:-1024}
cd "$top"

if [[ $# -ge 1 ]]; then
	vhost=$1
else
	make -s "$O/qemu-backend/vale-vhost" >&2 || exit 1
	vhost=$top/$O/qemu-backend/vale-vhost
fi
why=$(selftests/vhost/testpmd.sh --hugepages) || {
	echo "host-vhost: $why" >&2
	exit 1
}
ls /usr/lib/x86_64-linux-gnu/dpdk/pmds-*/librte_net_vhost.so* >/dev/null 2>&1 || {
	echo "host-vhost: vhost PMD not installed (librte-net-vhost23)" >&2
	exit 1
}
tp=$(command -v dpdk-testpmd)

work=$(mktemp -d "${TMPDIR:-/tmp}/vale-vhost-bench.XXXXXX")
pids=()
stop_all() {
	local p
	for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do
		for _ in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	pids=()
	rm -f /dev/hugepages/vale-vhost-bench-* 2>/dev/null
}
cleanup() {
	stop_all
	if [[ ${KEEP:-0} == 1 ]]; then
		echo "host-vhost: logs kept in $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# A testpmd with one port: main lcore $2, forwarding lcore the other one.
pmd() {	# dir name main-lcore mode len
	"$tp" -l 0,1 --main-lcore "$3" --no-pci --file-prefix "vale-vhost-bench-$2" \
		--single-file-segments -m 128 \
		--vdev "net_virtio_user0,path=$1/$2.sock,queues=1,queue_size=$qsize" -- \
		--forward-mode="$4" --txpkts="$5" --nb-cores=1 --stats-period 1 \
		--txq=1 --rxq=1 --rxd=$qsize --txd=$qsize --total-num-mbufs=16384 </dev/null >"$1/$2.log" 2>&1 &
	pids+=($!)
}

wait_for() {	# seconds command...: poll until the command succeeds
	local t=$(($1 * 10))
	shift
	while ((t-- > 0)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

rx_pps() { grep -a 'Rx-pps:' "$1" | awk '{ print $2 }'; }
rx_started() { rx_pps "$1" | grep -q '[1-9]'; }
both_sockets() { [[ -S $1/tx.sock && -S $1/rx.sock ]]; }

run() {	# backend len
	local b=$1 len=$2 d=$work/$1-$2 n0 js
	mkdir -p "$d"
	if [[ $b == vale ]]; then
		taskset -c 0 "$vhost" --vm "tx,path=$d/tx.sock,direct=p" \
			--vm "rx,path=$d/rx.sock,direct=p" \
			</dev/null >"$d/backend.out" 2>"$d/backend.log" &
	else
		"$tp" -l 0,1 --main-lcore 1 --no-pci --file-prefix vale-vhost-bench-bk \
			--single-file-segments -m 128 \
			--vdev "net_vhost0,iface=$d/tx.sock,queues=1" \
			--vdev "net_vhost1,iface=$d/rx.sock,queues=1" -- \
			--forward-mode=io --nb-cores=1 --stats-period 1 --txq=1 --rxq=1 \
			--total-num-mbufs=16384 \
			</dev/null >"$d/backend.log" 2>&1 &
	fi
	pids+=($!)
	wait_for 20 both_sockets "$d" || {
		echo "host-vhost: $b backend did not create its sockets" >&2
		tail -n 5 "$d/backend.log" >&2
		stop_all
		return 1
	}
	pmd "$d" rx 1 rxonly "$len"
	sleep 1
	pmd "$d" tx 0 txonly "$len"
	if ! wait_for 30 rx_started "$d/rx.log"; then
		echo "host-vhost: $b len=$len: nothing received" >&2
		tail -n 5 "$d/tx.log" "$d/rx.log" "$d/backend.log" >&2
		stop_all
		return 1
	fi
	sleep 1				# warm-up
	n0=$(rx_pps "$d/rx.log" | wc -l)
	sleep "$secs"
	[[ $b == vale ]] && kill -USR1 "${pids[0]}" && sleep 0.3
	rx_pps "$d/rx.log" | tail -n +$((n0 + 1)) >"$d/samples"
	js=$(python3 - "$d" "$len" "$b" <<'EOF'
import json, re, sys
d, length, b = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = [int(x) for x in open(d + "/samples").read().split()]
pps = sum(s) / len(s) if s else 0.0
tx = [int(m) for m in re.findall(r"Tx-pps: *(\d+)", open(d + "/tx.log").read())]
r = {"pps": round(pps), "gbps": round(pps * length * 8 / 1e9, 3),
     "samples": len(s), "min_pps": min(s, default=0), "max_pps": max(s, default=0),
     "tx_pps": tx[-1] if tx else None}
if b == "vale":
    try:
        st = json.loads(open(d + "/backend.out").read().splitlines()[-1])
        v = {x["name"]: x for x in st["vms"]}
        r.update(kicks=v["tx"]["kicks"], interrupts=v["rx"]["interrupts"],
                 rx_drops=v["rx"]["rx_drops"], errors=v["tx"]["errors"] + v["rx"]["errors"])
    except (IndexError, ValueError, KeyError):
        pass
print(json.dumps(r, separators=(",", ":")))
EOF
)
	stop_all
	echo "BENCH vhost-$b len=$len $js"
}

rc=0
for len in $lens; do
	for b in vale dpdk; do
		run "$b" "$len" || rc=1
	done
done
exit $rc
