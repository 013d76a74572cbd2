# SPDX-License-Identifier: GPL-2.0
#
# make bench, part "chain" (guest side): chains of N = 1, 2, 4, 8
# forwarders (vale-pktgen fwd), vale-pktgen tx on switch s0 -> fwd_1 ->
# s1 -> ... -> fwd_N -> sN -> vale-pktgen rx; every switch has two ports,
# w and e.  Three variants of the same chain, alternated point by point in
# every round:
#   fast   lookup rules, "in w output e" and "in e output w": a pair whose
#          ends take the fast path (no lookup)
#   slow   the same pair, each end decided by two rules (its IPv4 frames,
#          then everything): still a pair, but the lookup runs per frame
#   learn  the learning bridge (two ports: a pair without fast path)
# Per point: throughput at 60 and 1514 bytes (the sender flat out), and
# ping <-> pong round trips through the chain.  CPU: every vale-pktgen
# reports its getrusage time; the chain's CPU is the forwarders' and the
# receiver's, plus the guest's softirq ticks (/proc/stat), per million
# frames delivered.  The guest has 2 vCPUs: the sender (and ping) on vCPU
# 0, forwarders and the receiver (pong) share vCPU 1, all blocking in
# poll.  Prints "BENCH chain-* ..." lines for bench/chain.py.
. /tests/lib.sh

D=${BENCH_SECONDS:-1}
ROUNDS=${BENCH_ROUNDS:-3}
CHAIN=${BENCH_CHAIN:-1 2 4 8}
VC=vale-ctl

softirq() { awk '$1 == "cpu" { print $8 }' /proc/stat; }

# setup VARIANT N: switches valeVN_0..valeVN_N with their rules
setup() {
	k=0
	while [ $k -le $2 ]; do
		s=vale$1$2_$k
		case $1 in
		learn) $VC switch add $s lookup learning ;;
		fast)
			$VC switch add $s lookup rules
			$VC rule add $s id 1 in w action output e
			$VC rule add $s id 2 in e action output w
			;;
		slow)
			$VC switch add $s lookup rules
			$VC rule add $s id 1 prio 10 in w type 0x0800 action output e
			$VC rule add $s id 2 in w action output e
			$VC rule add $s id 3 prio 10 in e type 0x0800 action output w
			$VC rule add $s id 4 in e action output w
			;;
		esac
		k=$((k + 1))
	done
}

# fwds VARIANT N: start the N forwarders on vCPU 1
fwds() {
	fp=
	i=1
	while [ $i -le $2 ]; do
		taskset -c 1 vale-pktgen fwd -i vale$1$2_$((i - 1)):e -o vale$1$2_$i:w \
			-j >/tmp/fwd$i.json 2>/tmp/fwd$i.err &
		fp="$fp $!"
		i=$((i + 1))
	done
}

# ports VARIANT N: wait until the chain's ports but the sender's are open
ports() {
	t=0
	while [ $t -lt 100 ]; do
		n=0
		k=0
		while [ $k -le $2 ]; do
			c=$($VC -j switch show vale$1$2_$k | sed -n 's/.*"ports":\([0-9]*\).*/\1/p')
			n=$((n + ${c:-0}))
			k=$((k + 1))
		done
		[ $n -ge $((2 * $2 + 1)) ] && return 0
		sleep 0.1
		t=$((t + 1))
	done
	diag "chain $1 $2: ports did not come up"
}

stopfwds() {	# TAG: SIGINT the forwarders, print their results
	kill -INT $fp 2>/dev/null
	wait $fp 2>/dev/null
	i=1
	for p in $fp; do
		echo "BENCH chain-fwd $1 i=$i $(cat /tmp/fwd$i.json)"
		i=$((i + 1))
	done
}

for v in fast slow learn; do
	for n in $CHAIN; do
		setup $v $n >/dev/null
	done
done

r=1
while [ $r -le $ROUNDS ]; do
	for n in $CHAIN; do
		for v in fast slow learn; do
			last=vale$v${n}_$n
			for len in 60 1514; do
				tag="round=$r variant=$v n=$n len=$len"
				fwds $v $n
				taskset -c 1 vale-pktgen rx -i $last:e -d $((D + 3)) -T 1 -j >/tmp/rx.json 2>&1 &
				rp=$!
				ports $v $n
				s0=$(softirq)
				taskset -c 0 vale-pktgen tx -i vale$v${n}_0:w -l $len -d $D \
					-D 02:00:00:00:00:99 -j >/tmp/tx.json 2>&1
				wait $rp
				s1=$(softirq)
				np=$($VC -j switch show vale$v${n}_0 | sed -n 's/.*"npairs":\([0-9]*\).*/\1/p')
				echo "BENCH chain-tx $tag $(cat /tmp/tx.json)"
				echo "BENCH chain-rx $tag softirq_ticks=$((s1 - s0)) pairs_s0=${np:-?} $(cat /tmp/rx.json)"
				stopfwds "$tag"
			done
			tag="round=$r variant=$v n=$n len=60"
			fwds $v $n
			taskset -c 1 vale-pktgen pong -i $last:e -T 2 -d $((D + 5)) -j >/tmp/pong.json 2>&1 &
			pp=$!
			ports $v $n
			taskset -c 0 vale-pktgen ping -i vale$v${n}_0:w -d $D -T 0.5 -j >/tmp/ping.json 2>&1
			kill -INT $pp 2>/dev/null
			wait $pp
			echo "BENCH chain-ping $tag $(cat /tmp/ping.json)"
			stopfwds "$tag" >/dev/null
		done
	done
	r=$((r + 1))
done
echo "1..1"
echo "ok 1 - chain benchmarks ran"
