#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ynl_cli: the kernel's generic YNL client (tools/net/ynl/cli.py of
# linux-source-6.12) drives vale.ko from Documentation/netlink/vale.yaml
# alone: create a switch, read it back (enum decoded by name), refuse a
# duplicate with the kernel's extack message, add ports, dump the ports
# with their counters (exact, after vale-pktgen moved 100 frames), receive
# the notifications of the events group in a second client, delete the
# switch.  Proof that the spec describes the family a third-party tool
# sees.  Needs (scripts/ynl.sh, packaging.md):
#   vm-run --file "$YNL_GUEST:/ynl.tar" \
#          --file Documentation/netlink/vale.yaml:/ynl/vale.yaml \
#          --file build/user/tools/vale-pktgen:/bin/vale-pktgen ...
. /tests/lib.sh

N=19
plan $N
if [ ! -f /ynl.tar ] || [ ! -f /ynl/vale.yaml ] || [ ! -x /bin/vale-pktgen ]; then
	i=0
	while [ $i -lt $N ]; do
		i=$((i + 1))
		skip "ynl cli $i" "needs /ynl.tar, /ynl/vale.yaml (scripts/ynl.sh) and /bin/vale-pktgen"
	done
	exit 0
fi
tar -xf /ynl.tar -C /
export PYTHONPATH=/ynl
ynl() {
	/usr/bin/python3 /ynl/cli.py --spec /ynl/vale.yaml --no-schema \
		--output-json "$@"
}
# count PATTERN FILE: objects of the JSON in FILE that match PATTERN
count() { sed 's/}, {/}\n{/g' "$2" | grep -c "$1"; }
PG=/bin/vale-pktgen

ok "switch-new vale7 (YNL do)" ynl --do switch-new --json '{"name": "vale7", "batch": 64}'
ynl --do switch-get --json '{"name": "vale7"}' >/tmp/sw.json 2>&1
diag "$(cat /tmp/sw.json)"
ok "switch-get: name" grep -q '"name": "vale7"' /tmp/sw.json
ok "switch-get: batch 64, persistent, no ports" \
	grep -q '"batch": 64, "persistent": 1, "nports": 0' /tmp/sw.json
ok "switch-get: lookup mode decoded through the spec's enum" \
	grep -q '"lookup": "learning"' /tmp/sw.json

ynl --do switch-new --json '{"name": "vale7"}' >/tmp/dup.out 2>&1
is "$?" 1 "switch-new again fails"
diag "$(grep -v '^ ' /tmp/dup.out | head -n 4)"
ok "with -EEXIST and the kernel's extack message" \
	grep -q "extack: {'msg': 'switch exists'" /tmp/dup.out
ok "  and error -17" grep -q "error: -17" /tmp/dup.out

ok "port-new vale7:p1 owned by uid 1001" \
	ynl --do port-new --json '{"switch": "vale7", "name": "p1", "uid": 1001}'

# A second client listens on the events group.  It is subscribed once a
# generic netlink socket has a multicast group (/proc/net/netlink, Eth 16,
# Groups != 0: nothing else in this guest listens).
ynl --subscribe events --sleep 40 >/tmp/ntf.json 2>&1 &
sub=$!
i=0
until awk '$2 == 16 && $4 != "00000000" { f = 1 } END { exit !f }' /proc/net/netlink; do
	i=$((i + 1))
	[ $i -ge 120 ] && break
	sleep 0.5
done
[ $i -lt 120 ]
_tap_result $? "second client subscribed to events (after $i polls)"
[ $i -ge 120 ] && diag "$(cat /proc/net/netlink)"
sleep 1

ok "port-new vale7:p2" ynl --do port-new --json '{"switch": "vale7", "name": "p2"}'
# vale-pktgen holds p1 open and counts what arrives; p2 sends 100 frames.
$PG rx -i vale7:p1 -T 30 >/tmp/rx.out 2>&1 &
rx=$!
i=0
until ynl --do port-get --json '{"switch": "vale7", "name": "p1"}' 2>/dev/null |
		grep -q '"open": 1'; do
	i=$((i + 1))
	[ $i -ge 30 ] && break
	sleep 1
done
[ $i -lt 30 ]
_tap_result $? "p1 opened by vale-pktgen, seen by YNL port-get"
# (not through ok: its redirection would swallow the TAP line too)
$PG tx -i vale7:p2 -n 100 -l 60 >/tmp/tx.out 2>&1
_tap_result $? "vale-pktgen sends 100 frames from vale7:p2"

ynl --dump port-get --json '{"switch": "vale7"}' >/tmp/ports.json 2>&1
diag "$(cat /tmp/ports.json)"
is "$(count '"switch": "vale7"' /tmp/ports.json)" 2 "port-get dump: two ports on vale7"
is "$(count '"name": "p1", "kind": "ring", "admin": 1, "open": 1, "index": 0, "uid": 1001' /tmp/ports.json)" 1 \
	"p1: open, with its owner uid"
# p1 received exactly the 100 frames of 60 bytes, and lost nothing.
want='"stats": {"tx-packets": 0, "tx-bytes": 0, "rx-packets": 100, "rx-bytes": 6000, "drop-bad-slot": 0, "drop-bad-frag": 0, "drop-ring-full": 0, "drop-no-dest": 0, "drop-too-long": 0, "drop-link-down": 0, "drop-xmit": 0, "drop-rx-error": 0, "drop-recursion": 0, "bypass-tx-packets": 0, "bypass-rx-packets": 0}'
is "$(count "\"name\": \"p1\".*$want" /tmp/ports.json)" 1 \
	"p1's counters: every counter of the spec, rx 100 packets, 6000 bytes"
kill $rx 2>/dev/null
wait $rx

wait $sub
diag "$(cat /tmp/ntf.json)"
is "$(count '"name": "port-add-ntf", "msg": {"switch": "vale7", "name": "p2"' /tmp/ntf.json)" 1 \
	"subscriber: port-add-ntf for vale7:p2"
ok "subscriber: port-change-ntf for vale7:p1 (opened)" \
	grep -q '"name": "port-change-ntf", "msg": {"switch": "vale7", "name": "p1", "kind": "ring", "admin": 1, "open": 1' /tmp/ntf.json

ynl --do switch-del --json '{"name": "vale7"}' >/dev/null 2>&1
is "$?" 0 "switch-del vale7"
ynl --do switch-get --json '{"name": "vale7"}' >/tmp/gone.out 2>&1
ok "switch-get vale7 then fails with -ENOENT" grep -q "error: -2" /tmp/gone.out
done_testing
