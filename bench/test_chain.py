#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tier 0: bench/chain.py on fixed inputs (TAP)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chain import chain_results  # noqa: E402


def rows(fast, slow, rtt_fast=10.0, rtt_slow=20.0):
    out = []
    for r, (f, s) in enumerate(zip(fast, slow), 1):
        for v, x, rtt in (("fast", f, rtt_fast), ("slow", s, rtt_slow)):
            kv = {"round": str(r), "variant": v, "n": "2", "len": "60",
                  "softirq_ticks": "0"}
            out.append(("chain-rx", kv, {"pps": x, "packets": 1000000,
                                         "cpu_user_s": 0.5, "cpu_sys_s": 0.5}))
            out.append(("chain-fwd", kv, {"cpu_user_s": 1.0 if v == "fast" else 2.0,
                                          "cpu_sys_s": 0.0}))
            out.append(("chain-ping", kv, {"rtt_us": {"replies": 3,
                                                      "median": rtt, "p99": rtt}}))
    return out


n = 0
fails = 0


def check(cond, desc):
    global n, fails
    n += 1
    if not cond:
        fails += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, desc))


res = {r["name"]: r for r in chain_results(rows([2e6, 2.2e6, 2.1e6], [1e6, 1.1e6, 1.0e6]))}
check(res["chain-2-mpps-60B"]["ours"] == 2.1, "fast median Mpps")
check(res["chain-2-mpps-60B"]["ratio"] > 1.9, "throughput ratio fast / slow")
check(res["chain-2-p50"]["ratio"] == 2.0, "latency ratio is slow / fast (lower is better)")
check(res["chain-2-cpu-60B"]["ours"] == 2.0 and res["chain-2-cpu-60B"]["baseline"] == 3.0,
      "CPU per Mframe: forwarders + receiver")
check(not res["chain-2-mpps-60B"]["params"]["spread_exceeds_effect"], "rounds agree")
res = {r["name"]: r for r in chain_results(rows([1.0, 2.0, 1.0], [1.5, 1.5, 1.5]))}
check(res["chain-2-mpps-60B"]["params"]["spread_exceeds_effect"],
      "rounds on both sides of 1: spread exceeds the effect")
check(chain_results([r for r in rows([1.0], [1.0]) if r[1]["variant"] == "fast"]) == [],
      "no baseline: no result")
print("1..%d" % n)
sys.exit(1 if fails else 0)
