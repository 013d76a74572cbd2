#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# netdev_refuse: the refusals of netdev-attach documented in
# Documentation/control-plane.md, each with its errno and extack message
# (as vale-ctl prints them):
#  - a bridge port, a bond slave, a macvlan lower device: EBUSY, "device
#    already has an rx_handler ..."; a device already attached: EBUSY,
#    "device is already attached to a switch";
#  - loopback and a non-Ethernet device (tun): EOPNOTSUPP, "not an
#    Ethernet device";
#  - and the other way round: an attached device cannot become a bridge
#    port, a bond slave or a macvlan lower device, and an attached bond
#    cannot change its device type (enslaving a tun device is refused with
#    EBUSY, the bond says "refused to change device type").
# A refused attach creates no switch and no port and leaves the device's
# promiscuity alone.  The bond and macvlan cases need the bonding and
# macvlan modules in the guest (vm-run --kmod bonding --kmod macvlan).
. /tests/lib.sh

VC=/bin/vale-ctl
N=36
plan $N
if [ ! -x $VC ] || ! kmod_load veth || ! kmod_load tun ||
   ! kmod_load bridge; then
	i=0
	while [ $i -lt $N ]; do skip "netdev refusals" "needs /bin/vale-ctl, veth, tun, bridge"; i=$((i + 1)); done
	exit 0
fi

BUSY_RXH="Device or resource busy: device already has an rx_handler (bridge, bond, macvlan, team port?)"
BUSY_ATT="Device or resource busy: device is already attached to a switch"
NOT_ETH="Operation not supported: not an Ethernet device"

cleanup() {
	for d in nra nrb nrc nrd nrmv0 nrmv1 nrbr0 nrbond0 nrbond1 nrbond2 \
		 nrtun0 nrtun1 nrtap0; do
		ip link del "$d" 2>/dev/null
	done
}
trap cleanup EXIT

promisc() { ip -d link show "$1" | sed -n 's/.* promiscuity \([0-9]*\) .*/\1/p'; }
# refused DESC WANT CMD...: CMD exits 1 and prints exactly "vale-ctl: WANT"
refused() {
	_d=$1 _w=$2; shift 2
	"$@" >/dev/null 2>/tmp/refused.err
	is "$?:$(cat /tmp/refused.err)" "1:vale-ctl: $_w" "$_d"
}
# attach_refused DESC WANT DEV: vale-ctl attach valenr DEV is refused with
# exactly WANT, and DEV's promiscuity does not change
attach_refused() {
	_p=$(promisc "$3")
	$VC attach valenr "$3" >/dev/null 2>/tmp/refused.err
	is "$?:$(cat /tmp/refused.err):$(promisc "$3")" \
		"1:vale-ctl: attach: $2:$_p" "$1"
}
# ports of valenr, one "name kind" a line, sorted
ports() { $VC -j port show valenr 2>/dev/null | tr '{' '\n' | sed -n 's/.*"name":"\([^"]*\)".*"kind":"\([^"]*\)".*/\1 \2/p' | sort | tr '\n' ' '; }

for d in nra nrb nrc nrd; do
	ip link add $d type veth peer name ${d}p
done

# --- a bridge port ---
ok "nra is a bridge port" sh -c "/usr/bin/ip link add nrbr0 type bridge && /usr/bin/ip link set nra master nrbr0"
attach_refused "attach of a bridge port: EBUSY, rx_handler" "$BUSY_RXH" nra
nok "no switch was created" $VC switch show valenr

# --- already attached ---
ok "attach nrd" $VC attach valenr nrd
is "$(promisc nrd)" 1 "nrd is promiscuous"
attach_refused "attach twice: EBUSY, already attached" "$BUSY_ATT" nrd
refused "attach to another switch: EBUSY, already attached" \
	"attach: $BUSY_ATT" $VC attach valenr2 nrd
nok "the other switch was not created" $VC switch show valenr2
ip link set nrd master nrbr0 2>/tmp/br.err
is "$?:$(cat /tmp/br.err)" "2:RTNETLINK answers: Device or resource busy" \
	"an attached device cannot become a bridge port"

