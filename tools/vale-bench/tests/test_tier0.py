#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Tier 0 of vale-bench, TAP: the sweep syntax, the run-file parser, the
result-tree paths, the statistics, the schedule's interleaving, a point
document against Documentation/bench-point.schema.json, the PNG check."""

import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
TOP = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

from vale_bench import params, results, runfile, runner, stats  # noqa: E402
from vale_bench.params import ParamError  # noqa: E402
from vale_bench.transports import order  # noqa: E402
import pngcheck  # noqa: E402

CASES = []


def case(name):
    def deco(fn):
        CASES.append((name, fn))
        return fn
    return deco


def raises(fn, field, needle):
    try:
        fn()
    except ParamError as e:
        if e.field != field or needle not in str(e):
            raise AssertionError("wrong error %r (want field %s, %r)" % (str(e), field, needle))
        return
    raise AssertionError("no error (want %s: %s)" % (field, needle))


def eq(a, b):
    if a != b:
        raise AssertionError("%r != %r" % (a, b))


# -- sweep syntax: (input, conv, expected list or (field-needle)) -------
SWEEP = [
    ("64 128 512", params.parse_count, [64, 128, 512]),
    ("64,128", params.parse_count, [64, 128]),
    ([64, "128 256"], params.parse_count, [64, 128, 256]),
    (1500, params.parse_count, [1500]),
    ("64..64..256", params.parse_count, [64, 128, 192, 256]),
    ("64..100..300", params.parse_count, [64, 164, 264]),
    ("64..64..64", params.parse_count, [64]),
    ("60 64..4..72 60", params.parse_count, [60, 64, 68, 72]),
    ("1k 2.5M 1G", params.parse_count, [1000, 2500000, 1000000000]),
    ("max 100k", params.parse_rate, [0, 100000]),
    ("100k..100k..300k", params.parse_rate, [100000, 200000, 300000]),
    ("64..0..128", params.parse_count, "zero step"),
    ("128..64..64", params.parse_count, "end is below start"),
    ("64..128", params.parse_count, "start..step..end"),
    ("64....128", params.parse_count, "start..step..end"),
    ("64..8..", params.parse_count, "start..step..end"),
    ("sixty", params.parse_count, "not a number"),
    ("64x", params.parse_count, "not a number"),
    ("1.5", params.parse_count, "whole number"),
    ("-64", params.parse_count, "not a number"),
    ("", params.parse_count, "empty"),
    (True, params.parse_count, "expected numbers"),
    ({"a": 1}, params.parse_count, "expected a list"),
    ([[64]], params.parse_count, "not a number"),
]
for i, (inp, conv, want) in enumerate(SWEEP):
    def t(inp=inp, conv=conv, want=want):
        if isinstance(want, str):
            raises(lambda: params.parse_sweep("size", inp, conv), "size", want)
        else:
            eq(params.parse_sweep("size", inp, conv), want)
    case("sweep %r -> %r" % (inp, want))(t)

DUR = [("2s", 2.0), ("250ms", 0.25), ("1.5", 1.5), ("500us", 0.0005),
       ("0s", "longer than zero"), ("2m", "not a duration"), ("x", "not a duration")]
for inp, want in DUR:
    def t(inp=inp, want=want):
        if isinstance(want, str):
            raises(lambda: params.parse_duration("duration", inp), "duration", want)
        else:
            eq(params.parse_duration("duration", inp), want)
    case("duration %r -> %r" % (inp, want))(t)


@case("sweep bounds: below the minimum names the field")
def _():
    raises(lambda: params.parse_sweep("size", "32 64", lo=60), "size", "below the minimum 60")


@case("sweep bounds: above the maximum")
def _():
    raises(lambda: params.parse_sweep("burst", "2048", lo=1, hi=1024), "burst", "above the maximum")


TOPO = [("1vs1", [1], ["1vs1"]), ("NvsN", [1, 2, 4], ["1vs1", "2vs2", "4vs4"]),
        ("1vsN Nvs1", [2], ["1vs2", "2vs1"]), ("1vs1 NvsN", [1], ["1vs1"]),
        ("3vs3", [1], ["3vs3"]), ("2vs3", [1], "one side must be 1"),
        ("0vs1", [1], "no endpoints"), ("star", [1], "not 1vs1")]
for inp, pairs, want in TOPO:
    def t(inp=inp, pairs=pairs, want=want):
        if isinstance(want, str):
            raises(lambda: params.parse_topologies("topology", inp, pairs), "topology", want)
        else:
            eq(params.parse_topologies("topology", inp, pairs), want)
    case("topology %r pairs %r -> %r" % (inp, pairs, want))(t)


# -- run file ----------------------------------------------------------
def build(layer):
    return runfile.build([("defaults test", {}), ("run.yaml", layer)], order())


RUNFILE = [
    ({"size": "64..64..192", "burst": [1, 32]}, lambda c: (c.size, c.burst),
     ([64, 128, 192], [1, 32])),
    ({"transport": "vale bridge-udp"}, lambda c: c.transport, ["vale", "bridge-udp"]),
    ({"transport": "all"}, lambda c: c.transport, order()),
    ({"duration": "300ms", "repetitions": 5}, lambda c: (c.duration, c.repetitions), (0.3, 5)),
    ({"remote": True, "poll": "yes"}, lambda c: (c.remote, c.poll), (True, True)),
    ({"topology": "NvsN", "pairs": "1..1..3"}, lambda c: c.topology, ["1vs1", "2vs2", "3vs3"]),
    ({"rate": "max 1M"}, lambda c: c.rate, [0, 1000000]),
    ({"sizes": "64"}, None, ("run.yaml: sizes", "unknown field")),
    ({"transport": "vale carrier-pigeon"}, None, ("transport", "unknown 'carrier-pigeon'")),
    ({"repetitions": "many"}, None, ("repetitions", "not a number")),
    ({"repetitions": 0}, None, ("repetitions", "at least 1")),
    ({"repetitions": [1, 2]}, None, ("repetitions", "expected one value")),
    ({"duration": True}, None, ("duration", "expected one value")),
    ({"remote": "perhaps"}, None, ("remote", "not yes/no")),
    ({"out": 7}, None, ("out", "expected a string")),
    ({"mode": "bandwidth"}, None, ("mode", "unknown 'bandwidth'")),
    ({"size": "64..64..32"}, None, ("size", "end is below start")),
    ({"burst": "0"}, None, ("burst", "below the minimum")),
    ({"vale-veth-api": "udp mmsg"}, None, ("vale-veth-api", "one API")),
]
for layer, get, want in RUNFILE:
    def t(layer=layer, get=get, want=want):
        if get is None:
            raises(lambda: build(layer), want[0], want[1])
        else:
            eq(get(build(layer)), want)
    case("run file %r" % (layer,))(t)


def put(d, name, text):
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write(text)
    return path


@case("run file: YAML and JSON files load, command line wins over the file")
def _():
    with tempfile.TemporaryDirectory() as d:
        y = put(d, "r.yaml", "size: 64..64..128\nburst: 1 32\nduration: 1s\n")
        j = put(d, "r.json", json.dumps({"size": [60], "transport": ["vale"]}))
        c = runfile.build([(y, runfile.load_file(y)), ("cl", {"burst": "256"})], order())
        eq((c.size, c.burst, c.duration), ([64, 128], [256], 1.0))
        c = runfile.build([(j, runfile.load_file(j))], order())
        eq((c.size, c.transport), ([60], ["vale"]))


@case("run file: not a mapping, and broken YAML, are refused")
def _():
    with tempfile.TemporaryDirectory() as d:
        y = put(d, "r.yaml", "- 64\n- 128\n")
        raises(lambda: runfile.load_file(y), y, "must be a mapping")
        put(d, "r.yaml", "size: [64\n")
        raises(lambda: runfile.load_file(y), y, "not YAML")


@case("bench/standard.yaml is a valid run")
def _():
    p = os.path.join(TOP, "bench", "standard.yaml")
    c = runfile.build([(p, runfile.load_file(p))], order())
    eq((c.size[0], c.size[-1], c.burst, c.topology), (64, 1500, [1, 32, 256], ["1vs1", "2vs2"]))


# -- result tree -------------------------------------------------------
PATHS = [
    ({"burst": 32, "transport": "vale", "size": 64, "rate": 0, "topology": "1vs1",
      "remote": False, "mode": "throughput"}, "o/32/vale/64/max/1vs1-throughput"),
    ({"burst": 1, "transport": "bridge-raw-mmsg", "size": 1500, "rate": 250000,
      "topology": "2vs2", "remote": True, "mode": "latency"},
     "o/1/bridge-raw-mmsg/1500/250000/2vs2-remote-latency"),
    ({"burst": 256, "transport": "ovs", "size": 60, "rate": 1000, "topology": "1vs4",
      "remote": False, "mode": "throughput"}, "o/256/ovs/60/1000/1vs4-throughput"),
]
for p, want in PATHS:
    case("result path %s" % want)(lambda p=p, want=want: eq(results.point_dir("o", p), want))


def sample_doc(reps=(1.0e6, 1.2e6, 1.1e6)):
    params_ = {"burst": 32, "transport": "vale", "api": "vale", "size": 64, "rate": 0,
               "topology": "1vs1", "remote": False, "mode": "throughput", "senders": 1,
               "receivers": 1, "duration": 1.0, "repetitions": len(reps), "timeout": 2.0,
               "poll": False, "touch": False, "cpus": [0, 1], "latency_rate": 1000,
               "pinning": "affinity"}
    return {"schema": results.SCHEMA_ID, "params": params_,
            "machine": {"kernel": "6.1", "cpu_model": "x", "vcpus": 2, "accel": "tcg",
                        "hostname": "h"},
            "status": "complete", "failures": [],
            "repetitions": [{"index": i, "started": "2026-12-02T01:00:00Z",
                             "metrics": {"received_pps": v, "offered_pps": v, "loss": 0.0},
                             "endpoints": {"tx": [], "rx": []}} for i, v in enumerate(reps)]}


@case("result tree: write, load, resume predicate, CSV has every repetition")
def _():
    with tempfile.TemporaryDirectory() as d:
        doc = sample_doc()
        path = results.write(d, doc)
        eq(path, os.path.join(d, "32/vale/64/max/1vs1-throughput"))
        back = results.load(d, doc["params"])
        eq(back["stats"]["received_pps"]["n"], 3)
        eq(results.finished(back, 3), True)
        eq(results.finished(back, 4), False)
        with open(os.path.join(path, "point.csv")) as f:
            rows = f.read().splitlines()
        eq([r.split(",")[0] for r in rows], ["row", "rep0", "rep1", "rep2", "mean",
                                              "stddev", "ci95", "median"])
        eq(len(results.walk(d)), 1)


@case("point document validates against Documentation/bench-point.schema.json")
def _():
    import jsonschema
    with open(os.path.join(TOP, "Documentation", "bench-point.schema.json")) as f:
        schema = json.load(f)
    with tempfile.TemporaryDirectory() as d:
        results.write(d, sample_doc())
        doc = results.walk(d)[0]
    jsonschema.validate(doc, schema)
    bad = dict(doc, status="finished")
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError:
        return
    raise AssertionError("a bad status validated")


# -- statistics --------------------------------------------------------
@case("CI: t quantiles of the table and beyond")
def _():
    eq(stats.t975(1), 12.706)
    eq(stats.t975(2), 4.303)
    eq(stats.t975(30), 2.042)
    if not 1.99 < stats.t975(60) < 2.01:   # exact 2.000
        raise AssertionError(stats.t975(60))


@case("CI: mean, sample stddev and 95 % half-width of 1, 2, 3, 4, 5")
def _():
    s = stats.summarize([1, 2, 3, 4, 5])
    eq(s["mean"], 3.0)
    if abs(s["stddev"] - 1.5811388) > 1e-6:
        raise AssertionError(s["stddev"])
    # t(0.975, 4) = 2.776; 2.776 * 1.5811388 / sqrt(5) = 1.962928
    if abs(s["ci95"] - 1.962928) > 1e-5:
        raise AssertionError(s["ci95"])
    eq((s["median"], s["min"], s["max"]), (3, 1, 5))


@case("CI: one repetition has no interval, none has no mean")
def _():
    eq(stats.summarize([7])["ci95"], None)
    eq(stats.summarize([])["mean"], None)


@case("ratio: median of alternated rounds and the spread-versus-effect flag")
def _():
    r = stats.ratio([2.0, 2.2, 1.8], [1.0, 1.0, 1.0])
    eq(round(r["ratio"], 6), 2.0)
    eq(r["spread_exceeds_effect"], False)
    r = stats.ratio([1.05, 0.9, 1.2], [1.0, 1.0, 1.0])
    eq(r["spread_exceeds_effect"], True)


# -- schedule ------------------------------------------------------------
@case("schedule interleaves transports inside every point and rotates them")
def _():
    c = build({"transport": "vale bridge-udp ovs", "size": "64 1500", "mode": "throughput",
               "repetitions": 2})
    s = [(rep, p["size"], t) for rep, p, t in runner.schedule(c)]
    eq(s[:6], [(0, 64, "vale"), (0, 64, "bridge-udp"), (0, 64, "ovs"),
               (0, 1500, "vale"), (0, 1500, "bridge-udp"), (0, 1500, "ovs")])
    eq(s[6:9], [(1, 64, "bridge-udp"), (1, 64, "ovs"), (1, 64, "vale")])
    eq(len(s), 12)


# -- PNG check -----------------------------------------------------------
@case("PNG check: a real PNG decodes, a truncated one does not")
def _():
    import struct
    import zlib
    raw = b"".join(b"\x00" + b"\x80\x00\x00" * 4 for _ in range(3))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 3, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    eq(pngcheck.check_bytes(png), (4, 3))
    try:
        pngcheck.check_bytes(png[:-20])
    except ValueError:
        return
    raise AssertionError("truncated PNG passed")


# -- missing dependency: skipped with the package, nothing deployed ----
@case("a transport whose program is missing is skipped with its package")
def _():
    from vale_bench.progress import Progress
    import io
    old = os.environ.get("PATH", "")
    with tempfile.TemporaryDirectory() as d:
        os.environ["PATH"] = d          # no ovsdb-server, no ip
        try:
            c = build({"transport": "ovs bridge-udp", "size": "64", "mode": "throughput",
                       "repetitions": 2, "out": d + "/o"})
            logs = []
            failed = runner.run(c, Progress(io.StringIO(), tty=False), logs.append)
        finally:
            os.environ["PATH"] = old
        docs = {x["params"]["transport"]: x for x in results.walk(d + "/o")}
        eq(failed, 0)
        eq(docs["ovs"]["status"], "skipped")
        if "openvswitch" not in docs["ovs"]["reason"]:
            raise AssertionError(docs["ovs"]["reason"])
        eq(docs["bridge-udp"]["reason"], "install iproute2")
        if not any(l.startswith("skipped ovs (") for l in logs):
            raise AssertionError(logs)


# -- plots from synthetic points ----------------------------------------
def synth(transport, size, mode, topo="1vs1", pps=1e6, rate=0):
    d = sample_doc((pps, pps * 1.1))
    p = d["params"]
    p.update(transport=transport, size=size, mode=mode, topology=topo, rate=rate,
             senders=int(topo.split("vs")[0]), receivers=int(topo.split("vs")[1]))
    for r in d["repetitions"]:
        if mode == "latency":
            r["metrics"] = {"rtt_p50_us": 20.0 + size / 100, "rtt_p99_us": 50.0,
                            "rtt_hist": [[8192, 10], [16384, 80], [65536, 10]]}
        else:
            r["metrics"].update(gbps=pps * size * 8 / 1e9, per_receiver_pps=pps / p["receivers"])
    return d


@case("plots: every kind renders to a PNG that decodes, summary lists them")
def _():
    from vale_bench import plots, summary
    with tempfile.TemporaryDirectory() as d:
        for t in ("vale", "bridge-udp"):
            for size in (64, 1500):
                for topo in ("1vs1", "2vs2"):
                    results.write(d, synth(t, size, "throughput", topo))
                    results.write(d, synth(t, size, "latency", topo))
                results.write(d, synth(t, size, "throughput", rate=100000, pps=9e4))
        docs = results.walk(d)
        pngs = plots.build(docs, os.path.join(d, "plots"))
        names = sorted(os.path.basename(p).split("-")[0] for p in pngs)
        for kind in ("rate", "size", "pairs", "rtt", "cdf"):
            if kind not in names:
                raise AssertionError("no %s plot in %s" % (kind, names))
        for p in pngs:
            w, h = pngcheck.check_file(p)
            eq((w, h), (900, 560))
        s = open(summary.write(d, docs, pngs)).read()
        for needle in ("## Throughput", "## Round trip", "plots/size-mpps-1vs1-b32.png"):
            if needle not in s:
                raise AssertionError("summary.md lacks %r" % needle)


@case("ratios: vale against a peer, rounds paired, RTT inverted, spread flagged")
def _():
    from vale_bench import ratios
    docs = []
    for t, pps, rtt in (("vale", (2e6, 2.2e6, 1.8e6), (10.0, 11.0, 12.0)),
                        ("bridge-udp", (1e6, 1e6, 1e6), (40.0, 30.0, 50.0))):
        for size in (64, 1500):
            d = sample_doc(pps)
            d["params"].update(transport=t, size=size)
            docs.append(d)
            lt = sample_doc(rtt)
            lt["params"].update(transport=t, size=size, mode="latency", rate=1000)
            for r, v in zip(lt["repetitions"], rtt):
                r["metrics"] = {"rtt_p50_us": v, "rtt_p99_us": v * (1 if t == "vale" else 0.25)}
            docs.append(lt)
    res = ratios.compute(docs)
    rows = {(r["metric"], r["size"]): r for r in res["bridge-udp"]}
    eq(sorted(rows), [("rtt_p50", 64), ("rtt_p50", 1500), ("rtt_p99", 64), ("rtt_p99", 1500),
                      ("throughput", 64), ("throughput", 1500)])
    eq(round(rows[("throughput", 64)]["ratio"], 6), 2.0)
    eq(rows[("throughput", 64)]["spread_exceeds_effect"], False)
    eq(round(rows[("rtt_p50", 64)]["ratio"], 6), round(40.0 / 11.0, 6))
    # p99: the peer's 10, 7.5, 12.5 against vale's 10, 11, 12: ratio about 0.9,
    # per-round 1.0, 0.68, 1.04: on both sides of 1, the spread exceeds the effect
    eq(rows[("rtt_p99", 1500)]["spread_exceeds_effect"], True)


@case("a SIGINT at any moment of spawn() leaves no child behind")
def _():
    import signal
    import time
    from vale_bench import deploy
    mark = "31.%d" % os.getpid()

    def alive():
        n = 0
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    argv = f.read().split(b"\0")
                with open("/proc/%s/stat" % pid) as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if argv[:2] == [b"sleep", mark.encode()] and state != "Z":
                n += 1
        return n
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    sigint = {signal.SIGINT}
    hit = 0
    try:
        for i in range(150):
            dep = deploy.Deployment(tag="vt")
            # The SIGINT comes from another process, as kill -INT's does
            # (a thread of this one would take it itself).  It is held
            # outside the try, so that it can only interrupt spawn().
            signal.pthread_sigmask(signal.SIG_BLOCK, sigint)
            killer = os.fork()
            if killer == 0:
                time.sleep(0.0005 * (i % 20))
                os.kill(os.getppid(), signal.SIGINT)
                os._exit(0)
            try:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, sigint)
                for _ in range(50):
                    dep.spawn(["sleep", mark])
                time.sleep(1)
            except KeyboardInterrupt:
                hit += 1
            finally:
                signal.pthread_sigmask(signal.SIG_BLOCK, sigint)
                os.waitpid(killer, 0)
                if signal.SIGINT in signal.sigpending():
                    signal.sigwait(sigint)	# sent, but too late
                signal.pthread_sigmask(signal.SIG_UNBLOCK, sigint)
                dep.cleanup()
            if alive():
                raise AssertionError("round %d: %d child(ren) left" % (i, alive()))
    finally:
        signal.signal(signal.SIGINT, old)
    if hit < 100:
        raise AssertionError("only %d of 150 rounds were interrupted" % hit)


def main():
    print("1..%d" % len(CASES))
    bad = 0
    for i, (name, fn) in enumerate(CASES, 1):
        try:
            fn()
            print("ok %d %s" % (i, name))
        except Exception as e:  # report, keep going
            bad += 1
            print("not ok %d %s" % (i, name))
            print("# %s: %s" % (type(e).__name__, e))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
