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
#    EBUSY, the bond logs "refused to change device type").
# A refused attach creates no switch and no port and leaves the device's
# promiscuity alone.  The bond and macvlan cases need the bonding and
# macvlan modules in the guest (vm-run --kmod bonding --kmod macvlan);
# without them they are skipped.  Programs are started sparingly (one
# "ip -batch" for the devices): each exec is slow under TCG.
. /tests/lib.sh

VC=/bin/vale-ctl
N=28
NBOND=6
NMV=4
plan $N
skip_n() {	# COUNT REASON
	_i=0
	while [ $_i -lt "$1" ]; do skip "netdev refusals" "$2"; _i=$((_i + 1)); done
}
if [ ! -x $VC ] || ! kmod_load veth || ! kmod_load tun || ! kmod_load bridge; then
	skip_n $N "needs /bin/vale-ctl, veth, tun, bridge"
	exit 0
fi
bond=0; kmod_load bonding && bond=1
mv=0; kmod_load macvlan && mv=1

BUSY_RXH="Device or resource busy: device already has an rx_handler (bridge, bond, macvlan, team port?)"
BUSY_ATT="Device or resource busy: device is already attached to a switch"
NOT_ETH="Operation not supported: not an Ethernet device"

cleanup() {
	for d in nra nrb nrc nrd nrmv0 nrmv1 nrbr0 nrbond0 nrbond1 nrbond2 \
		 nrtun0 nrtun1 nrtap0; do
		[ -d /sys/class/net/$d ] && ip link del "$d" 2>/dev/null
	done
}
trap cleanup EXIT

# the promiscuity count (ip), or the IFF_PROMISC flag (no program started)
promisc() { ip -d link show "$1" | sed -n 's/.* promiscuity \([0-9]*\) .*/\1/p'; }
pflag() { read -r _f <"/sys/class/net/$1/flags"; echo $((_f & 0x100)); }
# refused DESC WANT CMD...: CMD exits 1 and prints exactly "vale-ctl: WANT"
refused() {
	_d=$1 _w=$2; shift 2
	"$@" >/dev/null 2>/tmp/refused.err
	is "$?:$(cat /tmp/refused.err)" "1:vale-ctl: $_w" "$_d"
}
# attach_refused DESC WANT DEV [count]: vale-ctl attach valenr DEV is
# refused with exactly WANT, and DEV's promiscuity (flag, or with "count"
# the counter) does not change
attach_refused() {
	_pf=pflag; [ "${4:-}" = count ] && _pf=promisc
	_p=$($_pf "$3")
	$VC attach valenr "$3" >/dev/null 2>/tmp/refused.err
	is "$?:$(cat /tmp/refused.err):$($_pf "$3")" \
		"1:vale-ctl: attach: $2:$_p" "$1"
}
# ports of valenr, one "name kind" a line, sorted
ports() { $VC -j port show valenr 2>/dev/null | tr '{' '\n' | sed -n 's/.*"name":"\([^"]*\)".*"kind":"\([^"]*\)".*/\1 \2/p' | sort | tr '\n' ' '; }

{
	for d in nra nrb nrc nrd; do echo "link add $d type veth peer name ${d}p"; done
	echo "link add nrbr0 type bridge"
	echo "link set nra master nrbr0"
	echo "tuntap add dev nrtun0 mode tun"
	echo "tuntap add dev nrtun1 mode tun"
	echo "tuntap add dev nrtap0 mode tap"
	if [ $bond = 1 ]; then
		echo "link add nrbond0 type bond"
		echo "link set nrb master nrbond0"
		echo "link add nrbond1 type bond"
		echo "link add nrbond2 type bond mode active-backup"
	fi
	[ $mv = 1 ] && echo "link add link nrc name nrmv0 type macvlan"
} >/tmp/devs.batch
ok "devices: veths, a bridge port, tun, tap, bonds, macvlan" ip -batch /tmp/devs.batch

