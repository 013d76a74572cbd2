# SPDX-License-Identifier: GPL-2.0
#
# make bench, guest side: vale-pktgen's own figures in one VM (the batch
# sweep, vale-vhost's port into the switch, fan-out); every comparison
# with another mechanism is the framework's (tools/vale-bench).
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
		stop_int $tp
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

# The Linux bridge, the attached veth and every other mechanism are
# compared by the framework (tools/vale-bench, bench/standard.yaml), which
# scripts/bench.sh runs as its part "framework".
echo "1..1"
echo "ok 1 - benchmarks ran"
