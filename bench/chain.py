# SPDX-License-Identifier: GPL-2.0
"""make bench, part "chain": the lines of bench/vm-chain.sh
("BENCH chain-rx|chain-tx|chain-fwd|chain-ping round=R variant=V n=N
len=L ... {json}") as results: per chain length, the fast path against
the same pair without it (and the learning bridge), median of the rounds,
per-round ratios and whether the spread exceeds the effect
(vale_bench.stats, the same helpers as the framework and bench/ab.py)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tools", "vale-bench"))
from vale_bench.stats import ratio as round_ratio, summarize  # noqa: E402

VARIANTS = ("fast", "slow", "learn")
NOTE = ("TCG guest, 2 vCPUs: the sender (ping) on vCPU 0, the N forwarders "
        "(vale-pktgen fwd, blocking in poll, one copy a packet) and the "
        "receiver (pong) share vCPU 1")
BASE = ("same pair, each end decided by two rules (lookup per frame, no "
        "fast path)")


def collect(rows):
    """{(metric, n, len): {variant: {round: value}}}"""
    pts = {}
    fwd_cpu = {}
    for case, kv, d in rows:
        if not d or not case.startswith("chain-"):
            continue
        key = (int(kv["round"]), kv["variant"], int(kv["n"]), int(kv["len"]))
        if case == "chain-fwd":
            fwd_cpu[key] = fwd_cpu.get(key, 0.0) + d.get("cpu_user_s", 0) + \
                d.get("cpu_sys_s", 0)
    hz = 100.0
    for case, kv, d in rows:
        if not d:
            continue
        r, v, n, ln = (int(kv["round"]), kv["variant"], int(kv["n"]),
                       int(kv["len"]))

        def put(metric, val, length=ln):
            pts.setdefault((metric, n, length), {}).setdefault(v, {})[r] = val
        if case == "chain-rx" and d.get("packets"):
            put("mpps", d["pps"] / 1e6)
            cpu = (fwd_cpu.get((r, v, n, ln), 0.0) + d.get("cpu_user_s", 0)
                   + d.get("cpu_sys_s", 0)
                   + int(kv.get("softirq_ticks", 0)) / hz)
            put("cpu", cpu / (d["packets"] / 1e6))
        elif case == "chain-ping" and d.get("rtt_us", {}).get("replies"):
            put("p50", d["rtt_us"]["median"])
            put("p99", d["rtt_us"]["p99"])
    return pts


UNITS = {
    "mpps": ("Mpps delivered", False),
    "cpu": ("CPU seconds per million frames delivered (forwarders + "
            "receiver getrusage + guest softirq; lower is better)", True),
    "p50": ("round trip p50 us (lower is better)", True),
    "p99": ("round trip p99 us (lower is better)", True),
}


def chain_results(rows):
    res = []
    pts = collect(rows)
    for (metric, n, ln) in sorted(pts, key=lambda k: (k[0], k[2], k[1])):
        d = pts[(metric, n, ln)]
        f, s, lr = d.get("fast", {}), d.get("slow", {}), d.get("learn", {})
        rounds = sorted(set(f) & set(s))
        if not rounds:
            continue
        unit, lower = UNITS[metric]
        fa, sa = [f[r] for r in rounds], [s[r] for r in rounds]
        rr = round_ratio(sa, fa) if lower else round_ratio(fa, sa)
        sf, ss, sl = summarize(fa), summarize(sa), summarize(list(lr.values()))
        name = "chain-%s-%s%s" % (n, metric, "-%dB" % ln
                                  if metric in ("mpps", "cpu") else "")
        res.append({
            "name": name,
            "unit": unit,
            "ours": round(sf["median"], 4),
            "baseline": round(ss["median"], 4),
            "baseline_name": BASE,
            "ratio": round(rr["ratio"], 3) if rr and rr["ratio"] else None,
            "params": {
                "forwarders": n, "length": ln, "metric": metric,
                "rounds": len(rounds),
                "fast": sf, "no_fast_path": ss, "learning": sl,
                "learning_median": sl["median"],
                "round_ratio": rr,
                "spread_exceeds_effect": rr["spread_exceeds_effect"]
                if rr else None,
                "setup": NOTE,
            },
            "where": "vm-tcg",
        })
    return res


def chain_summary(f, results):
    ch = [r for r in results if r["name"].startswith("chain-")]
    if not ch:
        return
    f.write("\n## Chains of forwarders: fast path / no fast path / "
            "learning bridge (bench/vm-chain.sh)\n\n%s. Medians of %s "
            "rounds, variants alternated; ratio > 1: the fast path is "
            "better; \"spread\" = per-round ratios on both sides of 1 (the "
            "spread exceeds the effect).\n\n" % (NOTE, ch[0]["params"]["rounds"]))
    f.write("| metric | N | fast | no fast path | learning | ratio | "
            "per-round ratio range | spread > effect |\n"
            "|---|---|---|---|---|---|---|---|\n")
    for r in ch:
        p = r["params"]
        rr = p["round_ratio"] or {}
        lm = p["learning_median"]
        f.write("| %s | %d | %s | %s | %s | %s | %s..%s | %s |\n" % (
            r["name"].split("-", 2)[2], p["forwarders"], r["ours"],
            r["baseline"], round(lm, 4) if lm is not None else "",
            r["ratio"], round(rr.get("min", 0), 3), round(rr.get("max", 0), 3),
            "yes" if p["spread_exceeds_effect"] else "no"))
