#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench_ep: vale-bench-ep's endpoints, exact counts.
#   send -> recv over a vale switch: everything arrives, nothing is bad;
#   raw-mmsg and udp (mmsg send, udp recv) over a veth pair between two
#   namespaces, the same; client <-> server over vale: every echo, ordered
#   percentiles; a client whose server never answers: exit 4, all lost;
#   recv fed reordered, duplicated, foreign and bad frames (send --inject)
#   counts each kind exactly; the TPACKET_V3 ring and AF_XDP (the dynamic
#   binary, with libxdp's BPF objects) over the veth pair.  Receivers are
#   waited for with --ready, not with sleeps.  Needs the binaries:
#   selftests/vm/vm-run --file \
#       build/user/tools/vale-bench-ep-static:/bin/vale-bench-ep \
#       --bin build/user/tools/vale-bench-ep \
#       --file /usr/lib/x86_64-linux-gnu/bpf/xsk_def_xdp_prog.o:/usr/lib/x86_64-linux-gnu/bpf/xsk_def_xdp_prog.o \
#       --file /usr/lib/x86_64-linux-gnu/bpf/xsk_def_xdp_prog_5.3.o:/usr/lib/x86_64-linux-gnu/bpf/xsk_def_xdp_prog_5.3.o \
#       --file /usr/lib/x86_64-linux-gnu/bpf/xdp-dispatcher.o:/usr/lib/x86_64-linux-gnu/bpf/xdp-dispatcher.o \
#       selftests/vm/tests/bench_ep.sh
#   (without the last four the xdp checks are skipped).  Senders over the
#   veth are pinned (--cpu 1): veth queues a frame on the sending CPU's
#   backlog, so a sender that moves between CPUs reorders for real.
#   Receivers give up after 20 s without a frame: they end at -n, and an
#   xdp sender's first libxdp program load takes seconds under TCG.
. /tests/lib.sh

EP=/bin/vale-bench-ep
N=20
# The dynamic build (AF_XDP), where vm-run --bin puts it.
EPX=/build/user/tools/vale-bench-ep
XDPOBJ=/usr/lib/x86_64-linux-gnu/bpf/xdp-dispatcher.o
plan $N
if [ ! -x $EP ]; then
	i=0
	while [ $i -lt $N ]; do
		skip "vale-bench-ep" "no $EP in the guest (vm-run --file)"
		i=$((i + 1))
	done
	exit 0
fi

# f NAME FILE: a number of the last JSON line (the final result).
f() { tail -n1 "$2" | sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" | head -n1; }
# kinds FILE: the recv counters that must be zero on a clean path.
kinds() {
	echo "bad $(f bad_header "$1") reord $(f reordered "$1")" \
	     "dup $(f duplicated "$1") foreign $(f foreign "$1") lost $(f lost "$1")"
}
CLEAN="bad 0 reord 0 dup 0 foreign 0 lost 0"
# bg FILE CMD...: start a receiver in the background, wait for its --ready.
bg() {
	_rf=$1; shift
	rm -f "$_rf"
	"$@" &
	_bgpid=$!
	_i=0
	while [ ! -e "$_rf" ] && [ $_i -lt 300 ] && kill -0 $_bgpid 2>/dev/null; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -e "$_rf" ] || diag "receiver not ready: $*"
}
# t: seconds since boot, to see where a slow run spends its time.
t() { diag "at $(cut -d" " -f1 /proc/uptime) s: $*"; }
show() { for _f in "$@"; do diag "$_f: $(tail -n1 "$_f")"; done; }

