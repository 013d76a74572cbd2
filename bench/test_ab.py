#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tier 0 of make bench-ab's report (bench/ab.py): medians, ratios, the
spread flag and the verdict on fixed inputs, the parsing of the guest's
and of bench-instr.sh's lines, and one end-to-end run of the script.
TAP with its plan on stdout; exit status 1 when a case failed."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ab  # noqa: E402

results = []


def check(name, cond, detail=""):
    results.append((bool(cond), name, detail))


def close(a, b, eps=1e-9):
    return a is not None and b is not None and abs(a - b) <= eps * max(1.0, abs(b))


def line(rnd, var, case, role, idx, pps, packets=1000):
    doc = {"tool": "vale-pktgen", "role": role, "packets": packets, "pps": pps}
    return "AB round=%d variant=%s case=%s role=%s index=%d %s" % (
        rnd, var, case, role, idx, json.dumps(doc, separators=(",", ":")))


# median and quantile
check("median of an odd count", ab.median([3, 1, 2]) == 2)
check("median of an even count", ab.median([4, 1, 3, 2]) == 2.5)
check("median of nothing is None", ab.median([]) is None)
check("quartiles interpolate (1..5: 2 and 4)",
      ab.quantile([5, 1, 4, 2, 3], 0.25) == 2 and ab.quantile([5, 1, 4, 2, 3], 0.75) == 4)
check("quartiles of 1..4: 1.75 and 3.25",
      close(ab.quantile([1, 2, 3, 4], 0.25), 1.75) and close(ab.quantile([1, 2, 3, 4], 0.75), 3.25))

# new better in every round: ratio of medians, per-round range, no flag
old = {1: 100.0, 2: 110.0, 3: 90.0, 4: 105.0, 5: 95.0}
new = {1: 150.0, 2: 132.0, 3: 99.0, 4: 126.0, 5: 152.0}
c = ab.compare(old, new)
check("medians old 100, new 132", c["old_median"] == 100.0 and c["new_median"] == 132.0)
check("ratio is new median / old median (1.32)", close(c["ratio"], 1.32))
check("per-round ratios pair round R with round R",
      [round(x, 6) for x in c["round_ratios"]] == [1.5, 1.2, 1.1, 1.2, 1.6])
check("per-round range 1.1..1.6", close(c["round_ratio_min"], 1.1) and close(c["round_ratio_max"], 1.6))
check("per-round IQR 1.2..1.5", close(c["round_ratio_q1"], 1.2) and close(c["round_ratio_q3"], 1.5))
check("all rounds above 1: spread does not exceed the effect", c["spread_exceeds_effect"] is False)
check("verdict new faster", c["verdict"] == "new faster")

# rounds on both sides of 1: flagged, no direction claimed
c = ab.compare({1: 100.0, 2: 100.0, 3: 100.0}, {1: 90.0, 2: 120.0, 3: 101.0})
check("ratios on both sides of 1: spread exceeds the effect", c["spread_exceeds_effect"] is True)
check("verdict no difference shown", c["verdict"] == "no difference shown")

# slower in every round
c = ab.compare({1: 100.0, 2: 200.0}, {1: 80.0, 2: 190.0})
check("below 1 in every round: new slower, not flagged",
      c["verdict"] == "new slower" and c["spread_exceeds_effect"] is False)
check("even count: median of two rounds", c["old_median"] == 150.0 and c["new_median"] == 135.0)

# a missing point leaves its round out of the ratios, not the others
c = ab.compare({1: 100.0, 2: None, 3: 100.0}, {1: 110.0, 2: 120.0, 3: 130.0})
check("a round with no old figure is missing", c["missing"] == 1 and len(c["round_ratios"]) == 2)
check("its new figure still counts in the new median", c["new_median"] == 120.0)
c = ab.compare({1: None}, {1: None})
check("nothing measured: no data, no ratio", c["verdict"] == "no data" and c["ratio"] is None)

