#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# netdev_veth: two network namespaces, each with a veth whose peer is
# attached to vale0 (vale-ctl attach).  Ping works both ways through the
# switch, every echo answered; a vale port receives the namespaces' broadcasts; a UDP frame sent
# by a vale port (vale-pktgen -D MAC) reaches a socket in a namespace; the
# port counters say so; detach restores the devices.
. /tests/lib.sh

VC=/bin/vale-ctl
PG=/bin/vale-pktgen
if [ ! -x $VC ] || [ ! -x $PG ]; then
	plan 1
	skip "netdev ports" "needs /bin/vale-ctl and /bin/vale-pktgen"
	done_testing
	exit
fi
kmod_load veth || { plan 1; skip "netdev ports" "no veth"; done_testing; exit; }
plan 16

# ping_all NS ADDR N: all N echo requests are answered.  busybox ping
# exits 0 when a single reply arrives; the summary line says how many did.
# -w bounds the whole run, so a lost reply cannot stall the test.
ping_all() {
	_out=$(ip netns exec "$1" ping -c "$3" -i 0.2 -W 2 -w $(($3 + 5)) "$2" 2>&1)
	_got=$(echo "$_out" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
	[ "${_got:-0}" = "$3" ] && return 0
	echo "$_out" | while read -r _l; do diag "$_l"; done
	diag "$_got of $3 replies"
	return 1
}

cleanup() {
	ip netns del ns1 2>/dev/null
	ip netns del ns2 2>/dev/null
	ip link del v1 2>/dev/null
	ip link del v2 2>/dev/null
}
trap cleanup EXIT

ip netns add ns1 && ip netns add ns2
ip link add v1 type veth peer name v1p
ip link add v2 type veth peer name v2p
ip link set v1p netns ns1
ip link set v2p netns ns2
ip -n ns1 addr add 10.0.0.1/24 dev v1p
ip -n ns2 addr add 10.0.0.2/24 dev v2p
ip -n ns2 addr add 10.1.0.1/24 dev v2p
ip -n ns1 link set v1p up
ip -n ns2 link set v2p up
ip -n ns1 link set lo up
ip -n ns2 link set lo up
ip link set v1 up
ip link set v2 up

ok "attach v1 to vale0" $VC attach vale0 v1
ok "attach v2 to vale0" $VC attach vale0 v2
nok "attaching v1 twice fails" $VC attach vale0 v1
msg=$($VC attach vale0 v1 2>&1)
is "$msg" "vale-ctl: attach: Device or resource busy: device is already attached to a switch" \
	"the error is EBUSY and says why"
promisc() { ip -d link show "$1" | sed -n 's/.*promiscuity \([0-9]*\).*/\1/p'; }
is "$(promisc v1)" 1 "v1 is promiscuous while attached"

ok "ns1 pings ns2: 10 of 10 replies" ping_all ns1 10.0.0.2 10
ok "ns2 pings ns1: 10 of 10 replies" ping_all ns2 10.0.0.1 10

# broadcasts reach a vale port
$PG rx -i vale0:mon -T 4 --json >/tmp/mon.json 2>&1 &
rxpid=$!
sleep 1
ip netns exec ns1 ping -c 2 -W 1 10.0.0.77 >/dev/null 2>&1
ip netns exec ns1 ping -c 1 -W 1 10.0.0.2 >/dev/null 2>&1
wait $rxpid
n=$(sed -n 's/.*"packets":\([0-9]*\).*/\1/p' /tmp/mon.json | head -n1)
ok "the vale port received the ARP broadcasts ($n frames)" [ "${n:-0}" -ge 2 ]

# a vale port's UDP frame (10.0.0.1:1234 -> 10.1.0.1:4321) reaches ns2's
# UDP layer: busybox has no UDP listener, so count datagrams delivered to a
# socket or refused for want of one (InDatagrams + NoPorts).
udp_in() {
	ip netns exec ns2 cat /proc/net/snmp |
		awk '/^Udp:/ { if (h) { print $2 + $3; exit } h = 1 }'
}
mac=$(ip -n ns2 link show v2p | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
before=$(udp_in)
ok "vale-pktgen sends 5 frames to $mac" $PG tx -i vale0:gen -D "$mac" -l 100 -n 5 -b 1
sleep 1
after=$(udp_in)
is "$((after - before))" 5 "ns2's UDP layer received the 5 datagrams"

# counters
$VC -j port show vale0:v2 >/tmp/v2.json
rx=$(sed -n 's/.*"rx_packets":\([0-9]*\).*/\1/p' /tmp/v2.json)
ok "v2's rx_packets counts frames sent to it ($rx)" [ "${rx:-0}" -ge 5 ]
out=$($VC port show vale0)
diag "$out"

ok "detach v1" $VC detach v1
ok "detach v2 (naming the switch)" $VC detach v2 vale0
msg=$($VC detach v2 2>&1)
is "$?:$msg" "1:vale-ctl: detach: No such file or directory: device is not attached to a switch" \
	"detach again fails (ENOENT)"
is "$(promisc v1)" 0 "v1 no longer promiscuous"
is "$($VC switch show | grep -c vale0)" 0 "the dynamic switch went with its last port"
done_testing
