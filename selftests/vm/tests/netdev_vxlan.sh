#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# netdev_vxlan: two "hosts" (network namespaces hA and hB joined by a veth
# link), each with its own switch (valeA, valeB) with a vxlan device
# attached; a vale port on host A reaches a vale port on host B, both ways.
. /tests/lib.sh

VC=/bin/vale-ctl
PG=/bin/vale-pktgen
if [ ! -x $VC ] || [ ! -x $PG ]; then
	plan 1
	skip "vxlan ports" "needs /bin/vale-ctl and /bin/vale-pktgen"
	done_testing
	exit
fi
if ! kmod_load veth || ! kmod_load vxlan; then
	plan 1
	skip "vxlan ports" "no veth or vxlan"
	done_testing
	exit
fi
plan 11
cleanup() {
	ip netns del hA 2>/dev/null
	ip netns del hB 2>/dev/null
}
trap cleanup EXIT

ip netns add hA && ip netns add hB
ip -n hA link add uA type veth peer name uB netns hB
ip -n hA addr add 192.168.77.1/24 dev uA
ip -n hB addr add 192.168.77.2/24 dev uB
ip -n hA link set uA up
ip -n hB link set uB up
ip -n hA link add vxA type vxlan id 42 local 192.168.77.1 \
	remote 192.168.77.2 dstport 4789 dev uA
ip -n hB link add vxB type vxlan id 42 local 192.168.77.2 \
	remote 192.168.77.1 dstport 4789 dev uB
ip -n hA link set vxA up
ip -n hB link set vxB up
ok "the underlay works" ip netns exec hA ping -c 1 -W 2 192.168.77.2

ok "attach vxA to valeA (from host A's namespace)" \
	ip netns exec hA $VC attach valeA vxA
ok "attach vxB to valeB (from host B's namespace)" \
	ip netns exec hB $VC attach valeB vxB
# names are resolved in the requester's namespace: ENODEV, with the
# kernel's reason (control-plane.md, netdev-attach)
msg=$($VC attach valeA vxA 2>&1)
rc=$?
is "$rc:$msg" "1:vale-ctl: attach: No such device: no such device" \
	"vxA is not known in the initial namespace (ENODEV)"

# A -> B: broadcast frames flood to vxA, cross the underlay, come out of
# vxB into valeB and reach its port
$PG rx -i valeB:b -T 3 --json >/tmp/b.json 2>&1 &
rx=$!
sleep 1
ok "valeA:a sends 20 frames" $PG tx -i valeA:a -l 200 -n 20 -b 4 -R 1000
wait $rx
n=$(sed -n 's/.*"packets":\([0-9]*\).*/\1/p' /tmp/b.json | head -n1)
# (plus what host A's own stack sends through vxA, e.g. IPv6 ND)
ok "valeB:b received the 20 frames through vxlan ($n)" [ "${n:-0}" -ge 20 ]

# B -> A, broadcast again, through the tunnel the other way
$PG rx -i valeA:a2 -T 3 --json >/tmp/a.json 2>&1 &
rx=$!
sleep 1
ok "valeB:b2 sends 10 frames" $PG tx -i valeB:b2 -l 100 -n 10 -b 2 -R 1000
wait $rx
n=$(sed -n 's/.*"packets":\([0-9]*\).*/\1/p' /tmp/a.json | head -n1)
ok "valeA:a2 received the 10 frames ($n)" [ "${n:-0}" -ge 10 ]

tx=$($VC -j port show valeA:vxA | sed -n 's/.*"rx_packets":\([0-9]*\).*/\1/p')
ok "vxA's port counted what it sent ($tx)" [ "${tx:-0}" -ge 20 ]
ok "detach vxA" ip netns exec hA $VC detach vxA
ip netns del hB
i=0
while [ $i -lt 50 ] && $VC switch show | grep -q valeB; do
	sleep 0.2
	i=$((i + 1))
done
is "$($VC switch show | grep -c 'vale[AB]')" 0 "both dynamic switches went with their devices"
done_testing
