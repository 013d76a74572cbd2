#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vale-port mode with a third-party front-end: DPDK testpmd's
# net_virtio_user -> vale-vhost -> vale0 -> vale-pktgen rx, and back
# (vale-pktgen tx -> vale0 -> vale-vhost -> testpmd rxonly).  Runs inside
# the test VM, where vale.ko is loaded, e.g.:
#
#   P=/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0
#   selftests/vm/vm-run \
#     --file build/user/qemu-backend/vale-vhost:/bin/vale-vhost \
#     --file build/user/tools/vale-pktgen:/bin/vale-pktgen \
#     --file build/user/tools/vale-ctl:/bin/vale-ctl \
#     --bin /usr/bin/dpdk-testpmd \
#     --file $P/librte_net_virtio.so.23.0:$P/librte_net_virtio.so.23.0 \
#     --file $P/librte_mempool_ring.so.23.0:$P/librte_mempool_ring.so.23.0 \
#     selftests/vhost/vale-port-testpmd.sh
#
# --bin copies testpmd and the libraries ldd names (among them the buses and
# the PMDs it links); the virtio PMD and the ring mempool driver are plugins
# and are passed with -d.  The guest has no hugepages: testpmd runs with
# --no-huge (its memory is then a memfd, which vale-vhost can map).
# Skips when dpdk-testpmd or the plugins are not in the guest.
#
# The books must balance (Documentation/vm-attach.md): what testpmd
# transmitted is received by vale-pktgen or counted as a drop (vale-vhost's
# tx_drops, drop_* of vale0:sink), and what vale-pktgen sent is received by
# testpmd or counted (vale0:vm1's drop_ring_full, vale-vhost's rx_drops).
. /tests/lib.sh

T="front-end testpmd through vale-vhost and vale0"
tp=/usr/bin/dpdk-testpmd
plan 9
if [ ! -x $tp ]; then
	skip "$T" "dpdk-testpmd not in the guest (vm-run --bin /usr/bin/dpdk-testpmd)"
	i=1
	while [ $i -lt 9 ]; do skip "$T ($i)" "no dpdk-testpmd"; i=$((i + 1)); done
	done_testing
	exit 0
fi
plugins=
for so in librte_net_virtio librte_mempool_ring; do
	f=$(ls /usr/lib/x86_64-linux-gnu/dpdk/pmds-*/$so.so* 2>/dev/null | head -n 1)
	if [ -z "$f" ]; then
		skip "$T" "$so not in the guest (vm-run --file)"
		i=1
		while [ $i -lt 9 ]; do skip "$T ($i)" "no $so"; i=$((i + 1)); done
		done_testing
		exit 0
	fi
	plugins="$plugins -d $f"
done
# EAL keeps its runtime files under /var/run/dpdk.
[ -d /var/run ] || { mkdir -p /var; ln -s /run /var/run; }

# testpmd MODE LOG: lcore 0 main, lcore 1 forwards.
testpmd() {
	$tp -l 0,1 --main-lcore 0 --no-huge -m 256 --no-pci --file-prefix vp \
		$plugins --vdev net_virtio_user0,path=/tmp/vm1.sock,queues=1 -- \
		--forward-mode=$1 --nb-cores=1 --txq=1 --rxq=1 --stats-period 1 \
		--total-num-mbufs=16384 </dev/null >$2 2>&1 &
	tpid=$!
}
# up LOG: wait (60 s under TCG) until testpmd prints its first statistics.
up() {
	i=0
	while [ $i -lt 120 ]; do
		grep -q 'RX-packets' $1 && return 0
		kill -0 $tpid 2>/dev/null || return 1
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}
# last COUNTER LOG: the last value of "COUNTER: n" (the accumulated block)
last() { grep -o "$1: *[0-9]*" $2 | tail -n 1 | grep -o '[0-9]*$'; }
# ports FILE: vale0's ports into FILE (vale_ports); vstat VM KEY:
# vhost_stat of this test's vale-vhost (/tests/lib.sh)
ports() { vale_ports vale0 >"$1"; }
vstat() { vhost_stat $vp /tmp/vhost.out "$@"; }

vale-vhost --vm vm1,path=/tmp/vm1.sock,port=vale0:vm1 </dev/null >/tmp/vhost.out 2>/tmp/vhost.log &
vp=$!
sleep 0.5

