#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vale_ctl: the command line itself.  Every word may be shortened to a
# prefix; the keyword spellings (switch set, port attach dev DEV switch SW,
# port detach dev DEV) do what the older ones do; the text table and the
# JSON of one show describe the same object; a bad word or a missing
# keyword is a usage error (exit 2) and changes nothing.
. /tests/lib.sh

VC=/bin/vale-ctl
plan 20
if [ ! -x $VC ]; then
	for i in $(seq 20); do skip "vale-ctl" "needs /bin/vale-ctl"; done
	done_testing
	exit
fi
kmod_load veth || { for i in $(seq 20); do skip "vale-ctl" "no veth"; done; done_testing; exit; }

cleanup() { ip link del vc1 2>/dev/null; }
trap cleanup EXIT
ip link add vc1 type veth peer name vc1p
ip link set vc1 up

ok "sw a: switch add by prefixes" $VC sw a valec restricted off
is "$($VC -j s sh valec | grep -c '"name":"valec"')" 1 "s sh: switch show by prefixes"
ok "switch set (keyword spelling)" $VC switch set valec batch 64
is "$($VC -j switch show valec | sed -n 's/.*"batch":\([0-9]*\).*/\1/p')" 64 "batch is 64"
ok "set (older spelling)" $VC set valec batch 32
is "$($VC -j switch show valec | sed -n 's/.*"batch":\([0-9]*\).*/\1/p')" 32 "batch is 32"

ok "port attach dev vc1 switch valec" $VC port attach dev vc1 switch valec
is "$($VC -j p sh valec:vc1 | grep -c '"kind":"netdev"')" 1 "the device is a netdev port"
# The table and the JSON of the same port: name, kind, index agree.
idx=$($VC -j port show valec:vc1 | sed -n 's/.*"index":\([0-9]*\).*/\1/p')
row=$($VC port show valec:vc1 | awk '$1 == "valec:vc1" { print $2, $3 }')
is "$row" "netdev $idx" "text row and JSON agree (kind, index $idx)"
is "$($VC port show valec:vc1 | head -n 1 | awk '{ print $1, $2, $3 }')" "PORT KIND INDEX" "text has its header"
ok "port detach dev vc1" $VC port detach dev vc1
is "$($VC -j port show valec | grep -c vc1)" 0 "the port went"
ok "attach SWITCH DEV (older spelling)" $VC attach valec vc1
ok "detach DEV SWITCH (older spelling)" $VC detach vc1 valec

$VC port attach dev vc1 >/dev/null 2>&1
is "$?" 2 "port attach without switch is a usage error"
$VC port frobnicate >/dev/null 2>&1
is "$?" 2 "an unknown verb is a usage error"
$VC switch add valec frob 1 >/dev/null 2>&1
is "$?" 2 "an unknown option is a usage error"
is "$($VC -j switch show valec | grep -c '"batch":32')" 1 "and changed nothing"
ok "switch del by prefixes" $VC sw d valec
is "$($VC -j switch show | grep -c valec)" 0 "the switch is gone"
done_testing
