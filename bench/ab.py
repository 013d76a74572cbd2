#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench-ab, the report: old against new from one run.

Reads the guest's lines (bench/ab-guest.sh)

    AB round=R variant=old|new case=C role=rx|tx index=I {vale-pktgen JSON}

and the INSTR lines of scripts/bench-instr.sh for each tree; writes a JSON
file and a Markdown table.  Per case and metric (rx: packets/s received,
summed over the receivers; tx: packets/s the sender got through the
switch): the median of the rounds for old and for new, their ratio
new/old, the per-round ratios new/old (round R's new against round R's
old) with their range and IQR, and whether the spread exceeds the effect:
per-round ratios on both sides of 1, so that the rounds do not agree on
the direction.  A round where either side measured nothing is left out of
that case's ratios and counted as missing.
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tools", "vale-bench"))
from vale_bench.stats import median  # noqa: E402  (one median for both)

LINE = re.compile(r"^AB round=(\d+) variant=(old|new) case=(\S+) role=(rx|tx) index=(\d+) (.*)$")
INSTR = re.compile(r"^INSTR case=(\S+) batch=(\d+) per_packet=([0-9.]+)\s*$")


def quantile(xs, q):
    """Linear interpolation between closest ranks (numpy's default)."""
    s = sorted(xs)
    if not s:
        return None
    pos = (len(s) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def parse_guest(lines):
    """{(case, metric): {variant: {round: pps}}}; rx summed over receivers.
    A point with an empty or zero result is recorded as None."""
    pts = {}
    for ln in lines:
        m = LINE.match(ln.strip())
        if not m:
            continue
        rnd, var, case, role, _idx, js = m.groups()
        try:
            doc = json.loads(js)
        except ValueError:
            doc = {}
        pps = doc.get("pps")
        pps = float(pps) if isinstance(pps, (int, float)) and doc.get("packets", 0) > 0 else None
        slot = pts.setdefault((case, role), {}).setdefault(var, {})
        r = int(rnd)
        if role == "rx" and r in slot:
            slot[r] = None if slot[r] is None or pps is None else slot[r] + pps
        else:
            slot[r] = pps
    return pts


def compare(old, new):
    """old, new: {round: value or None}.  The comparison of one case."""
    olds = [v for v in old.values() if v]
    news = [v for v in new.values() if v]
    rounds = sorted(set(old) | set(new))
    ratios = [new[r] / old[r] for r in rounds if old.get(r) and new.get(r)]
    mo, mn = median(olds), median(news)
    res = {
        "rounds": len(rounds),
        "missing": len(rounds) - len(ratios),
        "old": [old.get(r) for r in rounds],
        "new": [new.get(r) for r in rounds],
        "old_median": mo,
        "new_median": mn,
        "ratio": mn / mo if mo and mn else None,
        "round_ratios": ratios,
        "round_ratio_median": median(ratios),
        "round_ratio_min": min(ratios) if ratios else None,
        "round_ratio_max": max(ratios) if ratios else None,
        "round_ratio_q1": quantile(ratios, 0.25),
        "round_ratio_q3": quantile(ratios, 0.75),
    }
    res["spread_exceeds_effect"] = bool(ratios) and min(ratios) < 1 < max(ratios)
    if not ratios:
        res["verdict"] = "no data"
    elif min(ratios) > 1:
        res["verdict"] = "new faster"
    elif max(ratios) < 1:
        res["verdict"] = "new slower"
    else:
        res["verdict"] = "no difference shown"
    return res


def case_key(case):
    """uni before bcast, then by length and batch."""
    m = re.match(r"^(\w+)-(\d+)-b(\d+)$", case)
    if not m:
        return (2, case, 0, 0)
    return (0 if m.group(1) == "uni" else 1, "", int(m.group(2)), int(m.group(3)))


def compare_all(pts):
    rows = []
    for (case, metric) in sorted(pts, key=lambda k: (case_key(k[0]), k[1] != "rx")):
        d = pts[(case, metric)]
        row = {"case": case, "metric": metric}
        row.update(compare(d.get("old", {}), d.get("new", {})))
        rows.append(row)
    return rows


def parse_instr(lines):
    """{(case, batch): per_packet}"""
    res = {}
    for ln in lines:
        m = INSTR.match(ln.strip())
        if m:
            res[(m.group(1), int(m.group(2)))] = float(m.group(3))
    return res


def compare_instr(old, new):
    rows = []
    for k in sorted(set(old) | set(new), key=lambda k: (k[0] != "unicast", k[0], k[1])):
        o, n = old.get(k), new.get(k)
        rows.append({"case": k[0], "batch": k[1], "old": o, "new": n,
                     "ratio": n / o if o and n else None})
    return rows


def fmt_mpps(v):
    return "-" if v is None else "%.4f" % (v / 1e6)


def fmt_r(v):
    return "-" if v is None else "%.2f" % v


def render_md(meta, rows, instr):
    out = ["# make bench-ab: old against new, one run", ""]
    for k in sorted(meta):
        out.append("- %s: %s" % (k, meta[k]))
    out += ["",
            "Mpps; rx = received (summed over the receivers), tx = what the sender got",
            "through the switch; ratio = new median / old median; per-round = round R's",
            "new / round R's old.",
            "",
            "| case | metric | old median | new median | new/old | per-round min-max | per-round IQR | rounds | spread > effect | verdict |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        rr = ("-" if r["round_ratio_min"] is None else
              "%.2f-%.2f" % (r["round_ratio_min"], r["round_ratio_max"]))
        iqr = ("-" if r["round_ratio_q1"] is None else
               "%.2f-%.2f" % (r["round_ratio_q1"], r["round_ratio_q3"]))
        n = "%d" % len(r["round_ratios"])
        if r["missing"]:
            n += " (%d missing)" % r["missing"]
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["case"], r["metric"], fmt_mpps(r["old_median"]), fmt_mpps(r["new_median"]),
            fmt_r(r["ratio"]), rr, iqr, n,
            "**yes**" if r["spread_exceeds_effect"] else "no", r["verdict"]))
    if instr:
        out += ["", "Instructions per packet inside vale_fwd_txsync() (scripts/bench-instr.sh,"
                " callgrind, each tree's own Tier-0 build; deterministic):", "",
                "| case | batch | old | new | new/old |", "|---|---|---|---|---|"]
        for r in instr:
            out.append("| %s | %d | %s | %s | %s |" % (
                r["case"], r["batch"], "-" if r["old"] is None else "%.1f" % r["old"],
                "-" if r["new"] is None else "%.1f" % r["new"], fmt_r(r["ratio"])))
    return "\n".join(out) + "\n"


def read_lines(path):
    if not path:
        return []
    try:
        with open(path) as f:
            return f.readlines()
    except FileNotFoundError:
        return []


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--guest", required=True, help="the guest's AB lines")
    p.add_argument("--instr-old", help="bench-instr.sh output of the old tree")
    p.add_argument("--instr-new", help="bench-instr.sh output of the new tree")
    p.add_argument("--meta", action="append", default=[], help="KEY=VALUE for the report")
    p.add_argument("--json", required=True)
    p.add_argument("--md", required=True)
    a = p.parse_args(argv)
    meta = dict(m.split("=", 1) for m in a.meta)
    rows = compare_all(parse_guest(read_lines(a.guest)))
    if not rows:
        print("ab.py: no AB lines in %s" % a.guest, file=sys.stderr)
        return 1
    instr = compare_instr(parse_instr(read_lines(a.instr_old)),
                          parse_instr(read_lines(a.instr_new)))
    with open(a.json, "w") as f:
        json.dump({"meta": meta, "cases": rows, "instr": instr}, f, indent=1)
        f.write("\n")
    with open(a.md, "w") as f:
        f.write(render_md(meta, rows, instr))
    return 0


if __name__ == "__main__":
    sys.exit(main())