# testpmd txonly -> vale-vhost -> vale0 -> vale-pktgen rx (unknown unicast
# destination 02:00:00:00:00:00: flooded to every port).
taskset -c 0 vale-pktgen rx -i vale0:sink -j >/tmp/rx.json 2>&1 &
rp=$!
testpmd txonly /tmp/tx.log
ok "testpmd txonly starts on net_virtio_user through vale-vhost" up /tmp/tx.log
sleep 3
stop_int $tpid
sleep 0.5
ports /tmp/ports1.json
kill -INT $rp
wait $rp
sent=$(last TX-packets /tmp/tx.log)
got=$(sed -n 's/.*"packets":\([0-9]*\).*/\1/p' /tmp/rx.json | head -n 1)
pps=$(sed -n 's/.*"pps":\([0-9.]*\).*/\1/p' /tmp/rx.json | head -n 1)
vtx=$(vstat vm1 tx_packets) vdrop=$(vstat vm1 tx_drops)
sdrop=$(port_drops /tmp/ports1.json sink)
diag "testpmd txonly sent ${sent:-?}, vale-vhost took ${vtx:-?} and dropped ${vdrop:-?}; vale-pktgen rx on vale0:sink got ${got:-?} (${pps:-?} pps), vale0:sink drops ${sdrop:-?}"
ok "testpmd transmitted frames" test "${sent:-0}" -gt 0
is "$((${vtx:-0} + ${vdrop:-0}))" "${sent:-x}" \
	"vale-vhost delivered + dropped == testpmd's TX-packets"
is "$((${got:-0} + ${sdrop:-0}))" "${vtx:-x}" \
	"vale0:sink received + its drops == what vale-vhost delivered to vale0:vm1"

# vale-pktgen tx -> vale0 -> vale-vhost -> testpmd rxonly
testpmd rxonly /tmp/rxonly.log
ok "testpmd rxonly starts on net_virtio_user through vale-vhost" up /tmp/rxonly.log
pgtx() { taskset -c 0 vale-pktgen tx "$@" >/tmp/tx2.out 2>&1; }
ok "vale-pktgen sends 2000 frames into vale0" pgtx -i vale0:src -n 2000 -R 5000
# What testpmd has no buffer for waits in vale0:vm1's rx ring: read the
# books only once vale-vhost has taken everything the switch put there
# (at most 60 s under TCG), and testpmd had a moment to poll the last.
i=0
while [ $i -lt 120 ]; do
	ports /tmp/ports2.json
	prx=$(port_stat /tmp/ports2.json vm1 rx_packets)
	vrx=$(($(vstat vm1 rx_packets) + $(vstat vm1 rx_drops)))
	[ "${prx:-x}" = "$vrx" ] && break
	sleep 0.5
	i=$((i + 1))
done
diag "vale0:vm1 rx_packets ${prx:-?}, vale-vhost rx_packets + rx_drops $vrx after $((i / 2)) s"
sleep 2
ports /tmp/ports2.json
vrdrop=$(vstat vm1 rx_drops)
stop_int $tpid
rcv=$(last RX-packets /tmp/rxonly.log)
rdrop=$(port_stat /tmp/ports2.json vm1 drop_ring_full)
diag "testpmd rxonly received ${rcv:-?} of 2000 frames from vale0:src; vale0:vm1 drop_ring_full ${rdrop:-?}, vale-vhost rx_drops ${vrdrop:-?}"
is "$((${rcv:-0} + ${rdrop:-0} + ${vrdrop:-0}))" 2000 \
	"testpmd received + vale0:vm1 drop_ring_full + vale-vhost rx_drops == 2000 sent"
is "$(port_stat /tmp/ports2.json vm1 rx_packets)" "${rcv:-x}" \
	"vale0:vm1's rx_packets == what testpmd received"

ok "vale-vhost still running" kill -0 $vp
kill -USR1 $vp
sleep 0.3
tail -n 1 /tmp/vhost.out | sed 's/^/# /'
kill $vp
wait $vp
grep error /tmp/vhost.log | sed 's/^/# /'
for f in /tmp/tx.log /tmp/rxonly.log; do
	grep -a 'EAL:.*[Ee]rror\|Cannot\|Fail' $f | head -n 3 | sed 's/^/# /'
done
done_testing
