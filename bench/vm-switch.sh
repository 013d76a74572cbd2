# SPDX-License-Identifier: GPL-2.0
#
# make bench, guest side: the switch against a Linux bridge in one VM.
# Prints one line "BENCH <case> <json>" per measurement; scripts/bench.sh
# turns them into bench/results/.  Run by vm-run with vale.ko loaded.
. /tests/lib.sh

D=${BENCH_SECONDS:-3}
LENS=${BENCH_LENS:-60 1514}
BATCHES=${BENCH_BATCHES:-1 4 16 64 256 512 1024}
FANOUT=${BENCH_FANOUT:-1 2 4 8}

set_batch() {	# kernel forwarding batch for switches created from now on
	p=/sys/module/vale/parameters/default_batch
	[ -w $p ] && echo "$1" >$p
}

# vale port -> vale port on a fresh switch per point.  Receiver and sender
# are pinned to different vCPUs, as are the bridge's endpoints below.
sw=0
for len in $LENS; do
	for b in $BATCHES; do
		sw=$((sw + 1))
		set_batch "$b"
		taskset -c 0 vale-pktgen rx -i vale$sw:rx -d $((D + 2)) -T 2 -j >/tmp/rx.json &
		sleep 0.3
		taskset -c 1 vale-pktgen tx -i vale$sw:tx -l $len -b $b -d $D -D 02:00:00:00:00:99 \
			-j >/tmp/tx.json
		wait
		echo "BENCH vale len=$len batch=$b $(cat /tmp/rx.json)"
		echo "BENCH vale-tx len=$len batch=$b $(cat /tmp/tx.json)"
	done
done
set_batch 512

# front-end -> vale-vhost -> vale switch -> vale-pktgen rx (issue #5): DPDK
# testpmd txonly on net_virtio_user (a vhost-user front-end, the guest's
# RAM is a memfd: --no-huge) into vale-vhost's vale-port mode.  Compared
# with vale port -> vale port above at the same length (bench/report.py).
# testpmd's forwarding lcore on vCPU 1, the receiver on vCPU 0; vale-vhost
# is not pinned.  Skipped when testpmd is not in the guest.
TP=/usr/bin/dpdk-testpmd
if [ -x $TP ] && command -v vale-vhost >/dev/null; then
	[ -d /var/run ] || { mkdir -p /var; ln -s /run /var/run; }
	plugins=
	for so in librte_net_virtio librte_mempool_ring; do
		f=$(ls /usr/lib/x86_64-linux-gnu/dpdk/pmds-*/$so.so* 2>/dev/null | head -n 1)
		[ -n "$f" ] && plugins="$plugins -d $f"
	done
	for len in $LENS; do
		sw=$((sw + 1))
		vale-vhost --vm vm1,path=/tmp/vb.sock,port=vale$sw:vm1 </dev/null \
			>/tmp/vb.out 2>/tmp/vb.log &
		vp=$!
		sleep 0.5
		taskset -c 0 vale-pktgen rx -i vale$sw:rx -j >/tmp/rx.json &
		rp=$!
		$TP -l 0,1 --main-lcore 0 --no-huge -m 256 --no-pci --file-prefix vb \
			$plugins --vdev net_virtio_user0,path=/tmp/vb.sock,queues=1 -- \
			--forward-mode=txonly --txpkts=$len --burst=32 --nb-cores=1 \
			--txq=1 --rxq=1 --stats-period 1 --total-num-mbufs=16384 \
			</dev/null >/tmp/tp.log 2>&1 &
		tp=$!
		i=0	# start-up under TCG takes a few seconds
		while [ $i -lt 120 ] && kill -0 $tp 2>/dev/null &&
		      ! grep -q 'TX-packets' /tmp/tp.log; do
			sleep 0.5
			i=$((i + 1))
		done
		sleep $D
		kill -INT $tp
		i=0
		while kill -0 $tp 2>/dev/null && [ $i -lt 40 ]; do
			sleep 0.5
			i=$((i + 1))
		done
		kill -9 $tp 2>/dev/null
		wait $tp
		sleep 0.5
		kill -INT $rp
		wait $rp
		kill $vp
		wait $vp
		sent=$(grep -o 'TX-packets: *[0-9]*' /tmp/tp.log | tail -n 1 | grep -o '[0-9]*$')
		diag "vhost-port len=$len: testpmd txonly sent ${sent:-?}"
		if grep -q '"packets":[1-9]' /tmp/rx.json; then
			echo "BENCH vhost-port len=$len $(cat /tmp/rx.json)"
		else
			diag "vhost-port len=$len: nothing received"
			sed 's/^/# /' /tmp/tp.log /tmp/vb.log | tail -n 20
		fi
	done
