#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vnet_rollback: a failure part-way through vale-net apply rolls back what
# that apply made (Documentation/vnets.md, "Apply"): a new VNet whose last
# node's command cannot start leaves nothing behind; a change to a
# running VNet that fails the same way leaves the VNet as it was.
# Admission control refuses a bad file before anything is made.
. /tests/lib.sh

VN=/bin/vale-net
VC=/bin/vale-ctl
if [ ! -x $VN ] || [ ! -x $VC ] || ! kmod_load veth; then
	plan 1
	skip "vale-net rollback" "needs /bin/vale-net, /bin/vale-ctl and veth"
	done_testing
	exit
fi
plan 11
cleanup() {
	$VN destroy green >/dev/null 2>&1
	for n in a b bad; do ip netns del vn.green.$n 2>/dev/null; done
}
trap cleanup EXIT

good() {
	cat <<Y
vnets:
  - name: green
    switches: [lan, lan2]
    nodes:
      - name: a
        command: sleep 602
        interfaces: [{name: eth0, switch: lan, address: 10.1.0.1/24}]
      - name: b
        interfaces:
          - {name: eth0, switch: lan, address: 10.1.0.2/24}
          - {name: eth1, switch: lan2}
Y
}
bad() {
	good
	cat <<Y
      - name: bad
        command: /no/such/program --flag
        interfaces: [{name: eth0, switch: lan2, address: 10.1.0.3/24}]
Y
}
nothing_left() {	# no object of VNet green anywhere
	[ "$($VC switch show | grep -c valenet.green)" = 0 ] &&
	[ "$(ls /run/netns 2>/dev/null | grep -c '^vn\.green\.')" = 0 ] &&
	[ "$(ip -o link show | grep -c ': vn[0-9a-f]\{8\}[@:]')" = 0 ] &&
	[ "$(ps | grep -c 'sleep 602$')" = 0 ] &&
	[ ! -e /run/vale-net/green.state ]
}

bad >/tmp/bad.yaml
$VN apply /tmp/bad.yaml >/tmp/out 2>&1
rc=$?
sed 's/^/# /' /tmp/out
is "$rc" 1 "apply of a VNet with a node that cannot start fails (exit 1)"
ok "it names the node and the command" \
	grep -q "node bad: command '/no/such/program --flag' cannot start: No such file or directory" /tmp/out
ok "it says it rolled back the 10 actions done" grep -q '^rolled back: 10 actions undone' /tmp/out
ok "nothing of the VNet is left" nothing_left

good >/tmp/good.yaml
ok "apply the good VNet" $VN apply /tmp/good.yaml
before=$($VN -j show)
$VN apply /tmp/bad.yaml >/tmp/out 2>&1
rc=$?
sed 's/^/# /' /tmp/out
is "$rc" 1 "adding the node that cannot start to the running VNet fails"
ok "only the new node's 2 actions were undone" grep -q '^rolled back: 2 actions undone' /tmp/out
is "$($VN -j show)" "$before" "the VNet is as it was (show --json is the same)"
ok "a still pings b" ip netns exec vn.green.a ping -c 2 -W 2 10.1.0.2

# admission control: a bad file changes nothing, every problem at once
sed -e 's/switch: lan2}/switch: wan}/' -e 's/10.1.0.2/10.1.0.1/' /tmp/good.yaml >/tmp/refused.yaml
$VN apply /tmp/refused.yaml >/tmp/out 2>&1
rc=$?
sed 's/^/# /' /tmp/out
is "$rc:$(grep -c 'vale-net: /tmp/refused.yaml:' /tmp/out)" "2:2" \
	"a file with a dangling switch and an address clash: exit 2, both reported"
destroy_clean() { $VN destroy green >/dev/null && nothing_left; }
ok "destroy green; nothing left" destroy_clean
done_testing
