#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the raw lines of make bench into bench/results/*.json + summary.md.

Input (RAW directory):
  switch.txt  lines "BENCH <case> key=value... <json>" from bench/vm-switch.sh
              (among them "BENCH vhost-port len=N <json>": testpmd ->
              vale-vhost -> switch -> vale-pktgen rx)
  instr.txt   lines "INSTR key=value..." from scripts/bench-instr.sh
  vhost.txt   lines "BENCH vhost-vale|vhost-dpdk len=N <json>" from
              bench/host-vhost.sh
  chain.txt   lines "BENCH chain-* round=R variant=V n=N len=L <json>" from
              bench/vm-chain.sh (analysed by bench/chain.py)
  vmpi.txt    lines "BENCH vmpi|vmpi-udp|vmpi-rtt|udp-rtt size=N <json>"
              from bench/vm-vmpi.sh

Every output file is one comparison measured side by side in the same run:
name, unit, ours, baseline, baseline_name, ratio (> 1 means vale is better),
params, where.
"""
import json
import os
import sys

from chain import chain_results, chain_summary


def parse_bench(path):
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("BENCH "):
                continue
            head, _, js = line.partition(" {")
            parts = head.split()[1:]
            case, kv = parts[0], dict(p.split("=", 1) for p in parts[1:])
            try:
                data = json.loads("{" + js)
            except ValueError:
                data = None
            rows.append((case, kv, data))
    return rows


def parse_kv(path, tag):
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            parts = line.split()
            if parts and parts[0] == tag:
                rows.append(dict(p.split("=", 1) for p in parts[1:]))
    return rows


def mpps(d):
    return d["pps"] / 1e6 if d else 0.0


def ratio(ours, base):
    return round(ours / base, 3) if base else None


VMPI_BASE = ("UDP through QEMU virtio-net (tap backend, vhost off) "
             "to a host socket, same guest, same run")


def vmpi_results(raw):
    """VMPI against UDP over virtio-net (bench/vm-vmpi.sh)."""
    rows = parse_bench(os.path.join(raw, "vmpi.txt"))
    got = {}
    for c, kv, d in rows:
        if d is not None:
            got[(c, int(kv["size"]))] = d
    res = []
    for n in sorted({n for c, n in got if c == "vmpi"}):
        ours, base = got.get(("vmpi", n)), got.get(("vmpi-udp", n))
        if not ours or not base:
            continue
        # Size 0 carries no payload: compare messages per second.
        key, unit = (("msgs_per_sec", "messages/s guest -> host") if n == 0
                     else ("mbps", "Mbit/s goodput guest -> host"))
        res.append({
            "name": "vmpi-goodput-%d" % n,
            "unit": unit,
            "ours": ours[key],
            "baseline": base[key],
            "baseline_name": VMPI_BASE,
            "ratio": ratio(ours[key], base[key]),
            "params": {
                "size": n, "udp_payload": base.get("payload"),
                "vmpi_msgs_per_sec": ours["msgs_per_sec"],
                "udp_msgs_per_sec": base["msgs_per_sec"],
                "vmpi_mbps": ours["mbps"], "udp_mbps": base["mbps"],
                "udp_loss": base.get("loss"), "secs": ours.get("secs"),
                "tool": "vmpi-perf tx in the guest, rx on the host",
            },
            "where": "vm-tcg",
        })
    for n in sorted({n for c, n in got if c == "vmpi-rtt"}):
        ours, base = got.get(("vmpi-rtt", n)), got.get(("udp-rtt", n))
        if not ours or not base:
            continue
        o, b = ours["rtt_us"]["median"], base["rtt_us"]["median"]
        res.append({
            "name": "vmpi-rtt-%d" % n,
            "unit": "round trip, median us (lower is better)",
            "ours": o,
            "baseline": b,
            "baseline_name": VMPI_BASE,
            # Lower is better: baseline / ours, so that > 1 means better.
            "ratio": ratio(b, o),
            "params": {
                "size": n, "udp_payload": base.get("payload"),
                "vmpi_rtt_us": ours["rtt_us"], "udp_rtt_us": base["rtt_us"],
                "vmpi_count": ours.get("count"),
                "udp_count": base.get("count"),
                "udp_lost": base.get("lost"),
                "tool": "vmpi-perf ping in the guest, pong on the host",
            },
            "where": "vm-tcg",
        })
    return res


def vmpi_summary(f, results):
    gp = [r for r in results if r["name"].startswith("vmpi-goodput-")]
    if gp:
        f.write("\n## VMPI goodput guest -> host (TCG guest)\n\n"
                "Baseline: %s.\n\n" % VMPI_BASE)
        f.write("| size | VMPI Mbit/s | VMPI msg/s | UDP Mbit/s | UDP msg/s "
                "| UDP loss | ratio |\n|---|---|---|---|---|---|---|\n")
        for r in gp:
            p = r["params"]
            f.write("| %d | %s | %s | %s | %s | %s | %s |\n" % (
                p["size"], p["vmpi_mbps"], p["vmpi_msgs_per_sec"],
                p["udp_mbps"], p["udp_msgs_per_sec"], p["udp_loss"],
                r["ratio"]))
    rt = [r for r in results if r["name"].startswith("vmpi-rtt-")]
    if rt:
        f.write("\n## VMPI round trip (TCG guest pings, host echoes)\n\n")
        f.write("| size | VMPI median us | VMPI p99 us | UDP median us "
                "| UDP p99 us | ratio (UDP / VMPI median) |\n"
                "|---|---|---|---|---|---|\n")
        for r in rt:
            p = r["params"]
            f.write("| %d | %s | %s | %s | %s | %s |\n" % (
                p["size"], p["vmpi_rtt_us"]["median"], p["vmpi_rtt_us"]["p99"],
                p["udp_rtt_us"]["median"], p["udp_rtt_us"]["p99"],
                r["ratio"]))


def main(raw, out):
    results = []
    where = "vm-tcg"
    rows = parse_bench(os.path.join(raw, "switch.txt"))

    lens = sorted({int(kv["len"]) for c, kv, _ in rows if c == "vale"})
    for length in lens:
        sweep = {int(kv["batch"]): d for c, kv, d in rows
                 if c == "vale" and int(kv["len"]) == length}
        base = {c: d for c, kv, d in rows
                if c in ("bridge-packet", "bridge-udp")
                and int(kv["len"]) == length}
        # The Linux bridge baselines are the framework's now
        # (bench/results/vale-vs-*.json); without them no ratio here.
        if not sweep or not base:
            continue
        b = 512 if 512 in sweep else max(sweep)
        ours = mpps(sweep[b])
        best = max(base.items(), key=lambda x: mpps(x[1]),
                   default=(None, None))
        bname = {"bridge-packet":
                 "Linux bridge + veth, raw AF_PACKET (sendmmsg, TPACKET_V3)",
                 "bridge-udp":
                 "Linux bridge + veth, UDP sendmmsg/recvmmsg"}.get(best[0])
        results.append({
            "name": "switch-%dB" % length,
            "unit": "Mpps received",
            "ours": round(ours, 4),
            "baseline": round(mpps(best[1]), 4),
            "baseline_name": bname,
            "ratio": ratio(ours, mpps(best[1])),
            "params": {
                "length": length, "batch": b,
                "vale_batch_sweep_mpps": {str(k): round(mpps(v), 4)
                                          for k, v in sorted(sweep.items())},
                "vale_gbps": sweep[b]["gbps"] if sweep[b] else None,
                "baselines_mpps": {k: round(mpps(v), 4)
                                   for k, v in base.items()},
                "baseline_gbps": best[1]["gbps"] if best[1] else None,
            },
            "where": where,
        })

    # front-end (testpmd net_virtio_user) -> vale-vhost -> vale switch ->
    # vale-pktgen rx, against vale port -> vale port at the same length.
    for length in sorted({int(kv["len"]) for c, kv, _ in rows
                          if c == "vhost-port"}):
        ours = [d for c, kv, d in rows if c == "vhost-port"
                and int(kv["len"]) == length and d]
        sweep = {int(kv["batch"]): d for c, kv, d in rows
                 if c == "vale" and int(kv["len"]) == length and d}
        if not ours or not sweep:
            continue
        b = 512 if 512 in sweep else max(sweep)
        results.append({
            "name": "vhost-port-%dB" % length,
            "unit": "Mpps received",
            "ours": round(mpps(ours[0]), 4),
            "baseline": round(mpps(sweep[b]), 4),
            "baseline_name": "vale port -> vale port, same run",
            "ratio": ratio(mpps(ours[0]), mpps(sweep[b])),
            "params": {
                "length": length, "baseline_batch": b,
                "path": "DPDK testpmd txonly (net_virtio_user, --no-huge) "
                        "-> vale-vhost (vale-port mode) -> vale switch -> "
                        "vale-pktgen rx",
                "baseline_path": "vale-pktgen tx -> vale switch -> "
                                 "vale-pktgen rx",
                "meaning": "both end in the same switch and receiver; the "
                           "ratio is the cost of the vhost-user hop "
                           "(virtqueue -> vale-vhost -> vale port) against "
                           "a sender that writes the vale port directly "
                           "(< 1: the hop is slower)",
                "vhost_gbps": ours[0].get("gbps"),
                "baseline_gbps": sweep[b].get("gbps"),
                "cpus": "testpmd forwards on vCPU 1, receiver on vCPU 0, "
                        "vale-vhost not pinned",
            },
            "where": where,
        })

    # vale port -> netdev port (veth) -> UDP socket in a namespace, against
    # a UDP socket sender -> Linux bridge -> veth -> UDP socket.
    for length in sorted({int(kv["len"]) for c, kv, _ in rows
                          if c == "vale-netdev-udp"}):
        ours = [d for c, kv, d in rows if c == "vale-netdev-udp"
                and int(kv["len"]) == length]
        base = [d for c, kv, d in rows if c == "bridge-udp"
                and int(kv["len"]) == length]
        if not ours or not base:
            continue
        results.append({
            "name": "netdev-udp-%dB" % length,
            "unit": "Mpps received by a UDP socket in a namespace",
            "ours": round(mpps(ours[0]), 4),
            "baseline": round(mpps(base[0]), 4),
            "baseline_name": "UDP sendmmsg in a namespace -> Linux bridge "
                             "+ veth -> UDP recvmmsg in a namespace",
            "ratio": ratio(mpps(ours[0]), mpps(base[0])),
            "params": {"length": length,
                       "path": "vale-pktgen tx -> vale switch -> attached "
                               "veth -> UDP recvmmsg in a namespace"},
            "where": where,
        })

    fan = {}
    for c, kv, d in rows:
        if c == "fanout":
            fan.setdefault(int(kv["n"]), []).append(mpps(d))
    if fan and 1 in fan:
        one = sum(fan[1])
        for n in sorted(fan):
            total = sum(fan[n])
            results.append({
                "name": "fanout-%d" % n,
                "unit": "Mpps delivered, sum over receivers",
                "ours": round(total, 4),
                "baseline": round(one, 4),
                "baseline_name": "vale, same sender, 1 receiver",
                "ratio": ratio(total, one),
                "params": {"receivers": n, "length": 60,
                           "per_receiver_mpps": [round(x, 4)
                                                 for x in fan[n]]},
                "where": where,
            })

    instr = parse_kv(os.path.join(raw, "instr.txt"), "INSTR")
    for case in sorted({r["case"] for r in instr}):
        by_batch = {int(r["batch"]): float(r["per_packet"])
                    for r in instr if r["case"] == case}
        if 1 not in by_batch:
            continue
        b = 512 if 512 in by_batch else max(by_batch)
        results.append({
            "name": "instructions-%s" % case,
            "unit": "instructions per packet (lower is better)",
            "ours": by_batch[b],
            "baseline": by_batch[1],
            "baseline_name": "vale forwarding stages with batch 1",
            # Lower is better: invert so that > 1 still means better.
            "ratio": ratio(by_batch[1], by_batch[b]),
            "params": {"batch": b, "length": 60,
                       "sweep": {str(k): v
                                 for k, v in sorted(by_batch.items())},
                       "tool": "valgrind --tool=callgrind, Tier-0 build"},
            "where": "host",
        })

    vhost = parse_bench(os.path.join(raw, "vhost.txt"))
    for length in sorted({int(kv["len"]) for c, kv, _ in vhost}):
        got = {c: d for c, kv, d in vhost if int(kv["len"]) == length}
        ours, base = got.get("vhost-vale"), got.get("vhost-dpdk")
        if not ours or not base:
            continue
        results.append({
            "name": "vhost-%dB" % length,
            "unit": "Mpps received",
            "ours": round(mpps(ours), 4),
            "baseline": round(mpps(base), 4),
            "baseline_name": "DPDK testpmd, two net_vhost ports, io forwarding",
            "ratio": ratio(mpps(ours), mpps(base)),
            "params": {
                "length": length,
                "frontends": "2 x testpmd net_virtio_user, txonly -> rxonly",
                "vale_mode": "vale-vhost direct pair",
                "vale": ours, "baseline_raw": base,
                "vale_gbps": ours.get("gbps"), "baseline_gbps": base.get("gbps"),
                "cpus": "tx front-end forwards on core 1; rx front-end and "
                        "the backend share core 0",
            },
            "where": "host",
        })

    results += vmpi_results(raw)
    results += chain_results(parse_bench(os.path.join(raw, "chain.txt")))

    os.makedirs(out, exist_ok=True)
    for r in results:
        with open(os.path.join(out, r["name"] + ".json"), "w") as f:
            json.dump(r, f, indent=2)
            f.write("\n")

    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write("# vale benchmark summary\n\n")
        f.write("Every row is measured side by side in one run; ratio > 1 "
                "means vale is better.\n\n")
        f.write("| comparison | unit | vale | baseline | ratio | "
                "baseline is | where |\n")
        f.write("|---|---|---|---|---|---|---|\n")
        for r in results:
            f.write("| %s | %s | %s | %s | %s | %s | %s |\n" % (
                r["name"], r["unit"], r["ours"], r["baseline"],
                r["ratio"], r["baseline_name"], r["where"]))
        sw = [r for r in results if r["name"].startswith("switch-")]
        if sw:
            f.write("\n## vale batch sweep (Mpps)\n\n")
            batches = sorted({int(k) for r in sw
                              for k in r["params"]["vale_batch_sweep_mpps"]})
            f.write("| length | " + " | ".join("batch %d" % b
                                               for b in batches) + " |\n")
            f.write("|---|" + "---|" * len(batches) + "\n")
            for r in sw:
                s = r["params"]["vale_batch_sweep_mpps"]
                f.write("| %d | " % r["params"]["length"] +
                        " | ".join(str(s.get(str(b), "")) for b in batches) +
                        " |\n")
        vmpi_summary(f, results)
        chain_summary(f, results)
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
