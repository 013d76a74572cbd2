#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of selftests/vhost/run.sh (busybox sh inside the test VM).
# The role comes from the kernel command line:
#   vhost.role=responder|client  vhost.ip=A.B.C.D  vhost.peer=A.B.C.D
#   vhost.phase=basic|kill|last|mq|restart  vhost.secs=N (responder
#   lifetime); restart: after the first checks, the host kills vale-vhost
#   and starts it again ("VHOST-SYNC restart-now"); traffic must resume
#   vhost.queues=N (the NIC has N queue pairs: check that the driver uses
#   them all; phase mq sends from one CPU per queue pair)
# Markers for the host go straight to the side channel as "VHOST-SYNC ...".
. /tests/lib.sh

arg() { sed -n "s/.*vhost\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
role=$(arg role) addr=$(arg ip) peer=$(arg peer) phase=$(arg phase)
mark() { echo "VHOST-SYNC $*" >/dev/ttyS1; }
# check DESCRIPTION COMMAND...: lib.sh's ok, and the verdict at once on
# the side channel too ("VHOST-SYNC result ok N - ..."): the harness
# forwards a test's output only when it ends, and the kill phase's guest
# never ends (run.sh relays these lines for it).
check() {
	_f0=$_tap_fail
	ok "$@"
	_v="ok"
	[ "$_tap_fail" != "$_f0" ] && _v="not ok"
	mark "result $_v $_tap_n - $1"
}

# eth0, [queues], then the responder's echo server or the client's four
# checks and its phase's one more (last, mq)
qs=$(arg queues)
np=1
[ -n "$qs" ] && np=$((np + 1))
case $role:$phase in
responder:*) np=$((np + 1)) ;;
client:last|client:mq) np=$((np + 5)) ;;
client:restart) np=$((np + 5)) ;;
client:*) np=$((np + 4)) ;;
*) np=$((np + 1)) ;;
esac
plan $np

modprobe virtio_pci
modprobe virtio_net
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "virtio-net device eth0 appears" test -e /sys/class/net/eth0
ip addr add "$addr/24" dev eth0
ip link set eth0 up
diag "eth0 features: $(cat /sys/class/net/eth0/device/features 2>/dev/null)"
if [ -n "$qs" ]; then
	# virtio_net turns on min(queue pairs, CPUs) pairs when it negotiates
	# MQ (busybox has no ethtool -L); the real counts show in sysfs.
	diag "eth0 queues: $(ls /sys/class/net/eth0/queues | tr '\n' ' ')"
	check "eth0 uses $qs rx and $qs tx queues" \
		test -e /sys/class/net/eth0/queues/rx-$((qs - 1)) -a \
		-e /sys/class/net/eth0/queues/tx-$((qs - 1)) -a \
		! -e /sys/class/net/eth0/queues/tx-$qs
fi

# stream SIZE COUNT: vhost-udp stream; every datagram back once, or
# the missing ones (never a duplicate or a corrupt one) reported to the
# host as "VHOST-SYNC lost N": in direct mode vale-vhost drops a frame for
# a guest that took no buffer for 200 ms, and counts it (run.sh checks
# that every lost datagram is among the drops it counted).
stream() {
	vhost-udp stream "$peer" 7000 "$2" "$1" >/tmp/stream.$$ 2>&1
	_rc=$?
	cat /tmp/stream.$$
	_s=$(sed -n 's/^stream: sent \([0-9]*\) received \([0-9]*\).*/\1 \2/p' /tmp/stream.$$)
	rm -f /tmp/stream.$$
	[ $_rc = 3 ] && [ -n "$_s" ] && mark "lost $((${_s% *} - ${_s#* }))"
	[ $_rc = 0 ] || [ $_rc = 3 ]
}

ping_wait() {	# up to $1 seconds for the first answer
	t=0
	while [ $t -lt "$1" ]; do
		ping -c 1 -W 1 "$peer" >/dev/null 2>&1 && return 0
		t=$((t + 1))
	done
	return 1
}

# ping_all COUNT ARGS...: every one of COUNT echo requests answered
# (busybox ping exits 0 when one reply of many came back).
ping_all() {
	_n=$1
	shift
	_out=$(ping -q -c "$_n" "$@" "$peer" 2>&1)
	echo "$_out" | sed 's/^/# /'
	_got=$(echo "$_out" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
	[ "${_got:-0}" = "$_n" ]
}

case $role in
responder)
	mark up
	check "echo server runs until told to quit" vhost-udp echo 7000 "$(arg secs)"
	;;
client)
	check "peer answers ping ($phase)" ping_wait 30
	check "ping: 10 packets, 10 replies ($phase)" ping_all 10 -i 0.2 -W 2 -w 20
	if [ "$phase" = restart ]; then
		# the host kills vale-vhost now and starts it again
		mark restart-now
		sleep 4
		check "peer answers ping again after vale-vhost restarted" ping_wait 90
		check "ping after the restart: 10 packets, 10 replies" \
			ping_all 10 -i 0.2 -W 2 -w 20
		check "UDP stream 300 x 60 B after the restart, each once" stream 60 300
	fi
	# (the restart phase leaves these to the other phases: it proves
	# the restart, and Tier 2 must stay short)
	if [ "$phase" != restart ]; then
		check "ping -s 8000: fragmented frames, 3 of 3 replies ($phase)" \
			ping_all 3 -s 8000 -W 3 -w 20
		check "UDP stream 2000 x 1000 B echoed, each once ($phase)" stream 1000 2000
	fi
	case $phase in
	kill)
		mark "streaming after $_tap_n checks, $_tap_fail failed"
		# The host kills this VM during the flood.
		vhost-udp flood "$peer" 7000 120
		;;
	last)
		check "UDP stream 300 x 60 B echoed, each once" stream 60 300
		vhost-udp quit "$peer" 7000
		;;
	restart)
		vhost-udp quit "$peer" 7000
		;;
	mq)
		# one stream per CPU: XPS maps CPU i to tx queue i
		taskset -c 0 vhost-udp stream "$peer" 7000 2000 500 >/tmp/s0 2>&1 &
		p0=$!
		taskset -c 1 vhost-udp stream "$peer" 7000 2000 500 >/tmp/s1 2>&1
		r1=$?
		wait $p0
		r0=$?
		diag "stream on CPU 0: $(cat /tmp/s0)"
		diag "stream on CPU 1: $(cat /tmp/s1)"
		lost=0
		for f in /tmp/s0 /tmp/s1; do
			_s=$(sed -n 's/^stream: sent \([0-9]*\) received \([0-9]*\).*/\1 \2/p' $f)
			[ -n "$_s" ] && lost=$((lost + ${_s% *} - ${_s#* }))
		done
		[ $lost != 0 ] && mark "lost $lost"
		check "two UDP streams at once, one per CPU, echoed, each once" \
			sh -c "[ $r0 = 0 -o $r0 = 3 ] && [ $r1 = 0 -o $r1 = 3 ]"
		vhost-udp quit "$peer" 7000
		;;
	esac
	;;
*)
	check "known role '$role'" false
	;;
esac
ip -s link show eth0 | sed 's/^/# /'
grep '^Udp:' /proc/net/snmp | sed 's/^/# /'
done_testing
