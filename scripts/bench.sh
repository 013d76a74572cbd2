#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: every comparison side by side in one run, as ratios.
#
#   switch    (VM) vale port -> vale port against a Linux bridge with veth
#             pairs driven by raw AF_PACKET and by UDP sockets, 60 and
#             1514 bytes, batch sweep; fan-out to 1, 2, 4, 8 receivers;
#             vale port -> attached veth -> UDP socket in a namespace
#             against the Linux bridge path to the same kind of socket;
#             DPDK testpmd txonly (net_virtio_user) -> vale-vhost -> switch
#             -> vale-pktgen rx against vale port -> vale port
#   instr     (host) instructions per packet of the forwarding stages,
#             callgrind on the Tier-0 build
#   vhost     (host) vale-vhost direct mode against testpmd's net_vhost
#             io forwarding, both between two testpmd virtio-user
#             front-ends, 64 and 1518 bytes (bench/host-vhost.sh)
#   vmpi      (VM) VMPI goodput guest -> host, sizes 0..4000 step 250, 8,
#             16, 64 KiB, and round trips, against UDP over virtio-net
#             (tap) from the same guest (bench/vm-vmpi.sh)
#
# Results: one JSON file per comparison in bench/results/, plus
# bench/results/summary.md.  Environment: BENCH_KERNEL (default 6.1),
# BENCH_SECONDS, BENCH_LENS, BENCH_BATCHES, BENCH_FANOUT, BENCH_ONLY.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/bench/results
mkdir -p "$out"
raw=$out/raw
rm -rf "$raw"
mkdir -p "$raw"
kernel=${BENCH_KERNEL:-6.1}
only=${BENCH_ONLY:-switch instr vhost vmpi}

# vhost alone needs only the user-space build (bench/host-vhost.sh makes it)
[[ " $only " == *" switch "* || " $only " == *" instr "* ]] &&
	make -s all KERNEL="$kernel" >&2

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
		--file build/user/tools/vale-bench-static:/bin/vale-bench \
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

python3 bench/report.py "$raw" "$out"
cat "$out/summary.md"
