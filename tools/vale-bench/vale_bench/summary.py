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


# mode, section, what the numbers are, columns (header, metric, scale, digits)
TABLES = [
    ("throughput", "Throughput", "Mean ± 95 % confidence interval over the repetitions (n).",
     [("received Mpps", "received_pps", 1e6, 3), ("Gbit/s", "gbps", 1.0, 3),
      ("per receiver Mpps", "per_receiver_pps", 1e6, 3), ("loss", "loss", 1.0, 3)]),
    ("latency", "Round trip",
     "Microseconds, mean ± 95 % CI of each repetition's percentile; rate in requests/s.",
     [("p50", "rtt_p50_us", 1.0, 1), ("p99", "rtt_p99_us", 1.0, 1),
      ("p99.9", "rtt_p999_us", 1.0, 1), ("max", "rtt_max_us", 1.0, 1),
      ("lost", "lost", 1.0, 0)]),
]


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
    for mode, title, intro, cols in TABLES:
        ds = [d for d in docs if d["params"]["mode"] == mode and d.get("repetitions")]
        if not ds:
            continue
        lines += ["## " + title, "", intro, "",
                  "| topology | burst | size | rate | transport | n | %s |" % " | ".join(c[0] for c in cols),
                  "|---" * (6 + len(cols)) + "|"]
        for d in ds:
            p, st = d["params"], d["stats"]
            cells = ["%s%s" % (p["topology"], " remote" if p["remote"] else ""),
                     str(p["burst"]), str(p["size"]),
                     "max" if p["rate"] == 0 else str(p["rate"]), p["transport"],
                     str(len(d["repetitions"]))]
            cells += [_fmt(st.get(k), scale, prec) for _, k, scale, prec in cols]
            lines.append("| " + " | ".join(cells) + " |")
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
