#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vnet_lifecycle: vale-net on one host (Documentation/vnets.md): apply a
# VNet (two namespaces, a process node with an owned port), apply again
# (no change), add a node while a ping between the others runs (not one
# echo lost, only the new node's objects made), destroy (nothing left:
# switches, ports, namespaces, veths, processes, state).
. /tests/lib.sh

VN=/bin/vale-net
VC=/bin/vale-ctl
if [ ! -x $VN ] || [ ! -x $VC ] || ! kmod_load veth; then
	plan 1
	skip "vale-net lifecycle" "needs /bin/vale-net, /bin/vale-ctl and veth"
	done_testing
	exit
fi
plan 17
cleanup() {
	$VN destroy red >/dev/null 2>&1
	for n in a b c; do ip netns del vn.red.$n 2>/dev/null; done
}
trap cleanup EXIT

base() {
	cat <<Y
vnets:
  - name: red
    switches: [lan]
    nodes:
      - name: a
        command: sleep 600
        interfaces: [{name: eth0, switch: lan, mac: "02:00:00:00:00:01", address: 10.0.0.1/24}]
      - name: b
        interfaces: [{name: eth0, switch: lan, mac: "02:00:00:00:00:02", address: 10.0.0.2/24}]
      - name: p
        kind: process
        command: sleep 601
        user: 1001
        interfaces: [{name: port0, switch: lan}]
Y
}
base >/tmp/v1.yaml
{ base; cat <<Y
      - name: c
        interfaces: [{name: eth0, switch: lan, address: 10.0.0.3/24}]
Y
} >/tmp/v2.yaml

$VN apply /tmp/v1.yaml >/tmp/out 2>&1
rc=$?
cat /tmp/out | sed 's/^/# /'
is "$rc" 0 "apply: exit 0"
ok "apply: the phases are timed (check, remove, nodes, links, tunnels, start)" \
	grep -q '^phases: check .* ms, remove .* ms, nodes .* ms, links .* ms, tunnels .* ms, start .* ms; total' /tmp/out
is "$(grep -c '^  + ' /tmp/out)" 9 "apply: 9 changes listed (3 nodes, a switch, 3 interfaces, 2 commands)"
ok "a pings b through the VNet's switch" \
	ip netns exec vn.red.a ping -c 2 -W 2 10.0.0.2
sw=$($VC -j switch show valenet.red.lan)
ok "the switch is restricted and persistent" \
	sh -c "echo '$sw' | grep -q '\"restricted\":true,\"persistent\":true'"
pj=$($VC -j port show valenet.red.lan:p.port0)
ok "the process node has its owned port (uid 1001)" \
	sh -c "echo '$pj' | grep -q '\"admin\":true.*\"uid\":1001'"

$VN apply /tmp/v1.yaml >/tmp/out2 2>&1
rc=$?
is "$rc:$(grep -c '^  [+-] ' /tmp/out2)" "0:0" "second apply: exit 0, no action"
ok "second apply says so" grep -q '^no change: what runs is what the file says' /tmp/out2

# add node c while a pings b: not one echo lost
ip netns exec vn.red.a ping -c 40 -i 0.1 -W 2 10.0.0.2 >/tmp/ping 2>&1 &
pp=$!
sleep 1
$VN apply /tmp/v2.yaml >/tmp/out3 2>&1
rc=$?
wait $pp
sed 's/^/# /' /tmp/out3
is "$rc" 0 "modify (add node c): exit 0"
is "$(grep -c '^  [+-] ' /tmp/out3):$(grep '^  [+-] ' /tmp/out3 | grep -vc ' c[ /]')" "2:0" \
	"modify: only node c and its interface are made"
ok "a's ping to b lost nothing while c was added" \
	grep -q '40 packets transmitted, 40 packets received' /tmp/ping
ok "c pings a" ip netns exec vn.red.c ping -c 2 -W 2 10.0.0.1
ok "show --json lists c and the running commands" \
	sh -c "$VN -j show | grep -q '\"name\":\"c\"' && $VN -j show | grep -q '\"running\":true'"

ok "destroy red" $VN destroy red
left=$($VC switch show | grep -c valenet)
ports=$($VC port show | grep -c valenet)
is "$left:$ports" "0:0" "no switch or port of the VNet left"
ns=$(ls /run/netns 2>/dev/null | grep -c '^vn\.')
veths=$(ip -o link show | grep -c ': vn[0-9a-f]\{8\}[@:]')
is "$ns:$veths" "0:0" "no namespace or veth of the VNet left"
procs=$(ps | grep -c 'sleep 60[01]$')
is "$procs:$(ls /run/vale-net/*.state 2>/dev/null | wc -l)" "0:0" "no process and no state file left"
done_testing