# flow LABEL N RECV... -- SEND...: start the receiver (waited for with
# --ready), send N frames; both exit 0, N sent, N received, nothing bad.
# Arguments hold no spaces: the receiver's are split on purpose.
flow() {
	_l=$1 _n=$2 _r=
	shift 2
	while [ "$1" != -- ]; do _r="$_r $1"; shift; done
	shift
	# shellcheck disable=SC2086
	bg /tmp/rdy $_r -n "$_n" --timeout 20 --json --ready /tmp/rdy \
		>/tmp/r.json 2>/tmp/r.err
	_rp=$_bgpid
	"$@" -n "$_n" --json >/tmp/s.json 2>/tmp/s.err
	_st=$?
	wait $_rp
	_st="$_st $?"
	show /tmp/s.json /tmp/r.json
	grep -hv "^libbpf: elf: skipping\|bpffs\|without dispatcher" /tmp/r.err /tmp/s.err
	is "$_st $(f sent /tmp/s.json) $(f received /tmp/r.json) $(kinds /tmp/r.json)" \
		"0 0 $_n $_n $CLEAN" "$_l: both exit 0, $_n sent and received, nothing bad"
}

t "1"
# 1: send -> recv over vale0, paced, in bursts.  A switch drops what a
# full receive ring cannot take; 1000 frames fit the default ring even if
# the receiver's vCPU stalls (TCG on a loaded host).
flow vale 1000 $EP recv --api vale --vale vale0:rx -- \
	$EP send --api vale --vale vale0:tx -b 32 -r 20000 -p 128 -c

# 2: a veth pair between namespaces a (a0 10.0.0.1) and b (b0 10.0.0.2).
cleanup() {
	ip netns del a 2>/dev/null
	ip netns del b 2>/dev/null
}
trap cleanup EXIT
kmod_load veth
ip netns add a && ip netns add b &&
	ip link add a0 netns a type veth peer name b0 netns b &&
	ip -n a addr add 10.0.0.1/24 dev a0 && ip -n b addr add 10.0.0.2/24 dev b0 &&
	ip -n a link set a0 up && ip -n b link set b0 up &&
	ip -n a link set lo up && ip -n b link set lo up
is "$?" 0 "veth pair a0 <-> b0"
BMAC=$(ip netns exec b cat /sys/class/net/b0/address)
AMAC=$(ip netns exec a cat /sys/class/net/a0/address)
ip -n a neigh replace 10.0.0.2 lladdr "$BMAC" dev a0
ip -n b neigh replace 10.0.0.1 lladdr "$AMAC" dev b0
sleep 0.5
INA="ip netns exec a"
INB="ip netns exec b"
L2="--cpu 1 --dev a0 --src-mac $AMAC --dst-mac $BMAC"
# $INA, $INB and $L2 are word lists, split on purpose below.
# shellcheck disable=SC2086

t "3-5"
# 3: raw-mmsg; 4: UDP, sendmmsg() to a recv() socket; 5: the TPACKET_V3
# ring (mmsg send, mapped ring receive), full-size frames, every byte.
flow raw-mmsg 1000 $INB $EP recv --api raw-mmsg --dev b0 -- \
	$INA $EP send --api raw-mmsg $L2 -b 16 -r 10000 -p 256
flow udp 1000 $INB $EP recv --api udp --dst 10.0.0.2:4321 -- \
	$INA $EP send --api mmsg --cpu 1 --src 10.0.0.1:1234 \
	--dst 10.0.0.2:4321 -b 16 -r 10000 -p 256 -c
flow ring 1000 $INB $EP recv --api ring --dev b0 -c -- \
	$INA $EP send --api ring $L2 -b 16 -r 10000 -p 1514 -c

t "6-8"
# 6: a static build says it has no AF_XDP; 7-8: the dynamic one receives
# from raw-mmsg and sends to it.
$EP recv --api xdp --dev b0 -n 1 >/dev/null 2>/tmp/e.txt
is "$? $(grep -c 'no AF_XDP' /tmp/e.txt)" "3 1" "static build: xdp unavailable, exit 3"
if [ -x $EPX ] && [ -e $XDPOBJ ]; then
	flow "xdp recv" 500 $INB $EPX recv --api xdp --dev b0 -- \
		$INA $EP send --api raw-mmsg $L2 -b 8 -r 5000 -p 200
	flow "xdp send" 500 $INB $EP recv --api raw-mmsg --dev b0 -- \
		$INA $EPX send --api xdp $L2 -b 8 -r 5000 -p 200
