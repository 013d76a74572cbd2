#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vnet_isolation: two VNets, red and blue, with the same MAC and IP
# addresses, each with a node on two "hosts" (namespaces hA and hB joined
# by an underlay veth, vale-net --netns), joined by vxlan (VNI 100 and
# 200).  Every node sends forged frames (broadcast, VLAN 10, unicast to
# the MAC both VNets use, another node's source MAC); a sniffer on every
# node's interface sees frames of its own VNet's other node and not one
# of the other VNet's.  A node cannot open a port on the other VNet's
# switch.  Destroy on both hosts leaves nothing.
. /tests/lib.sh

VN=/bin/vale-net
VC=/bin/vale-ctl
VF=/bin/vnet-frames
PG=/bin/vale-pktgen
if [ ! -x $VN ] || [ ! -x $VC ] || [ ! -x $VF ] || [ ! -x $PG ] ||
   ! kmod_load veth || ! kmod_load vxlan; then
	plan 1
	skip "vale-net isolation" "needs vale-net, vale-ctl, vnet-frames, vale-pktgen, veth, vxlan"
	done_testing
	exit
fi
plan 14
cleanup() {
	$VN --netns hA destroy red >/dev/null 2>&1
	$VN --netns hA destroy blue >/dev/null 2>&1
	$VN --netns hB destroy red >/dev/null 2>&1
	$VN --netns hB destroy blue >/dev/null 2>&1
	for n in vn.red.a vn.red.b vn.blue.a vn.blue.b hA hB; do
		ip netns del $n 2>/dev/null
	done
}
trap cleanup EXIT

ip netns add hA && ip netns add hB
ip -n hA link add uA type veth peer name uB netns hB
ip -n hA addr add 192.168.77.1/24 dev uA
ip -n hB addr add 192.168.77.2/24 dev uB
ip -n hA link set uA up
ip -n hB link set uB up

vnet() {	# NAME VNI
	cat <<Y
  - name: $1
    vni: $2
    switches: [lan]
    nodes:
      - name: a
        host: A
        interfaces: [{name: eth0, switch: lan, mac: "02:00:00:00:00:01", address: 10.0.0.1/24}]
      - name: b
        host: B
        interfaces: [{name: eth0, switch: lan, mac: "02:00:00:00:00:02", address: 10.0.0.2/24}]
Y
}
{
	printf 'hosts:\n  - {name: A, underlay: 192.168.77.1}\n  - {name: B, underlay: 192.168.77.2}\nvnets:\n'
	vnet red 100
	vnet blue 200
} >/tmp/iso.yaml

ok "apply on host A" sh -c "$VN --netns hA --host A apply /tmp/iso.yaml >/tmp/a.out 2>&1"
sed 's/^/# /' /tmp/a.out
ok "apply on host B (host found by its underlay address)" \
	sh -c "$VN --netns hB apply /tmp/iso.yaml >/tmp/b.out 2>&1"
sed 's/^/# /' /tmp/b.out
ok "host A has vnx100 and vnx200 attached to its switches" \
	sh -c "$VC port show | grep -q 'valenet.A.red.lan:vnx100 ' && $VC port show | grep -q 'valenet.A.blue.lan:vnx200 '"
ok "red a pings red b across the hosts" ip netns exec vn.red.a ping -c 2 -W 3 10.0.0.2
ok "blue a pings blue b (same addresses)" ip netns exec vn.blue.a ping -c 2 -W 3 10.0.0.2
ok "apply again on host A: no change" \
	sh -c "$VN --netns hA apply /tmp/iso.yaml | grep -q '^no change: what runs is what the file says'"

only_own() { [ "$1" -ge 10 ] && [ "$2" = 0 ]; }
refused() { [ "$1" != 0 ] && grep -q 'operation not permitted' /tmp/pg; }
for v in red blue; do
	for n in a b; do
		ip netns exec vn.$v.$n $VF sniff eth0 6 >/tmp/sniff.$v.$n 2>&1 &
	done
done
sleep 1
for v in red blue; do
	for n in a b; do
		ip netns exec vn.$v.$n $VF send eth0 $v-$n 10 >/dev/null
	done
done
wait
for v in red blue; do
	for n in a b; do
		o=$([ $n = a ] && echo b || echo a)
		f=/tmp/sniff.$v.$n
		diag "$v.$n saw: $(tr '\n' ' ' <$f)"
		other=$(grep -vc "^$v-" $f)
		peer=$(sed -n "s/^$v-$o //p" $f)
		ok "$v.$n: frames from $v.$o (${peer:-0}), none of the other VNet ($other lines)" \
			only_own "${peer:-0}" "$other"
	done
done

ip netns exec vn.red.a $PG tx -i valenet.A.blue.lan:evil -n 1 >/tmp/pg 2>&1
rc=$?
diag "$(cat /tmp/pg)"
ok "red a cannot open a port on blue's switch (restricted)" refused "$rc"

ok "destroy red and blue on A" sh -c "$VN --netns hA destroy red >/dev/null && $VN --netns hA destroy blue >/dev/null"
ok "destroy red and blue on B" sh -c "$VN --netns hB destroy red >/dev/null && $VN --netns hB destroy blue >/dev/null"
left="$($VC switch show | grep -c valenet):$(ls /run/netns | grep -c '^vn\.'):$(ip -n hA -o link show | grep -c vnx):$(ip -n hB -o link show | grep -c vnx)"
is "$left" "0:0:0:0" "nothing left: switches, namespaces, vxlan devices on either host"
done_testing
