#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Instructions per packet of the forwarding stages (kmod/fwd.c, built for
# user space without sanitizers at -O2: build/user/bench/bench_fwd), counted
# by callgrind: deterministic, unlike time.  Only instructions executed
# inside vale_fwd_txsync() (inclusive: gather, lookup, grouping, lease
# reserve/copy/publish, the pthread mutexes standing in for spinlocks,
# memcpy) are collected (--toggle-collect), so the set-up and the
# receivers' work are not counted.  Prints one line per point:
#
#   INSTR case=unicast batch=512 per_packet=123.4
#
# unicast: to the learned address of one port (of INSTR_RECEIVERS);
# broadcast: to INSTR_RECEIVERS ports (default 4), counted per packet
# sent; pair: unicast from an end of a point-to-point pair, on its fast
# path.  Environment: INSTR_PACKETS (default 25600), INSTR_BATCHES
# (default "1 4 16 64 256 512"), INSTR_CASES (default "unicast broadcast
# pair"),
# INSTR_RECEIVERS (default 4).  bench/report.py reads these lines.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

packets=${INSTR_PACKETS:-25600}
batches=${INSTR_BATCHES:-1 4 16 64 256 512}
cases=${INSTR_CASES:-unicast broadcast pair}
receivers=${INSTR_RECEIVERS:-4}
bin=build/user/bench/bench_fwd

command -v valgrind >/dev/null || { echo "bench-instr: valgrind not found" >&2; exit 1; }
make -s "$bin" >&2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for c in $cases; do
	for b in $batches; do
		out=$tmp/callgrind.$c.$b
		if ! valgrind --tool=callgrind --toggle-collect=vale_fwd_txsync \
			--callgrind-out-file="$out" "$bin" "$c" "$b" "$packets" \
			"$receivers" >"$tmp/log" 2>&1; then
			cat "$tmp/log" >&2
			echo "bench-instr: $c batch $b failed" >&2
			exit 1
		fi
		ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out")
		[[ -n $ir && $ir != 0 ]] || {
			echo "bench-instr: no instructions collected ($out)" >&2
			exit 1
		}
		awk -v c="$c" -v b="$b" -v ir="$ir" -v n="$packets" \
			'BEGIN { printf "INSTR case=%s batch=%s per_packet=%.1f\n", c, b, ir / n }'
	done
done
