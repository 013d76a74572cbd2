#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vale-vhost killed and started again under attached front-ends: two DPDK
# testpmd processes (net_virtio_user in server mode: they listen, as QEMU
# does with server=on) joined by vale-vhost in direct mode with `client`
# NICs.  txonly -> rxonly flows; vale-vhost is killed with SIGKILL (no
# clean-up at all) and started again; it reconnects to both, the
# front-ends set their queues up again and the frames flow again; the new
# daemon holds as many fds as the first one did in the same state, twice
# over (a second restart).  TAP on stdout.
#
#   selftests/vhost/restart.sh VALE_VHOST WORKDIR
#
# Needs what testpmd.sh needs (dpdk-testpmd, root, hugepages); skips
# otherwise.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
n=0 fail=0
ok() { n=$((n + 1)); if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=$((fail + 1)); fi; }
if ! why=$("$here/testpmd.sh" --hugepages); then
	echo "ok 1 - vale-vhost restart under testpmd front-ends # SKIP $why"
	echo "1..1"
	exit 0
fi
tp=$(command -v dpdk-testpmd)
vhost=$1 work=$2
mkdir -p "$work"

vpid="" tpids=()
cleanup() {
	local p
	for p in "${tpids[@]}"; do kill -INT "$p" 2>/dev/null; done
	[[ -n $vpid ]] && kill "$vpid" 2>/dev/null
	sleep 1
	for p in "${tpids[@]}" $vpid; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -f /dev/hugepages/vale-vhost-r* 2>/dev/null
}
trap cleanup EXIT

start_vhost() {	# generation
	"$vhost" --vm "tx,path=$work/tx.sock,direct=pr,client" \
		--vm "rx,path=$work/rx.sock,direct=pr,client" \
		--stats-socket "$work/stats.sock" \
		</dev/null >"$work/vhost$1.out" 2>"$work/vhost$1.log" &
	vpid=$!
}

stat() {	# vm key: a counter from the stats socket, or -1
	python3 - "$work/stats.sock" "$1" "$2" <<'PY' 2>/dev/null || echo -1
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(3)
s.connect(sys.argv[1])
b = b""
while True:
    c = s.recv(65536)
    if not c:
        break
    b += c
v = [x for x in json.loads(b)["vms"] if x["name"] == sys.argv[2]][0]
print(int(v[sys.argv[3]]))
PY
}

# rx_packets of "rx" grows by more than 1000 within 10 s
flowing() {
	local a b i
	a=$(stat rx rx_packets)
	for ((i = 0; i < 100; i++)); do
		sleep 0.1
		b=$(stat rx rx_packets)
		((a >= 0 && b - a > 1000)) && return 0
	done
	return 1
}

# both NICs connected within 15 s
connected() {
	local i
	for ((i = 0; i < 150; i++)); do
		[[ $(stat tx connected) == 1 && $(stat rx connected) == 1 ]] && return 0
		sleep 0.1
	done
	return 1
}

pmd() {	# name main-lcore mode
	"$tp" -l 0,1 --main-lcore "$2" --no-pci --file-prefix "vale-vhost-r$1" \
		--single-file-segments -m 256 \
		--vdev "net_virtio_user0,path=$work/$1.sock,queues=1,server=1" -- \
		--forward-mode="$3" --nb-cores=1 --txq=1 --rxq=1 \
		--total-num-mbufs=16384 --stats-period 1 \
		</dev/null >"$work/$1.log" 2>&1 &
	tpids+=($!)
}

nfds() { ls "/proc/$vpid/fd" 2>/dev/null | wc -l; }

rm -f "$work"/*.sock
pmd rx 1 rxonly
pmd tx 0 txonly
start_vhost 1
connected && flowing
ok $? "vale-vhost (client NICs) connects to two testpmd servers, frames flow"
sleep 1
fds1=$(nfds)
for gen in 2 3; do
	kill -9 "$vpid"
	wait "$vpid" 2>/dev/null
	start_vhost "$gen"
	connected && flowing
	ok $? "restart $((gen - 1)): vale-vhost killed with SIGKILL and started again: both front-ends reconnected, frames flow again"
	sleep 1
	f=$(nfds)
	[[ $f == "$fds1" ]]
	ok $? "restart $((gen - 1)): the new daemon holds $f fds, as the first did ($fds1)"
done
alive=1
for p in "${tpids[@]}"; do kill -0 "$p" 2>/dev/null || alive=0; done
[[ $alive == 1 ]]
ok $? "both testpmd processes still running"
[[ $(stat tx errors) == 0 && $(stat rx errors) == 0 ]]
ok $? "the last daemon counted no errors"
grep -ah 'error' "$work"/vhost*.log | head -n 5 | sed 's/^/# /'
echo "1..$n"
[[ $fail == 0 ]]