# parsing the guest's lines: receivers summed per round, tx separate,
# zero packets is no result, garbage ignored
lines = [
    "# vCPUs: 2; order abab",
    line(1, "old", "bcast-64-b512", "rx", 0, 10.0),
    line(1, "old", "bcast-64-b512", "rx", 1, 20.0),
    line(1, "old", "bcast-64-b512", "rx", 2, 30.0),
    line(1, "old", "bcast-64-b512", "tx", 0, 99.0),
    line(1, "new", "bcast-64-b512", "rx", 0, 11.0),
    line(1, "new", "bcast-64-b512", "rx", 1, 0.0, packets=0),
    line(1, "new", "bcast-64-b512", "rx", 2, 33.0),
    line(1, "new", "uni-64-b1", "rx", 0, 5.0),
    "AB round=1 variant=old case=uni-64-b1 role=rx index=0 {}",
    "AB round=x variant=old case=uni-64-b1 role=rx index=0 {}",
]
pts = ab.parse_guest(lines)
check("three receivers summed", pts[("bcast-64-b512", "rx")]["old"][1] == 60.0)
check("tx kept apart", pts[("bcast-64-b512", "tx")]["old"][1] == 99.0)
check("a receiver with no packets voids its round's sum",
      pts[("bcast-64-b512", "rx")]["new"][1] is None)
check("an empty result is None", pts[("uni-64-b1", "rx")]["old"][1] is None)
rows = ab.compare_all(pts)
check("rows: unicast before broadcast, rx before tx",
      [(r["case"], r["metric"]) for r in rows] ==
      [("uni-64-b1", "rx"), ("bcast-64-b512", "rx"), ("bcast-64-b512", "tx")])
check("case order by length then batch",
      sorted(["bcast-64-b512", "uni-1500-b1", "uni-64-b512", "uni-64-b64"], key=ab.case_key) ==
      ["uni-64-b64", "uni-64-b512", "uni-1500-b1", "bcast-64-b512"])

# bench-instr.sh lines
io = ab.parse_instr(["INSTR case=unicast batch=512 per_packet=126.0\n",
                     "INSTR case=broadcast batch=1 per_packet=1909.5\n", "noise\n"])
inn = ab.parse_instr(["INSTR case=unicast batch=512 per_packet=138.6\n"])
ir = ab.compare_instr(io, inn)
check("instr rows, unicast first", [(r["case"], r["batch"]) for r in ir] ==
      [("unicast", 512), ("broadcast", 1)])
check("instr ratio new/old 1.10", close(ir[0]["ratio"], 1.1))
check("instr missing on one side: no ratio", ir[1]["new"] is None and ir[1]["ratio"] is None)

# the script end to end: JSON and Markdown written, the flag shown
with tempfile.TemporaryDirectory() as d:
    g = os.path.join(d, "ab.txt")
    with open(g, "w") as f:
        for r, (o, n) in enumerate([(100, 90), (100, 120), (100, 102)], 1):
            f.write(line(r, "old", "uni-64-b512", "rx", 0, o) + "\n")
            f.write(line(r, "new", "uni-64-b512", "rx", 0, n) + "\n")
    st = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "ab.py"),
                         "--guest", g, "--meta", "rounds=3",
                         "--json", os.path.join(d, "ab.json"), "--md", os.path.join(d, "ab.md")])
    ok = st.returncode == 0
    doc = json.load(open(os.path.join(d, "ab.json"))) if ok else {}
    md = open(os.path.join(d, "ab.md")).read() if ok else ""
    check("ab.py exits 0 and writes its files", ok)
    check("JSON: one case, 3 rounds, flagged",
          ok and len(doc["cases"]) == 1 and doc["cases"][0]["rounds"] == 3 and
          doc["cases"][0]["spread_exceeds_effect"] is True and doc["meta"]["rounds"] == "3")
    check("Markdown row: medians, ratio, range, flag",
          "| uni-64-b512 | rx | 0.0001 | 0.0001 | 1.02 | 0.90-1.20 | 0.96-1.11 | 3 | **yes** |" in md, md)
    st = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "ab.py"),
                         "--guest", os.path.join(d, "none"), "--json", os.path.join(d, "x.json"),
                         "--md", os.path.join(d, "x.md")], stderr=subprocess.DEVNULL)
    check("no AB lines: exit 1", st.returncode == 1)

print("1..%d" % len(results))
for i, (good, name, detail) in enumerate(results, 1):
    print("%sok %d - %s" % ("" if good else "not ", i, name))
    if not good and detail:
        for ln in str(detail).splitlines():
            print("# " + ln)
sys.exit(0 if all(g for g, _, _ in results) else 1)
