#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# default_batch: the module parameter /sys/module/vale/parameters/
# default_batch accepts 1..1024 only, and a switch created with batch 1
# (every packet its own batch) or 1024 still forwards everything.  Uses
# vale-pktgen when it is in the guest (--file .../vale-pktgen:/bin/vale-pktgen).
. /tests/lib.sh

P=/sys/module/vale/parameters/default_batch
PG=/bin/vale-pktgen

plan 30
ok "parameter exists" [ -f $P ]
is "$(cat $P)" 512 "default is 512"
for v in 0 1025 4096 -1 abc 1x "" 99999999999; do
	nok "rejects '$v'" sh -c "echo '$v' >$P" 2>/dev/null
	is "$(cat $P)" 512 "still 512 after '$v'"
done
for v in 1 1024 0x40 512; do
	ok "accepts $v" sh -c "echo $v >$P"
	is "$(cat $P)" "$(printf %d $v)" "reads back $v"
done

if [ -x $PG ]; then
	n=0
	for b in 1 7 1024; do
		n=$((n + 1))
		echo $b >$P
		$PG rx -i valedb$n:rx -n 300 -T 5 --json >/tmp/rx$n.json 2>&1 &
		rxpid=$!
		sleep 1
		$PG tx -i valedb$n:tx -l 60 -n 300 -b 64 >/dev/null 2>&1
		wait $rxpid
		is "$(sed -n 's/.*"bytes":\([0-9]*\).*/\1/p' /tmp/rx$n.json | head -n1)" \
			$((300 * 60)) "switch with batch $b forwards all 300 frames"
	done
	echo 512 >$P
else
	for b in 1 7 1024; do
		skip "switch with batch $b forwards all 300 frames" "no /bin/vale-pktgen"
	done
fi
is "$(cat $P)" 512 "restored"
done_testing