# --- loopback and a non-Ethernet device ---
attach_refused "attach of lo: EOPNOTSUPP, not Ethernet" "$NOT_ETH" lo
ok "tun device nrtun0 (no link layer)" ip tuntap add dev nrtun0 mode tun
attach_refused "attach of a tun device: EOPNOTSUPP, not Ethernet" \
	"$NOT_ETH" nrtun0
ok "tap device nrtap0 (Ethernet)" ip tuntap add dev nrtap0 mode tap
ok "a tap device attaches" $VC attach valenr nrtap0
ok "and detaches" $VC detach nrtap0

# --- a bond slave, and a bond's type change ---
if kmod_load bonding; then
	ok "nrb is a bond slave" sh -c "/usr/bin/ip link add nrbond0 type bond && /usr/bin/ip link set nrb master nrbond0"
	attach_refused "attach of a bond slave: EBUSY, rx_handler" "$BUSY_RXH" nrb
	ip link set nrd master nrbond0 2>/tmp/bond.err
	is "$?:$(cat /tmp/bond.err)" \
		"2:Error: Device is in use and cannot be enslaved." \
		"an attached device cannot become a bond slave"
	ok "bond nrbond1 attaches" sh -c "/usr/bin/ip link add nrbond1 type bond && $VC attach valenr nrbond1"
	dmesg -c >/dev/null
	ip link set nrtun0 master nrbond1 2>/tmp/type.err
	is "$?:$(cat /tmp/type.err)" "2:RTNETLINK answers: Device or resource busy" \
		"type change of an attached bond (tun slave): EBUSY"
	dmesg | grep -q "nrbond1: (slave nrtun0): refused to change device type"
	is $? 0 "the bond says it was refused a type change"
	ip link show nrbond1 | grep -q "link/ether"
	is $? 0 "nrbond1 is still Ethernet"
	ok "tun device nrtun1" ip tuntap add dev nrtun1 mode tun
	ok "nrbond2, not attached, takes nrtun1 and changes its type" \
		sh -c "/usr/bin/ip link add nrbond2 type bond mode active-backup && /usr/bin/ip link set nrtun1 master nrbond2 && /usr/bin/ip link show nrbond2 | grep -q link/none"
else
	i=0
	while [ $i -lt 9 ]; do skip "bond cases" "no bonding module (vm-run --kmod bonding)"; i=$((i + 1)); done
fi

# --- a macvlan lower device ---
if kmod_load macvlan; then
	ok "nrc is a macvlan lower device" ip link add link nrc name nrmv0 type macvlan
	attach_refused "attach of a macvlan lower device: EBUSY, rx_handler" \
		"$BUSY_RXH" nrc
	ok "the macvlan device itself attaches" $VC attach valenr nrmv0
	ok "and detaches" $VC detach nrmv0
	ip link add link nrd name nrmv1 type macvlan 2>/tmp/mv.err
	is "$?:$(cat /tmp/mv.err)" "2:RTNETLINK answers: Device or resource busy" \
		"an attached device cannot be a macvlan lower device"
else
	i=0
	while [ $i -lt 5 ]; do skip "macvlan cases" "no macvlan module (vm-run --kmod macvlan)"; i=$((i + 1)); done
fi

# --- nothing of the refusals stayed behind ---
if [ -d /sys/class/net/nrbond1 ]; then
	is "$(ports)" "nrbond1 netdev nrd netdev " "valenr has exactly nrd and nrbond1"
	ok "detach nrbond1" $VC detach nrbond1
else
	is "$(ports)" "nrd netdev " "valenr has exactly nrd"
	skip "detach nrbond1" "no bond"
fi
ok "detach nrd" $VC detach nrd
is "$(promisc nrd)" 0 "nrd is not promiscuous any more"
nok "the dynamic switch went with its last port" $VC switch show valenr
nok "detach of a detached device fails" $VC detach nrd
refused "detach of a device never attached: ENOENT" \
	"detach: No such file or directory: device is not attached to a switch" \
	$VC detach nra
done_testing
