# SPDX-License-Identifier: GPL-2.0
"""The result tree: <out>/<burst>/<transport>/<size>/<rate>/<leaf>/
with point.json and point.csv, leaf = <topology>[-remote]-<mode>
(1vs1-throughput, 2vs2-latency, 1vs1-remote-throughput): every
parameter, every repetition, and per metric n, mean, stddev, ci95
(Student t), median, min, max, spread."""

import csv
import json
import os

from . import stats

SCHEMA_ID = "vale-bench-point/1"
SKIP_METRICS = ("rtt_hist",)


def rate_dir(rate):
    return "max" if rate == 0 else str(rate)


def leaf(point):
    return "%s%s-%s" % (point["topology"], "-remote" if point["remote"] else "",
                        point["mode"])


def point_dir(out, point):
    return os.path.join(out, str(point["burst"]), point["transport"],
                        str(point["size"]), rate_dir(point["rate"]), leaf(point))


def load(out, point):
    p = os.path.join(point_dir(out, point), "point.json")
    try:
        with open(p, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def finished(doc, reps):
    return bool(doc) and doc.get("status") == "complete" and \
        len(doc.get("repetitions", [])) >= reps


def compute_stats(reps):
    keys = []
    for r in reps:
        for k, v in r["metrics"].items():
            if k not in keys and k not in SKIP_METRICS and \
                    (v is None or isinstance(v, (int, float))):
                keys.append(k)
    out = {}
    for k in keys:
        vals = [r["metrics"].get(k) for r in reps]
        out[k] = stats.summarize([v for v in vals if v is not None])
    return out


def merged_hist(reps):
    h = {}
    for r in reps:
        for up, n in r["metrics"].get("rtt_hist") or []:
            h[up] = h.get(up, 0) + n
    return sorted([int(k), int(v)] for k, v in h.items())


def write(out, doc):
    """point.json (atomically) and point.csv of a point document."""
    d = point_dir(out, doc["params"])
    os.makedirs(d, exist_ok=True)
    reps = doc.get("repetitions", [])
    doc["stats"] = compute_stats(reps)
    if doc["params"]["mode"] == "latency":
        doc["rtt_hist"] = merged_hist(reps)
    tmp = os.path.join(d, ".point.json.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, os.path.join(d, "point.json"))
    write_csv(os.path.join(d, "point.csv"), doc)
    return d


def write_csv(path, doc):
    params = doc["params"]
    pkeys = sorted(k for k, v in params.items() if not isinstance(v, (list, dict)))
    mkeys = list(doc["stats"])
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["row"] + pkeys + mkeys)
        pv = [params[k] for k in pkeys]
        for r in doc.get("repetitions", []):
            w.writerow(["rep%d" % r["index"]] + pv +
                       [r["metrics"].get(k) for k in mkeys])
        for s in ("mean", "stddev", "ci95", "median"):
            w.writerow([s] + pv + [doc["stats"][k][s] for k in mkeys])


def walk(out):
    """Every point document under out."""
    docs = []
    for root, _, files in os.walk(out):
        if "point.json" in files:
            try:
                with open(os.path.join(root, "point.json"), encoding="utf-8") as f:
                    docs.append(json.load(f))
            except (OSError, ValueError):
                continue
    return docs