else
	diag "vhost-port: dpdk-testpmd or vale-vhost not in the guest, skipped"
fi

# fan-out: broadcast frames to N receivers.
for n in $FANOUT; do
	sw=$((sw + 1))
	i=0
	while [ $i -lt $n ]; do
		vale-pktgen rx -i vale$sw:r$i -d $((D + 2)) -T 2 -j >/tmp/fan$i.json &
		i=$((i + 1))
	done
	sleep 0.5
	vale-pktgen tx -i vale$sw:tx -l 60 -b 512 -d $D -j >/tmp/tx.json
	wait
	i=0
	while [ $i -lt $n ]; do
		echo "BENCH fanout n=$n rx=$i $(cat /tmp/fan$i.json)"
		i=$((i + 1))
	done
	echo "BENCH fanout-tx n=$n $(cat /tmp/tx.json)"
done

# Linux bridge with two veth pairs into two network namespaces
# ("containers"), the same two endpoints.
modprobe veth
modprobe bridge
ip link add br0 type bridge
ip link set br0 up
for c in a b; do
	ip netns add $c
	ip link add ${c}1 type veth peer name ${c}0 netns $c
	ip link set ${c}1 master br0
	ip link set ${c}1 up
	ip -n $c link set ${c}0 up
	ip -n $c link set lo up
done
ip -n a addr add 10.0.0.1/24 dev a0
ip -n b addr add 10.0.0.2/24 dev b0
ip netns exec a ping -c 1 -W 2 10.0.0.2 >/dev/null || diag "bridge ping failed"
for len in $LENS; do
	# raw AF_PACKET: sendmmsg + qdisc bypass, TPACKET_V3 ring.
	ip netns exec b taskset -c 0 vale-bench rx -t packet -i b0 -d $((D + 1)) -j >/tmp/rx.json &
	sleep 0.3
	ip netns exec a taskset -c 1 vale-bench tx -t packet -i a0 -l $len -b 512 -d $D -j >/tmp/tx.json
	wait
	echo "BENCH bridge-packet len=$len $(cat /tmp/rx.json)"
	echo "BENCH bridge-packet-tx len=$len $(cat /tmp/tx.json)"
	# UDP sockets: sendmmsg/recvmmsg through the stacks and the bridge.
	ip netns exec b taskset -c 0 vale-bench rx -t udp -B 10.0.0.2:4321 -d $((D + 1)) -j >/tmp/rx.json &
	sleep 0.3
	ip netns exec a taskset -c 1 vale-bench tx -t udp -a 10.0.0.2:4321 -l $len -b 512 -d $D -j >/tmp/tx.json
	wait
	echo "BENCH bridge-udp len=$len $(cat /tmp/rx.json)"
	echo "BENCH bridge-udp-tx len=$len $(cat /tmp/tx.json)"
done
# vale port -> switch -> attached veth -> UDP socket in a namespace (a
# "container"), against the same kind of receiver behind the Linux bridge
# above (bridge-udp).  vale-pktgen's frames go to 10.1.0.1:4321.
ip netns add c
ip link add c1 type veth peer name c0 netns c
ip -n c addr add 10.1.0.1/24 dev c0
ip -n c link set c0 up
ip -n c link set lo up
ip link set c1 up
vale-ctl switch add valen
vale-ctl attach valen c1
mac=$(ip -n c -o link show c0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
for len in $LENS; do
	ip netns exec c taskset -c 0 vale-bench rx -t udp -B 10.1.0.1:4321 -d $((D + 1)) -j >/tmp/rx.json &
	sleep 0.3
	taskset -c 1 vale-pktgen tx -i valen:gen -l $len -b 512 -d $D -D "$mac" -j >/tmp/tx.json
	wait
	echo "BENCH vale-netdev-udp len=$len $(cat /tmp/rx.json)"
	echo "BENCH vale-netdev-udp-tx len=$len $(cat /tmp/tx.json)"
done
vale-ctl detach c1
vale-ctl switch del valen
echo "1..1"
echo "ok 1 - benchmarks ran"
