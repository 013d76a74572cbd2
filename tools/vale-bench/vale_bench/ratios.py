# SPDX-License-Identifier: GPL-2.0
"""Ratio files of make bench: vale against each peer transport at the
smallest and the largest frame size (throughput: received packets/s;
round trip: p50 and p99), from the result tree.  The repetitions of a
point were run as alternated rounds (runner.schedule), so round k of vale
is paired with round k of the peer: the file holds the ratio of the
medians, the range of per-round ratios, and whether the spread exceeds
the effect (the per-round ratios fall on both sides of 1), in which case
the ratio says little."""

import json
import os

from . import stats

# metric -> (mode, key, True when more is better)
METRICS = {"throughput": ("throughput", "received_pps", True),
           "rtt_p50": ("latency", "rtt_p50_us", False),
           "rtt_p99": ("latency", "rtt_p99_us", False)}


def _series(doc, key):
    return {r["index"]: r["metrics"].get(key) for r in doc.get("repetitions", [])
            if r["metrics"].get(key) is not None}


def compute(docs, base="vale", burst=None, topology="1vs1"):
    """{peer: [entry, ...]} for every peer measured next to base."""
    ok = [d for d in docs if d.get("repetitions") and d["params"]["topology"] == topology
          and not d["params"]["remote"]]
    bursts = sorted({d["params"]["burst"] for d in ok})
    if not bursts:
        return {}
    burst = burst if burst is not None else (32 if 32 in bursts else bursts[0])
    ok = [d for d in ok if d["params"]["burst"] == burst]
    sizes = sorted({d["params"]["size"] for d in ok})
    if not sizes:
        return {}
    pick = sorted({sizes[0], sizes[-1]})
    idx = {}
    for d in ok:
        p = d["params"]
        idx[(p["transport"], p["mode"], p["size"], p["rate"])] = d
    peers = sorted({d["params"]["transport"] for d in ok} - {base})
    out = {}
    for peer in peers:
        rows = []
        for name, (mode, key, more_better) in METRICS.items():
            for size in pick:
                for (t, m, s, rate), ours in idx.items():
                    if (t, m, s) != (base, mode, size):
                        continue
                    theirs = idx.get((peer, mode, size, rate))
                    if not theirs:
                        continue
                    a, b = _series(ours, key), _series(theirs, key)
                    common = sorted(set(a) & set(b))
                    if not common:
                        continue
                    xs = [a[k] for k in common]
                    ys = [b[k] for k in common]
                    # > 1 means vale is better: inverted for round trips
                    r = stats.ratio(xs, ys) if more_better else stats.ratio(ys, xs)
                    if r is None:
                        continue
                    rows.append(dict(r, metric=name, size=size, burst=burst, rate=rate,
                                     topology=topology, unit=key,
                                     ours_median=stats.median(xs),
                                     baseline_median=stats.median(ys),
                                     ours=base, baseline=peer))
        if rows:
            out[peer] = rows
    return out


def write(docs, outdir, base="vale"):
    """bench/results/<base>-vs-<peer>.json and the Markdown table lines."""
    res = compute(docs, base)
    os.makedirs(outdir, exist_ok=True)
    lines = ["| peer | metric | size | %s | peer | ratio (> 1: %s better) | rounds | per-round range | spread > effect |" % (base, base),
             "|---|---|---|---|---|---|---|---|---|"]
    for peer, rows in res.items():
        with open(os.path.join(outdir, "%s-vs-%s.json" % (base, peer)), "w", encoding="utf-8") as f:
            json.dump({"name": "%s-vs-%s" % (base, peer), "where": "vale-bench tree",
                       "comparisons": rows}, f, indent=1, sort_keys=True)
            f.write("\n")
        for r in rows:
            lines.append("| %s | %s | %d | %.4g | %.4g | %.2f | %d | %.2f..%.2f | %s |" % (
                peer, r["metric"], r["size"], r["ours_median"], r["baseline_median"],
                r["ratio"], r["rounds"], r["min"], r["max"],
                "**yes**" if r["spread_exceeds_effect"] else "no"))
    return res, lines
