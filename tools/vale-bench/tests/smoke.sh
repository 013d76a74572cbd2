#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vale-bench's smoke sweep (Tier-2 style: on the host, the framework boots
# the test VM itself): 2 sizes x 2 transports (vale, bridge-udp) x 1vs1
# and 2vs2 at a tiny duration, plus memif, which is reported as skipped.
# In the guest (vale_bench/vm.py's script, its TAP is part of the
# verdict): a first run is stopped by SIGINT in its third step and must
# leave nothing (namespaces, links, vale switches, processes, cgroups,
# bpffs pins), the sweep then resumes from what it had finished and
# again leaves nothing.  On the host: every point.json validates against
# Documentation/bench-point.schema.json, the measured points are complete
# with traffic received, memif is "skipped (...)", every PNG decodes.
#
#   tools/vale-bench/tests/smoke.sh [--kernel K]     TAP on stdout
set -uo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
here=$top/tools/vale-bench/tests
kernel=6.1
[[ ${1:-} == --kernel ]] && kernel=$2
out=$(mktemp -d "${TMPDIR:-/tmp}/vale-bench-smoke.XXXXXX")
keep=0
trap '[[ $keep == 0 ]] && rm -rf "$out"' EXIT
echo "1..6"
st=0
"$top/tools/vale-bench/vale-bench" run --kernel "$kernel" -o "$out/tree" \
	-t "vale bridge-udp memif" -s "64 1500" -T "1vs1 NvsN" -P 2 \
	-m throughput -n 1 -d 200ms --timeout 1s --vm-interrupt 3 \
	${SMOKE_EP:+--ep "$SMOKE_EP"} >"$out/run.log" 2>&1 || st=$?
if [[ $st == 0 ]]; then
	echo "ok 1 vale-bench run in the VM: SIGINT, nothing left, resume, nothing left"
else
	echo "not ok 1 vale-bench run in the VM (exit $st)"
	keep=1
	sed 's/^/# /' "$out/run.log" | tail -n 60
fi
PYTHONPATH=$top/tools/vale-bench /usr/bin/python3 - "$top" "$out/tree" <<'PY' || keep=1
import json, os, sys
import jsonschema
sys.path.insert(0, os.path.join(sys.argv[1], "tools/vale-bench/tests"))
import pngcheck
from vale_bench import results
top, tree = sys.argv[1:]
schema = json.load(open(os.path.join(top, "Documentation/bench-point.schema.json")))
docs = results.walk(tree)
bad = []
for d in docs:
    try:
        jsonschema.validate(d, schema)
    except jsonschema.ValidationError as e:
        bad.append("%s: %s" % (results.point_dir("", d["params"]), e.message))
n = len(docs)
print(("ok" if n == 12 and not bad else "not ok") +
      " 2 %d point.json files (want 12) validate against the schema" % n)
for b in bad[:10]:
    print("# " + b)
meas = [d for d in docs if d["params"]["transport"] in ("vale", "bridge-udp")]
poor = [results.point_dir("", d["params"]) for d in meas
        if d["status"] != "complete" or
        not (d["stats"].get("received_pps", {}).get("mean") or 0) > 0]
print(("ok" if len(meas) == 8 and not poor else "not ok") +
      " 3 the 8 measured points are complete with traffic received")
for p in poor:
    print("# " + p)
mem = [d for d in docs if d["params"]["transport"] == "memif"]
summ = open(os.path.join(tree, "summary.md")).read() if os.path.exists(os.path.join(tree, "summary.md")) else ""
print(("ok" if len(mem) == 4 and all(d["status"] == "skipped" for d in mem)
       and "- memif: skipped (" in summ else "not ok") +
      " 4 memif is reported as skipped, with its reason, in the tree and summary.md")
pngs = []
for root, _, files in os.walk(os.path.join(tree, "plots")):
    pngs += [os.path.join(root, f) for f in files if f.endswith(".png")]
errs = []
for p in pngs:
    try:
        pngcheck.check_file(p)
    except (ValueError, OSError) as e:
        errs.append("%s: %s" % (p, e))
want = {"size-mpps-1vs1-b32.png", "size-gbps-1vs1-b32.png", "size-mpps-2vs2-b32.png",
        "pairs-64B-b32.png"}
have = {os.path.basename(p) for p in pngs}
print(("ok" if want <= have and not errs else "not ok") +
      " 5 %d PNG plots exist and decode" % len(pngs))
for e in errs + ["missing " + w for w in sorted(want - have)]:
    print("# " + e)
rows = summ.count("| 32 | 64 |") + summ.count("| 32 | 1500 |")
print(("ok" if rows == 8 else "not ok") + " 6 summary.md has the 8 measured rows (%d)" % rows)
sys.exit(1 if bad or poor or errs or rows != 8 or n != 12 else 0)
PY
if [[ $keep == 1 ]]; then
	echo "# the tree is kept in $out"
fi
exit "$keep"
