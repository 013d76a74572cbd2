# SPDX-License-Identifier: GPL-2.0
#
# make bench-ab, guest side: the old and the new vale.ko and vale-pktgen
# (/ab/old/, /ab/new/) loaded in turn in one boot, AB_ROUNDS rounds, each
# round every case once with each variant.  Prints one line
#   AB round=R variant=V case=C role=rx|tx index=I <vale-pktgen JSON>
# per endpoint and point; scripts/bench-ab.sh gives them to bench/ab.py.
# Run by vm-run with --no-load: this script loads and unloads the modules.
#
# Cases (all on a fresh switch, the kernel batch equal to the sender's):
#   uni-L-bB   one sender -> one receiver, frames of L bytes, batch B; the
#              destination is a unicast address the switch has not learned
#              (vale-pktgen rx never sends, so nothing can teach it the
#              receiver's), so the frames are flooded to the one other port
#   bcast-L-bB one sender -> 3 receivers, broadcast frames
# The receivers run on vCPU 0, the sender on vCPU 1 (the guest has 2).
. /tests/lib.sh

D=${AB_SECONDS:-2}
ROUNDS=${AB_ROUNDS:-5}
LENS=${AB_LENS:-64 1500}
BATCHES=${AB_BATCHES:-1 64 512}
BCAST=${AB_BCAST:-64:512}
BCAST_RX=${AB_BCAST_RX:-3}
ORDER=${AB_ORDER:-abab}

set_batch() {
	echo "$1" >/sys/module/vale/parameters/default_batch
}

sw=0
emit() {	# round variant case role index file
	if [ -s "$6" ] && ! grep -q '"packets":0,' "$6"; then
		echo "AB round=$1 variant=$2 case=$3 role=$4 index=$5 $(cat "$6")"
	elif [ -s "$6" ]; then
		echo "AB round=$1 variant=$2 case=$3 role=$4 index=$5 $(cat "$6")"
		diag "round $1 $2 $3 $4 $5: no packets"
		missing=$((missing + 1))
	else
		echo "AB round=$1 variant=$2 case=$3 role=$4 index=$5 {}"
		diag "round $1 $2 $3 $4 $5: no result: $(tail -n 3 "$6.err" 2>/dev/null)"
		missing=$((missing + 1))
	fi
}

# ready PID: the receiver has mapped its port's region (libvale maps it
# after the register ioctl, so the port is on the switch); under TCG on a
# loaded host three receivers can take a while to start.  All receivers
# of a point share one budget of 2.5 s ($j), below their 3 s idle
# timeout, which counts from their start.
ready() {
	while [ $j -lt 25 ] && ! grep -q /dev/vale "/proc/$1/maps" 2>/dev/null; do
		kill -0 "$1" 2>/dev/null || return
		sleep 0.1
		j=$((j + 1))
	done
}

# one_point round variant case len batch nrx dst
one_point() {
	sw=$((sw + 1))
	set_batch "$5"
	i=0 pids=
	while [ $i -lt "$6" ]; do
		taskset -c 0 /ab/"$2"/vale-pktgen rx -i vale$sw:r$i -d $((D + 6)) -T 3 \
			-j >/tmp/rx$i.json 2>/tmp/rx$i.json.err &
		pids="$pids $!"
		i=$((i + 1))
	done
	j=0
	for p in $pids; do
		ready "$p"
	done
	sleep 0.2
	taskset -c 1 /ab/"$2"/vale-pktgen tx -i vale$sw:tx -l "$4" -b "$5" -d "$D" \
		-D "$7" -j >/tmp/tx.json 2>/tmp/tx.json.err
	wait
	i=0
	while [ $i -lt "$6" ]; do
		emit "$1" "$2" "$3" rx $i /tmp/rx$i.json
		i=$((i + 1))
	done
	emit "$1" "$2" "$3" tx 0 /tmp/tx.json
}

run_variant() {	# round variant
	if ! insmod /ab/"$2"/vale.ko >/tmp/insmod.out 2>&1; then
		diag "round $1: $2 vale.ko did not load: $(cat /tmp/insmod.out)"
		failed=$((failed + 1))
		return
	fi
	for len in $LENS; do
		for b in $BATCHES; do
			one_point "$1" "$2" "uni-$len-b$b" "$len" "$b" 1 02:00:00:00:00:99
		done
	done
	for lb in $BCAST; do
		one_point "$1" "$2" "bcast-${lb%%:*}-b${lb##*:}" "${lb%%:*}" \
			"${lb##*:}" "$BCAST_RX" ff:ff:ff:ff:ff:ff
	done
	i=0
	while ! rmmod vale 2>/tmp/rmmod.out; do
		i=$((i + 1))
		if [ $i -ge 20 ]; then
			diag "round $1: $2 vale.ko did not unload: $(cat /tmp/rmmod.out)"
			failed=$((failed + 1))
			return
		fi
		sleep 0.5
	done
}

failed=0 missing=0
diag "vCPUs: $(grep -c ^processor /proc/cpuinfo); order $ORDER; $ROUNDS rounds of ${D}s points"
r=1
while [ $r -le "$ROUNDS" ]; do
	# abab: old then new every round; abba: the order swapped every
	# second round, so that a drift over the run favours neither.
	if [ "$ORDER" = abba ] && [ $((r % 2)) = 0 ]; then
		first=new second=old
	else
		first=old second=new
	fi
	run_variant $r $first
	run_variant $r $second
	r=$((r + 1))
done

echo "1..2"
if [ $failed = 0 ]; then
	echo "ok 1 - $ROUNDS alternated rounds ran"
else
	echo "not ok 1 - $failed module loads or unloads failed"
fi
if [ $missing = 0 ]; then
	echo "ok 2 - every endpoint gave a result"
else
	echo "not ok 2 - $missing endpoints gave no result"
fi
