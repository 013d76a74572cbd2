#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# steer_ctl: steering rules from the command line (vale-ctl rule ...) and
# the point-to-point events.  Two ports with rules that send each to the
# other are a pair: p2p-up is announced and "switch show" lists it; a rule
# that lets one of them flood breaks it (p2p-down), deleting that rule
# brings it back, a flush ends it.  The text and JSON of "rule show"
# agree with what was added, and bad rules are usage errors (exit 2) or
# kernel refusals (exit 1) that change nothing.
. /tests/lib.sh

VC=/bin/vale-ctl
PG=/bin/vale-pktgen
plan 21
if [ ! -x $VC ] || [ ! -x $PG ]; then
	for i in $(seq 21); do skip "steer_ctl" "needs /bin/vale-ctl and /bin/vale-pktgen"; done
	done_testing
	exit
fi

$VC -j monitor >/tmp/mon 2>&1 &
mon=$!
ok "switch add valesc lookup rules" $VC switch add valesc lookup rules
is "$($VC -j switch show valesc | grep -c '"lookup":"rules"')" 1 "the switch uses its rules"
# Two ports, each held open by a receiver.
$PG rx -i valesc:a -d 60 >/dev/null 2>&1 &
ra=$!
$PG rx -i valesc:b -d 60 >/dev/null 2>&1 &
rb=$!
i=0
while [ $i -lt 50 ] && [ "$($VC -j switch show valesc | sed -n 's/.*"ports":\([0-9]*\).*/\1/p')" != 2 ]; do
	sleep 0.1
	i=$((i + 1))
done
is "$($VC -j switch show valesc | sed -n 's/.*"npairs":\([0-9]*\).*/\1/p')" 0 "no rules: no pair"
ok "rule add: a to b" $VC rule add valesc id 1 in a action output b
ok "rule add: b to a" $VC rule add valesc id 2 in b action output a
is "$($VC -j switch show valesc | sed -n 's/.*"npairs":\([0-9]*\).*/\1/p')" 1 "a and b are a pair"
# (the lower index first: which of a and b opened first decides)
is "$($VC switch show valesc | grep -cE 'pair (a <-> b|b <-> a) bypass rules (1/2|2/1)$')" 1 "switch show lists it, with its bypass rules"
is "$($VC -j port show valesc:a | grep -c '"bypass_tx_packets":0,"bypass_rx_packets":0')" 1 \
	"port show has the bypass counters"
ok "rule add: a floods ARP" $VC rule add valesc id 3 prio 9 in a type 0x0806 action flood
is "$($VC -j switch show valesc | sed -n 's/.*"npairs":\([0-9]*\).*/\1/p')" 0 "a may reach anyone: no pair"
row=$($VC rule show valesc | awk '$2 == 3 { print $3, $4, $7, $8 }')
is "$row" "9 a 0x0806 flood" "the text row says what was added"
is "$($VC -j rule show valesc id 3 | grep -c '"prio":9,"in":"a","ethertype":2054,"action":"flood"')" 1 \
	"and so does the JSON"
ok "rule del id 3" $VC rule del valesc id 3
is "$($VC -j switch show valesc | sed -n 's/.*"npairs":\([0-9]*\).*/\1/p')" 1 "the pair is back"

$VC rule add valesc id 4 action output >/dev/null 2>&1
is "$?" 2 "output without a port is a usage error"
$VC rule add valesc id 1 action drop 2>/tmp/err
is "$?" 1 "a taken id is refused by the kernel"
is "$(cat /tmp/err)" "vale-ctl: rule add: File exists: a rule with this id exists" "with errno and reason"
is "$($VC -j rule show valesc | grep -o '"id":[0-9]*' | tr '\n' ' ')" '"id":1 "id":2 ' "the table is unchanged"
ok "rule flush" $VC rule flush valesc
kill $ra $rb 2>/dev/null
wait $ra $rb 2>/dev/null
$VC switch del valesc
sleep 0.5
kill $mon 2>/dev/null
wait $mon 2>/dev/null
diag "$(cat /tmp/mon)"
ab='("a":"a","b":"b"|"a":"b","b":"a")'
is "$(grep -cE "\"event\":\"p2p-up\",\"switch\":\"valesc\",$ab" /tmp/mon)" 2 "p2p-up twice"
is "$(grep -cE "\"event\":\"p2p-down\",\"switch\":\"valesc\",$ab" /tmp/mon)" 2 \
	"p2p-down twice (flood rule, flush)"
done_testing
