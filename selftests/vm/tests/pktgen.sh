#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pktgen: vale-pktgen tx -> rx for about 2 s on one switch, ping <-> pong
# on another; packets arrive and every --json output is one well-formed
# JSON object.  Needs the binary in the guest:
#   selftests/vm/vm-run --file build/user/tools/vale-pktgen:/bin/vale-pktgen \
#       selftests/vm/tests/pktgen.sh
. /tests/lib.sh

PG=/bin/vale-pktgen

# json_ok FILE: the file is exactly one JSON value (RFC 8259 syntax).
json_ok() {
	awk '
	function ws() { while (pos <= n && index(" \t\r\n", substr(s, pos, 1))) pos++ }
	function str(   c) {
		if (substr(s, pos, 1) != "\"") return 0
		pos++
		while (pos <= n) {
			c = substr(s, pos, 1)
			if (c == "\\") { pos += 2; continue }
			if (c == "\"") { pos++; return 1 }
			pos++
		}
		return 0
	}
	function num(   m) {
		m = substr(s, pos)
		if (match(m, /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) {
			pos += RLENGTH
			return 1
		}
		return 0
	}
	function obj(   c) {
		pos++; ws()
		if (substr(s, pos, 1) == "}") { pos++; return 1 }
		while (1) {
			ws(); if (!str()) return 0
			ws(); if (substr(s, pos, 1) != ":") return 0
			pos++; if (!val()) return 0
			ws(); c = substr(s, pos, 1); pos++
			if (c == "}") return 1
			if (c != ",") return 0
		}
	}
	function arr(   c) {
		pos++; ws()
		if (substr(s, pos, 1) == "]") { pos++; return 1 }
		while (1) {
			if (!val()) return 0
			ws(); c = substr(s, pos, 1); pos++
			if (c == "]") return 1
			if (c != ",") return 0
		}
	}
	function val(   c) {
		ws(); c = substr(s, pos, 1)
		if (c == "{") return obj()
		if (c == "[") return arr()
		if (c == "\"") return str()
		if (c ~ /[-0-9]/) return num()
		if (substr(s, pos, 4) == "true" || substr(s, pos, 4) == "null") { pos += 4; return 1 }
		if (substr(s, pos, 5) == "false") { pos += 5; return 1 }
		return 0
	}
	{ s = s $0 "\n" }
	END { n = length(s); pos = 1; if (!val()) exit 1; ws(); exit (pos > n && n > 0) ? 0 : 1 }
	' "$1"
}

# field NAME FILE: a top-level number.
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" "$2" | head -n1; }

plan 16
if [ ! -x $PG ]; then
	i=0
	while [ $i -lt 16 ]; do
		skip "vale-pktgen" "no $PG in the guest (vm-run --file)"
		i=$((i + 1))
	done
	exit 0
fi

# tx -> rx
$PG rx -i vale0:rx -d 10 -T 2 --json >/tmp/rx.json 2>/tmp/rx.err &
rxpid=$!
sleep 1
$PG tx -i vale0:tx -d 2 --json >/tmp/tx.json 2>/tmp/tx.err
is "$?" 0 "tx exits 0"
wait $rxpid
is "$?" 0 "rx exits 0"
cat /tmp/tx.err /tmp/rx.err
diag "tx: $(cat /tmp/tx.json)"
diag "rx: $(cat /tmp/rx.json)"
ok "tx JSON well formed" json_ok /tmp/tx.json
ok "rx JSON well formed" json_ok /tmp/rx.json
txp=$(field packets /tmp/tx.json)
rxp=$(field packets /tmp/rx.json)
rxb=$(field bytes /tmp/rx.json)
ok "tx sent packets" [ "${txp:-0}" -gt 0 ]
ok "rx received packets" [ "${rxp:-0}" -gt 0 ]
ok "rx received no more than tx sent" [ "${rxp:-0}" -le "${txp:-0}" ]
is "$rxb" "$((rxp * 60))" "rx counted 60 bytes a packet"

# jumbo frames over several slots
$PG rx -i vale2:rx -n 100 -T 5 --json >/tmp/rxj.json 2>&1 &
rxpid=$!
sleep 1
$PG tx -i vale2:tx -l 9000 -n 100 -b 8 --json >/tmp/txj.json 2>&1
wait $rxpid
is "$(field bytes /tmp/rxj.json)" "$((100 * 9000))" "9000-byte frames arrive whole"

# ping <-> pong
$PG pong -i vale1:pong -d 20 -T 3 --json >/tmp/pong.json 2>/tmp/pong.err &
pongpid=$!
sleep 1
$PG ping -i vale1:ping -n 50 --json >/tmp/ping.json 2>/tmp/ping.err
is "$?" 0 "ping exits 0"
wait $pongpid
is "$?" 0 "pong exits 0"
diag "ping: $(cat /tmp/ping.json)"
ok "ping JSON well formed" json_ok /tmp/ping.json
ok "pong JSON well formed" json_ok /tmp/pong.json
is "$(sed -n 's/.*"replies":\([0-9]*\).*/\1/p' /tmp/ping.json)" 50 "50 replies"

# errors are readable and non-zero
$PG tx -i novale >/dev/null 2>/tmp/err.txt
rc=$?
ok "bad port name fails" [ "$rc" != 0 ]
ok "with a message" grep -q "cannot open novale" /tmp/err.txt
done_testing
