#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: every comparison side by side in one run, as ratios.
#
#   framework (VM) tools/vale-bench with bench/standard.yaml: every
#             transport side by side (vale, vale-veth, the Linux bridge
#             with each socket API, Open vSwitch, AF_XDP), sizes 64..1500,
#             bursts 1/32/256, 1vs1 and 2vs2, throughput and round trips,
#             repetitions alternated; the tree, summary.md and plots in
#             bench/results/tree/, and bench/results/vale-vs-PEER.json
#             (vale against each peer at 64 and 1500 bytes: throughput,
#             p50 and p99 round trip; median, per-round range, and whether
#             the spread exceeds the effect)
#   switch    (VM) vale-pktgen's own figures: vale port -> vale port, 60
#             and 1514 bytes, batch sweep; fan-out to 1, 2, 4, 8
#             receivers; DPDK testpmd txonly (net_virtio_user) ->
#             vale-vhost -> switch -> vale-pktgen rx against vale port ->
#             vale port (bench/vm-switch.sh)
#   instr     (host) instructions per packet of the forwarding stages,
#             callgrind on the Tier-0 build
#   vhost     (host) vale-vhost direct mode against testpmd's net_vhost
#             io forwarding, both between two testpmd virtio-user
#             front-ends, 64 and 1518 bytes (bench/host-vhost.sh)
#   vmpi      (VM) VMPI goodput guest -> host, sizes 0..4000 step 250, 8,
#             16, 64 KiB, and round trips, against UDP over virtio-net
#             (tap) from the same guest (bench/vm-vmpi.sh)
#   chain     (VM) chains of 1, 2, 4, 8 vale-pktgen fwd forwarders, one
#             two-port switch between each: the p2p fast path against the
#             same pair decided by two rules (lookup per frame) and the
#             learning bridge, alternated over BENCH_ROUNDS rounds (3):
#             Mpps at 60 and 1514 bytes, ping round trips p50/p99, CPU
#             per million frames (bench/vm-chain.sh, bench/chain.py).
#             Not in the default list yet: its first full run did not
#             finish within 16 minutes (Documentation/performance.md)
#
# Results: one JSON file per comparison in bench/results/, plus
# bench/results/summary.md.  Environment: BENCH_KERNEL (default 6.1),
# BENCH_SECONDS, BENCH_LENS, BENCH_BATCHES, BENCH_FANOUT, BENCH_ONLY,
# BENCH_ROUNDS, BENCH_CHAIN (chain lengths),
# BENCH_RUN (the framework's run file, default bench/standard.yaml),
# BENCH_ARGS (more vale-bench options, e.g. "-n 5 -d 3s").
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/bench/results
mkdir -p "$out"
raw=$out/raw
rm -rf "$raw"
mkdir -p "$raw"
kernel=${BENCH_KERNEL:-6.1}
only=${BENCH_ONLY:-framework switch instr vhost vmpi}

# vhost alone needs only the user-space build (bench/host-vhost.sh makes it)
[[ " $only " == *" switch "* || " $only " == *" instr "* ||
   " $only " == *" chain "* ||
   " $only " == *" framework "* ]] &&
	make -s all KERNEL="$kernel" >&2

if [[ " $only " == *" framework "* ]]; then
	# The tree is kept between runs: points already measured with the
	# same duration are skipped (remove bench/results/tree to start over).
	# shellcheck disable=SC2086
	tools/vale-bench/vale-bench run --kernel "$kernel" \
		-f "${BENCH_RUN:-bench/standard.yaml}" -o "$out/tree" \
		${BENCH_ARGS:-} >&2 ||
		echo "bench: points of the framework's sweep failed (see $out/tree/summary.md)" >&2
	tools/vale-bench/vale-bench ratios "$out/tree" -o "$out" >"$raw/framework.md"
fi

if [[ " $only " == *" switch "* ]]; then
	# The guest script, with the sweep settings of this run in front.
	: >"$raw/bench-switch.sh"
	for v in BENCH_SECONDS BENCH_LENS BENCH_BATCHES BENCH_FANOUT; do
		if [[ -n ${!v:-} ]]; then
			printf "%s='%s'\n" "$v" "${!v}" >>"$raw/bench-switch.sh"
		fi
	done
	cat bench/vm-switch.sh >>"$raw/bench-switch.sh"
	# testpmd (net_virtio_user) for the front-end -> vale-vhost -> switch
	# case; the guest script skips it without them.
	tpfiles=()
	if [[ -x /usr/bin/dpdk-testpmd ]]; then
		tpfiles+=(--bin /usr/bin/dpdk-testpmd)
		for p in /usr/lib/x86_64-linux-gnu/dpdk/pmds-*/librte_{net_virtio,mempool_ring}.so.*.*; do
			[[ -f $p ]] && tpfiles+=(--file "$p:$p")
		done
	fi
	selftests/vm/vm-run -v --kernel "$kernel" --timeout 1800 \
		--test-timeout 1500 --out "$raw/vm" \
		--file build/user/tools/vale-pktgen:/bin/vale-pktgen \
		--file build/user/tools/vale-ctl:/bin/vale-ctl \
		--file build/user/qemu-backend/vale-vhost:/bin/vale-vhost \
		"${tpfiles[@]}" \
		"$raw/bench-switch.sh" >"$raw/switch.log" 2>&1 || {
		cat "$raw/switch.log" >&2
		echo "bench: the switch benchmark failed" >&2
		exit 1
	}
	grep '^BENCH ' "$raw/switch.log" >"$raw/switch.txt"
fi

if [[ " $only " == *" instr "* ]]; then
	scripts/bench-instr.sh >"$raw/instr.txt"
fi

if [[ " $only " == *" vhost "* ]]; then
	bench/host-vhost.sh >"$raw/vhost.txt" || {
		echo "bench: the vhost benchmark failed" >&2
		exit 1
	}
fi

if [[ " $only " == *" vmpi "* ]]; then
	bench/vm-vmpi.sh --kernel "$kernel" >"$raw/vmpi.txt" || {
		echo "bench: the vmpi benchmark failed" >&2
		exit 1
	}
fi

if [[ " $only " == *" chain "* ]]; then
	: >"$raw/bench-chain.sh"
	for v in BENCH_SECONDS BENCH_ROUNDS BENCH_CHAIN; do
		if [[ -n ${!v:-} ]]; then
			printf "%s='%s'\n" "$v" "${!v}" >>"$raw/bench-chain.sh"
		fi
	done
	cat bench/vm-chain.sh >>"$raw/bench-chain.sh"
	selftests/vm/vm-run -v --kernel "$kernel" --timeout 1800 \
		--test-timeout 1500 --out "$raw/vm-chain" \
		--file build/user/tools/vale-pktgen:/bin/vale-pktgen \
		--file build/user/tools/vale-ctl:/bin/vale-ctl \
		"$raw/bench-chain.sh" >"$raw/chain.log" 2>&1 || {
		cat "$raw/chain.log" >&2
		echo "bench: the chain benchmark failed" >&2
		exit 1
	}
	grep '^BENCH chain' "$raw/chain.log" >"$raw/chain.txt"
fi

python3 bench/report.py "$raw" "$out"
if [[ -s $raw/framework.md ]]; then
	{
		echo
		echo "## The framework: vale against each peer (bench/results/tree/summary.md)"
		echo
		cat "$raw/framework.md"
	} >>"$out/summary.md"
fi
cat "$out/summary.md"