# --- a bridge port ---
attach_refused "attach of a bridge port: EBUSY, rx_handler" "$BUSY_RXH" nra count
nok "no switch was created" $VC switch show valenr

# --- already attached ---
ok "attach nrd" $VC attach valenr nrd
attach_refused "attach twice: EBUSY, already attached" "$BUSY_ATT" nrd count
refused "attach to another switch: EBUSY, already attached" \
	"attach: $BUSY_ATT" $VC attach valenr2 nrd
nok "the other switch was not created" $VC switch show valenr2
ip link set nrd master nrbr0 2>/tmp/br.err
is "$?:$(cat /tmp/br.err)" "2:RTNETLINK answers: Device or resource busy" \
	"an attached device cannot become a bridge port"

# --- loopback and a non-Ethernet device ---
attach_refused "attach of lo: EOPNOTSUPP, not Ethernet" "$NOT_ETH" lo
attach_refused "attach of a tun device: EOPNOTSUPP, not Ethernet" \
	"$NOT_ETH" nrtun0
ok "a tap device (Ethernet) attaches" $VC attach valenr nrtap0
ok "and detaches" $VC detach nrtap0

# --- a bond slave, and a bond's type change ---
if [ $bond = 1 ]; then
	attach_refused "attach of a bond slave: EBUSY, rx_handler" "$BUSY_RXH" nrb
	ip link set nrd master nrbond0 2>/tmp/bond.err
	is "$?:$(cat /tmp/bond.err)" \
		"2:Error: Device is in use and cannot be enslaved." \
		"an attached device cannot become a bond slave"
	ok "bond nrbond1 attaches" $VC attach valenr nrbond1
	dmesg -c >/dev/null
	ip link set nrtun0 master nrbond1 2>/tmp/type.err
	is "$?:$(cat /tmp/type.err)" "2:RTNETLINK answers: Device or resource busy" \
		"type change of an attached bond (tun slave): EBUSY"
	dmesg | grep -q "nrbond1: (slave nrtun0): refused to change device type"
	is $? 0 "the bond logs that its type change was refused"
	# the same on a bond that is not attached: the type changes
	ip link set nrtun1 master nrbond2 && ip -o link show nrbond2 >/tmp/b2
	is "$?:$(grep -c 'link/none' /tmp/b2)" 0:1 \
		"nrbond2, not attached, takes nrtun1 and changes its type"
else
	skip_n $NBOND "no bonding module (vm-run --kmod bonding)"
fi

# --- a macvlan lower device ---
if [ $mv = 1 ]; then
	attach_refused "attach of a macvlan lower device: EBUSY, rx_handler" \
		"$BUSY_RXH" nrc
	ok "the macvlan device itself attaches" $VC attach valenr nrmv0
	ok "and detaches" $VC detach nrmv0
	ip link add link nrd name nrmv1 type macvlan 2>/tmp/mv.err
	is "$?:$(cat /tmp/mv.err)" "2:RTNETLINK answers: Device or resource busy" \
		"an attached device cannot be a macvlan lower device"
else
	skip_n $NMV "no macvlan module (vm-run --kmod macvlan)"
fi

# --- nothing of the refusals stayed behind ---
want="nrd netdev "
[ $bond = 1 ] && want="nrbond1 netdev nrd netdev "
is "$(ports)" "$want" "valenr has exactly the ports attached"
[ $bond = 1 ] && $VC detach nrbond1
ok "detach nrd" $VC detach nrd
is "$(pflag nrd)" 0 "nrd is not promiscuous any more"
nok "the dynamic switch went with its last port" $VC switch show valenr
refused "detach of a detached device: ENOENT" \
	"detach: No such file or directory: device is not attached to a switch" \
	$VC detach nrd
refused "detach of a device never attached: ENOENT" \
	"detach: No such file or directory: device is not attached to a switch" \
	$VC detach nra
done_testing