else
	skip "xdp recv" "no $EPX or $XDPOBJ (vm-run --bin, --file)"
	skip "xdp send" "no $EPX or $XDPOBJ (vm-run --bin, --file)"
fi

t "9-12"
# 9-12: client <-> server over vale1, fixed rate with bursts.
bg /tmp/rdy $EP server --api vale --vale vale1:srv --timeout 20 --json \
	--ready /tmp/rdy >/tmp/sv.json 2>/tmp/sv.err
sp=$_bgpid
$EP client --api vale --vale vale1:cli -n 400 -b 4 -r 1000 -p 100 --json \
	>/tmp/c.json 2>/tmp/c.err
is "$?" 0 "client exits 0"
kill $sp
wait $sp
show /tmp/c.json /tmp/sv.json
is "$(f sent /tmp/c.json) $(f received /tmp/c.json) $(f lost /tmp/c.json)" \
	"400 400 0" "client: 400 sent, 400 echoes, none lost"
is "$(f echoed /tmp/sv.json)" 400 "server echoed 400"
pct="$(f min /tmp/c.json) $(f p50 /tmp/c.json) $(f p90 /tmp/c.json)"
pct="$pct $(f p99 /tmp/c.json) $(f p999 /tmp/c.json) $(f max /tmp/c.json)"
# shellcheck disable=SC2086
ok "0 < min <= p50 <= p90 <= p99 <= p99.9 <= max ($pct)" \
	awk -v s="$pct" 'BEGIN { n = split(s, v, " "); if (n != 6 || v[1] <= 0) exit 1
		for (i = 2; i <= n; i++) if (v[i] + 0 < v[i - 1] + 0) exit 1 }'

t "13-15"
# 13-15: nobody answers: the client gives up after --timeout.
$EP client --api vale --vale vale2:cli -n 5 -b 5 --timeout 0.5 --json \
	>/tmp/c.json 2>/tmp/c.err
is "$?" 4 "unanswered client exits 4"
show /tmp/c.json
is "$(f sent /tmp/c.json) $(f received /tmp/c.json) $(f lost /tmp/c.json)" \
	"5 0 5" "unanswered client: 5 sent, 0 echoes, 5 lost"
ok "its JSON says interim false" grep -q '"interim":false' /tmp/c.json

t "16-19"
# 16-19: defects, 64 frames each (groups of 8): each counted exactly.
# inject KIND FRAMES EXPECTED: recv ends at FRAMES received.
inject() {
	bg /tmp/rdy $EP recv --api vale --vale vale3:rx -n "$2" --timeout 20 \
		--json --ready /tmp/rdy >/tmp/r.json 2>/tmp/r.err
	_rp=$_bgpid
	$EP send --api vale --vale vale3:tx -n 64 -b 8 --inject "$1" --json \
		>/tmp/s.json 2>/tmp/s.err
	wait $_rp
	show /tmp/r.json
	is "received $(f received /tmp/r.json) $(kinds /tmp/r.json)" "$3" \
		"recv counts $1 frames"
}
inject reorder 64 "received 64 bad 0 reord 8 dup 0 foreign 0 lost 0"
inject dup 72 "received 72 bad 0 reord 0 dup 8 foreign 0 lost 0"
inject foreign 64 "received 64 bad 0 reord 0 dup 0 foreign 8 lost 0"
inject bad 64 "received 64 bad 8 reord 0 dup 0 foreign 0 lost 0"

t "20"
# 20: a bad value is refused before anything starts, naming the option.
$EP send --api vale --vale vale0:x -b 0 >/dev/null 2>/tmp/e.txt
is "$? $(grep -c -- '--burst: bad value' /tmp/e.txt)" "2 1" \
	"bad --burst: exit 2 and a message naming it"
done_testing
