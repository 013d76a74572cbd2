# SPDX-License-Identifier: GPL-2.0
"""summary.md of a result tree: the machine, skipped transports with the
reason, one throughput table and one round-trip table (mean +- 95 % CI
over the repetitions), and the plots."""

import os

from .transports import order


def _fmt(s, scale=1.0, prec=3):
    if not s or s.get("mean") is None:
        return "-"
    m = s["mean"] / scale
    c = s.get("ci95")
    return ("%.*f ± %.*f" % (prec, m, prec, c / scale)) if c is not None else "%.*f" % (prec, m)


def _key(d):
    p = d["params"]
    o = order()
    return (p["mode"], p["topology"], p["remote"], p["burst"], p["size"], p["rate"],
            o.index(p["transport"]) if p["transport"] in o else 99)


def write(out, docs, plots, machine=None):
    docs = sorted(docs, key=_key)
    lines = ["# vale-bench results", ""]
    mach = machine or next((d.get("machine") for d in docs if d.get("machine")), {})
    if mach:
        lines += ["Machine: kernel %s, %s, %s vCPUs, accelerator %s." % (
            mach.get("kernel"), mach.get("cpu_model"), mach.get("vcpus"), mach.get("accel")), ""]
    skipped = {}
    for d in docs:
        if d.get("status") == "skipped":
            skipped.setdefault(d["params"]["transport"], set()).add(d.get("reason", ""))
    if skipped:
        lines += ["## Skipped", ""]
        for t in sorted(skipped, key=lambda n: order().index(n) if n in order() else 99):
            for r in sorted(skipped[t]):
                lines.append("- %s: skipped (%s)" % (t, r))
        lines.append("")
    tp = [d for d in docs if d["params"]["mode"] == "throughput" and d.get("repetitions")]
    if tp:
        lines += ["## Throughput", "",
                  "Mean ± 95 % confidence interval over the repetitions (n).", "",
                  "| topology | burst | size | offered | transport | n | received Mpps | Gbit/s | per receiver Mpps | loss |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for d in tp:
            p, s = d["params"], d["stats"]
            lines.append("| %s%s | %d | %d | %s | %s | %d | %s | %s | %s | %s |" % (
                p["topology"], " remote" if p["remote"] else "", p["burst"], p["size"],
                "max" if p["rate"] == 0 else p["rate"], p["transport"],
                len(d["repetitions"]), _fmt(s.get("received_pps"), 1e6),
                _fmt(s.get("gbps")), _fmt(s.get("per_receiver_pps"), 1e6),
                _fmt(s.get("loss"))))
        lines.append("")
    lat = [d for d in docs if d["params"]["mode"] == "latency" and d.get("repetitions")]
    if lat:
        lines += ["## Round trip", "",
                  "Microseconds, mean ± 95 % CI of each repetition's percentile.", "",
                  "| topology | burst | size | rate | transport | n | p50 | p99 | p99.9 | max | lost |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for d in lat:
            p, s = d["params"], d["stats"]
            lines.append("| %s%s | %d | %d | %s | %s | %d | %s | %s | %s | %s | %s |" % (
                p["topology"], " remote" if p["remote"] else "", p["burst"], p["size"],
                p["rate"], p["transport"], len(d["repetitions"]),
                _fmt(s.get("rtt_p50_us"), prec=1), _fmt(s.get("rtt_p99_us"), prec=1),
                _fmt(s.get("rtt_p999_us"), prec=1), _fmt(s.get("rtt_max_us"), prec=1),
                _fmt(s.get("lost"), prec=0)))
        lines.append("")
    bad = [d for d in docs if d.get("status") in ("failed", "partial")]
    if bad:
        lines += ["## Failed or incomplete points", ""]
        for d in bad:
            p = d["params"]
            errs = "; ".join(f["error"][:160] for f in d.get("failures", [])[:2])
            lines.append("- %s %s %dB burst %d: %s, %d repetitions (%s)" % (
                p["transport"], p["topology"], p["size"], p["burst"], d["status"],
                len(d.get("repetitions", [])), errs))
        lines.append("")
    if plots:
        lines += ["## Plots", ""]
        for pth in plots:
            rel = os.path.relpath(pth, out)
            lines.append("![%s](%s)" % (os.path.basename(rel), rel))
        lines.append("")
    path = os.path.join(out, "summary.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return path
