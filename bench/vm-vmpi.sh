#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, part "vmpi" (the RINA paper's host-to-VM experiment): one
# QEMU (TCG) guest with both an ivshmem-doorbell device served by
# vale-vmpi (VMPI) and a virtio-net NIC on a tap device (the baseline),
# measured side by side in one boot, size by size:
#
#   goodput guest -> host   vmpi-perf tx in the guest on /dev/vmpi0
#                           channel 1 -> vmpi-perf rx on the host (libvale
#                           VMPI API), then the same guest's vmpi-perf tx
#                           over UDP through virtio-net -> tap -> a host
#                           UDP socket (vmpi-perf rx --udp-listen), for
#                           sizes 0..4000 step 250, 8 KiB, 16 KiB, 64 KiB;
#                           per size VMPI_BENCH_ROUNDS (2) alternations of
#                           VMPI_BENCH_SECS (0.5) s each, summed (the
#                           machine is shared: alternating often keeps
#                           both sides under the same load)
#   round trip              vmpi-perf ping in the guest, pong on the host,
#                           over VMPI channel 2 and over UDP
#
# Baseline: QEMU's own virtio-net with a tap backend.  /dev/vhost-net does
# not exist on these machines, so the tap runs with vhost off (QEMU's
# user-space virtio-net).  This is the guest-to-host-socket path every
# QEMU has; vale-vhost direct mode only joins vhost-user front-ends to each
# other and would need a second hop to reach a host socket.  The tap lives
# in a network namespace this script creates (QEMU and the host UDP peers
# run inside it) and deletes.  UDP datagrams are at most 65507 bytes: the
# 64 KiB size sends 65507-byte datagrams ("payload" in the JSON); beyond
# the MTU (1500) IP fragments them.
#
# Prints:
#   BENCH vmpi size=N {"mbps":..,"msgs_per_sec":..,...}      (host rx)
#   BENCH vmpi-udp size=N {"mbps":..,"msgs_per_sec":..,"loss":..,...}
#   BENCH vmpi-rtt size=N {"rtt_us":{"median":..,"p99":..,...},...}
#   BENCH udp-rtt size=N {...}
# bench/report.py turns them into vmpi-goodput-<size>.json and
# vmpi-rtt-<size>.json.
#
#   bench/vm-vmpi.sh [--kernel 6.1|6.12]
# Environment: VMPI_BENCH_SECS, VMPI_BENCH_ROUNDS, VMPI_BENCH_SIZES,
# VMPI_BENCH_RTT_SIZES, VMPI_BENCH_RTT_SECS (1).
# Logs: build/vmpi-bench/.  Needs root (netns, tap).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kernel=6.1
while [[ $# -gt 0 ]]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	-h|--help) sed -n '3,40s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "vm-vmpi: unknown option $1" >&2; exit 2 ;;
	esac
done
secs=${VMPI_BENCH_SECS:-0.5}
rounds=${VMPI_BENCH_ROUNDS:-2}
rtt_secs=${VMPI_BENCH_RTT_SECS:-1}
sizes=${VMPI_BENCH_SIZES:-$(seq -s ' ' 0 250 4000) 8192 16384 65536}
rtt_sizes=${VMPI_BENCH_RTT_SIZES:-64 1024 4000 16384 65536}

cd "$top"
make -s vmpi >&2
kver=$(selftests/vmpi/build-vmpi.sh "$kernel")
O=build/user
perf=$top/$O/tools/vmpi-perf
logs=$top/build/vmpi-bench
rm -rf "$logs"
mkdir -p "$logs"
work=$(mktemp -d "${TMPDIR:-/tmp}/vale-vmpi-bench.XXXXXX")
ns=vale-vmpi-bench-$$
hostip=10.77.0.1 guestip=10.77.0.2
pids=()

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" tuntap add dev vtap0 mode tap
ip -n "$ns" addr add "$hostip/24" dev vtap0
ip -n "$ns" link set vtap0 up

"$top/$O/qemu-backend/vale-vmpi" --dir "$work" --vm b >"$logs/vale-vmpi.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [[ -S $work/vmpi.ctl ]] && break; sleep 0.1; done
[[ -S $work/vmpi.ctl ]] || { echo "vm-vmpi: vale-vmpi did not start" >&2; exit 1; }

# Host ends: they wait for the guest, then stop 5 s after its traffic.
hp=(--ctl "$work/vmpi.ctl" --vm b --wait-open 120 --idle 5 --json)
"$perf" "${hp[@]}" --gap 0.2 --channel 1 rx >"$logs/vmpi-rx.txt" 2>"$logs/vmpi-rx.err" &
pids+=($!)
"$perf" "${hp[@]}" --channel 2 pong >/dev/null 2>"$logs/vmpi-pong.err" &
pids+=($!)
ip netns exec "$ns" "$perf" --udp-listen "$hostip:5001" --idle 5 --gap 0.2 --json rx \
	>"$logs/udp-rx.txt" 2>"$logs/udp-rx.err" &
pids+=($!)
ip netns exec "$ns" "$perf" --udp-listen "$hostip:5002" --idle 5 pong \
	>/dev/null 2>"$logs/udp-pong.err" &
pids+=($!)
nhost=${#pids[@]}

# The guest: one size over VMPI, the same size over UDP, next size.
cat >"$work/bench-vmpi.sh" <<EOF
sizes="$sizes"
rtt_sizes="$rtt_sizes"
secs=$secs
rounds=$rounds
rtt_secs=$rtt_secs
EOF
cat >>"$work/bench-vmpi.sh" <<'EOF'
insmod /vale/vmpi.ko || exit 1
modprobe virtio_pci
modprobe virtio_net
i=0
while [ ! -e /dev/vmpi0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
dev=$(ls /sys/class/net | grep -v '^lo$' | head -n 1)
[ -n "$dev" ] || { echo "no NIC"; exit 1; }
ip addr add 10.77.0.2/24 dev "$dev"
ip link set "$dev" up
i=0
until ping -c 1 -W 1 10.77.0.1 >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 20 ] || { echo "host not reachable over $dev"; exit 1; }
done
for s in $sizes; do
	r=0
	while [ $r -lt $rounds ]; do
		vmpi-perf --dev /dev/vmpi0 --channel 1 --sizes $s --secs $secs --json tx | sed 's/^/GTX vmpi /'
		sleep 0.3	# a pause the host's rx sees (--gap)
		vmpi-perf --udp 10.77.0.1:5001 --sizes $s --secs $secs --json tx | sed 's/^/GTX udp /'
		sleep 0.3
		r=$((r + 1))
	done
done
for s in $rtt_sizes; do
	vmpi-perf --dev /dev/vmpi0 --channel 2 --sizes $s --secs $rtt_secs --count 1000000 --json ping | sed 's/^/GRTT vmpi /'
	vmpi-perf --udp 10.77.0.1:5002 --sizes $s --secs $rtt_secs --count 1000000 --json ping | sed 's/^/GRTT udp /'
done
echo "guest done"
echo "1..1"
echo "ok 1 - guest done"
EOF

set +e
ip netns exec "$ns" selftests/vm/vm-run --kernel "$kernel" --no-load \
	--kmod virtio_pci --out "$logs/vm" --timeout 400 --test-timeout 300 \
	--file "$perf:/bin/vmpi-perf" \
	--qemu-arg -chardev --qemu-arg "socket,id=v0,path=$work/b-vmpi.sock" \
	--qemu-arg -device --qemu-arg ivshmem-doorbell,chardev=v0,vectors=2 \
	--qemu-arg -netdev --qemu-arg tap,id=n0,ifname=vtap0,script=no,downscript=no \
	--qemu-arg -device --qemu-arg virtio-net-pci,netdev=n0,romfile=,mac=52:54:00:77:00:02 \
	"$work/bench-vmpi.sh" >"$logs/vm-run.out" 2>&1
vrc=$?
set -e

# The host ends finish on their own (idle or reset); then stop them.
for _ in $(seq 100); do
	alive=0
	for p in "${pids[@]:1:$((nhost - 1))}"; do kill -0 "$p" 2>/dev/null && alive=1; done
	[[ $alive == 0 ]] && break
	sleep 0.1
done

if [[ $vrc != 0 ]] || ! grep -q 'guest done' "$logs/vm/side.txt"; then
	cat "$logs/vm-run.out" >&2
	echo "vm-vmpi: the guest run failed (logs in $logs)" >&2
	exit 1
fi

python3 - "$logs" <<'EOF'
import json, os, sys
logs = sys.argv[1]
UDP_MAX = 65507

def jlines(path, prefix=None):
    out = []
    for line in open(path, errors="replace"):
        line = line.strip()
        if prefix:
            if not line.startswith(prefix):
                continue
            line = line[len(prefix):].strip()
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out

side = os.path.join(logs, "vm", "side.txt")
# Every round of a size is one line on each side: sum them.
def total(rows):
    agg = {}
    for d in rows:
        a = agg.setdefault(d["size"], {"msgs": 0, "secs": 0.0, "rounds": 0})
        a["msgs"] += d["msgs"]
        a["secs"] += d["secs"]
        a["rounds"] += 1
    return agg
tx = {t: total(jlines(side, "GTX %s " % t)) for t in ("vmpi", "udp")}
label = lambda n: 65536 if n == UDP_MAX else n
for case, path, t in (("vmpi", "vmpi-rx.txt", "vmpi"),
                      ("vmpi-udp", "udp-rx.txt", "udp")):
    rx = jlines(os.path.join(logs, path))
    for n, a in sorted(total(rx).items()):
        # rx times each round from its first message on: that one is
        # not in msgs.
        got = a["msgs"] + a["rounds"]
        sent = tx[t].get(n, {}).get("msgs")
        rate = a["msgs"] / a["secs"] if a["secs"] > 0 else 0.0
        js = {"mbps": round(rate * n * 8 / 1e6, 3),
              "msgs_per_sec": round(rate), "msgs": got,
              "secs": round(a["secs"], 3), "rounds": a["rounds"],
              "payload": n, "sent": sent,
              "loss": round(max(0.0, 1 - got / sent), 4) if sent else None}
        print("BENCH %s size=%d %s" % (case, label(n), json.dumps(js)))
for case, t in (("vmpi-rtt", "vmpi"), ("udp-rtt", "udp")):
    for d in jlines(side, "GRTT %s " % t):
        js = {"rtt_us": {"median": d["rtt_us_p50"], "p90": d["rtt_us_p90"],
                         "p99": d["rtt_us_p99"], "min": d["rtt_us_min"]},
              "count": d["count"], "lost": d.get("lost", 0),
              "payload": d["size"]}
        print("BENCH %s size=%d %s" % (case, label(d["size"]), json.dumps(js)))
EOF
