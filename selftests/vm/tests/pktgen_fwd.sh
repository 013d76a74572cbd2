#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pktgen_fwd: vale-pktgen fwd between two switches, gen -> valefa ->
# fwd -> valefb -> sink, then the other way, then 9000-byte frames over
# several slots: every frame sent arrives (exact counts at both ends and
# in the forwarder's per-direction counts), nothing is dropped.  The
# rings (2048 slots) hold every frame of a phase, so no scheduling can
# make the switch drop.  Bad fwd usage exits 2.  Order is not checked
# here (vale-pktgen rx does not read payloads).
. /tests/lib.sh

PG=/bin/vale-pktgen
field() { grep -o "\"$1\":[0-9.]*" "$2" | head -n1 | cut -d: -f2; }
dir() { sed -n "s/.*\"$1\":{\"packets\":\([0-9]*\),\"bytes\":\([0-9]*\),\"dropped\":\([0-9]*\)}.*/\1 \2 \3/p" "$2"; }

plan 14
[ -x $PG ] || skip_all "no $PG in the guest (vm-run --file)"

for a in "-i valefa:x" "-i valefa:x -o valefa:x" "-i valefa:x -o valefb:y -l 100" \
	 "-i valefa:x -o valefb:y -D 02:00:00:00:00:01"; do
	$PG fwd $a >/dev/null 2>&1
	is "$?" 2 "fwd $a: usage error"
done
$PG rx -i valefa:x -o valefb:y >/dev/null 2>&1
is "$?" 2 "-o with rx: usage error"

$PG fwd -i valefa:fa -o valefb:fb -s 2048 -d 120 -j >/tmp/fwd.json 2>/tmp/fwd.err &
fp=$!
sleep 1
# phase 1: valefa -> valefb
$PG rx -i valefb:sink -s 2048 -n 1000 -T 5 -j >/tmp/rx1.json 2>&1 &
rp=$!
sleep 0.5
$PG tx -i valefa:gen -s 2048 -n 1000 -b 64 -j >/tmp/tx1.json 2>&1
wait $rp
is "$(field packets /tmp/rx1.json)" 1000 "1000 frames A -> B arrive"
# phase 2: valefb -> valefa
$PG rx -i valefa:gen -s 2048 -n 1000 -T 5 -j >/tmp/rx2.json 2>&1 &
rp=$!
sleep 0.5
$PG tx -i valefb:sink -s 2048 -n 1000 -b 64 -j >/tmp/tx2.json 2>&1
wait $rp
is "$(field packets /tmp/rx2.json)" 1000 "1000 frames B -> A arrive"
# phase 3: 9000-byte frames A -> B (5 slots each)
$PG rx -i valefb:sink -s 2048 -n 100 -T 5 -j >/tmp/rx3.json 2>&1 &
rp=$!
sleep 0.5
$PG tx -i valefa:gen -s 2048 -l 9000 -n 100 -b 8 -j >/tmp/tx3.json 2>&1
wait $rp
is "$(field bytes /tmp/rx3.json)" $((100 * 9000)) "100 9000-byte frames arrive whole"
kill -INT $fp
wait $fp
is "$?" 0 "fwd exits 0 on SIGINT"
cat /tmp/fwd.err
diag "fwd: $(cat /tmp/fwd.json)"
is "$(dir in_to_out /tmp/fwd.json)" "1100 $((1000 * 60 + 100 * 9000)) 0" "fwd counted A -> B exactly"
is "$(dir out_to_in /tmp/fwd.json)" "1000 60000 0" "fwd counted B -> A exactly"
is "$(field packets /tmp/fwd.json)" 2100 "fwd's total"
is "$(sed -n 's/.*"out_port_stats":{"tx_packets":\([0-9]*\),.*/\1/p' /tmp/fwd.json)" 1100 \
	"valefb:fb sent 1100"
is "$(grep -o '"drop_ring_full":[0-9]*' /tmp/fwd.json | tr '\n' ' ')" \
	'"drop_ring_full":0 "drop_ring_full":0 ' "no ring-full drop at either port"
done_testing
