# SPDX-License-Identifier: GPL-2.0
"""The sweep: every combination of the run's parameters, repeated, in an
order that interleaves transports (repetition outermost, then the point,
then every transport, rotated by one each repetition) so that drift of
the machine hits all transports alike; finished points of an existing
tree are skipped (resume)."""

import itertools
import shutil
import tempfile
import time

from . import endpoint, machine, results, topology
from .deploy import DeployError, Deployment
from .transports import registry


def points(cfg):
    """The points of the run without transport, in run order."""
    out = []
    for mode, topo, burst, size in itertools.product(
            cfg.mode, cfg.topology, cfg.burst, cfg.size):
        rates = cfg.rate if mode == "throughput" else [cfg.latency_rate]
        for rate in rates:
            out.append({"mode": mode, "topology": topo, "burst": burst,
                        "size": size, "rate": rate, "remote": cfg.remote})
    return out


def schedule(cfg):
    """(repetition, point, transport) in run order."""
    ts = list(cfg.transport)
    for rep in range(cfg.repetitions):
        k = rep % len(ts)
        rot = ts[k:] + ts[:k]
        for p in points(cfg):
            for t in rot:
                yield rep, p, t


def _new_doc(point, cfg, mach, transport):
    s, r = topology.topology_shape(point["topology"])
    params = dict(point)
    params.update({"transport": transport.name, "api": transport.api,
                   "senders": s, "receivers": r, "duration": cfg.duration,
                   "repetitions": cfg.repetitions, "timeout": cfg.timeout,
                   "poll": cfg.poll, "touch": cfg.touch, "cpus": cfg.cpus,
                   "latency_rate": cfg.latency_rate})
    return {"schema": results.SCHEMA_ID, "params": params, "machine": mach,
            "status": "partial", "repetitions": [], "failures": []}


def run(cfg, progress, log):
    """Run the sweep into cfg.out; returns the number of failed points."""
    reg = registry()
    if "vale-veth" in reg:
        reg["vale-veth"].api = cfg.vale_veth_api
    ep = endpoint.find(cfg.ep)
    mach = machine.describe()
    avail = {}
    for name in cfg.transport:
        why = reg[name].available()
        if why is None and ep is None:
            why = "build vale-bench-ep (make), or give --ep"
        avail[name] = why
        if why:
            log("skipped %s (%s)" % (name, why))
    docs = {}
    work = list(schedule(cfg))
    progress.start(len(work))
    workdir = tempfile.mkdtemp(prefix="vale-bench.")
    failed = set()
    resumed = 0
    try:
        for rep, p, tname in work:
            t = reg[tname]
            point = dict(p, transport=tname)
            key = results.point_dir("", point)
            doc = docs.get(key)
            if doc is None:
                doc = results.load(cfg.out, point)
                if doc is None or doc.get("status") == "skipped" or \
                        doc["params"].get("duration") != cfg.duration:
                    doc = _new_doc(point, cfg, mach, t)
                docs[key] = doc
            progress.step(point, rep)
            if results.finished(doc, cfg.repetitions) or \
                    len(doc["repetitions"]) > rep:
                resumed += 1
                continue
            why = avail[tname] or t.supports(p["topology"], p["mode"], p["remote"]) \
                or topology.supported(p["topology"], p["mode"])
            if doc.get("status") == "skipped":
                continue
            if why:
                doc["status"], doc["reason"] = "skipped", why
                results.write(cfg.out, doc)
                continue
            _measure(cfg, t, ep, point, doc, rep, workdir, log)
            if doc["status"] == "skipped":
                log("skipped %s (%s)" % (tname, doc["reason"]))
            n = len(doc["repetitions"])
            if doc["status"] != "skipped":
                doc["status"] = "complete" if n >= cfg.repetitions else "partial"
                if rep == cfg.repetitions - 1 and n < cfg.repetitions:
                    doc["status"] = "failed" if n == 0 else "partial"
                    failed.add(key)
            results.write(cfg.out, doc)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        progress.done()
        if resumed:
            log("resumed: %d runs already done in %s" % (resumed, cfg.out))
    return len(failed)


def _measure(cfg, t, ep, point, doc, rep, workdir, log):
    dep = Deployment()
    doc["params"]["pinning"] = dep.pinning
    txs, rxs = topology.build(point["topology"], point["mode"],
                              point["remote"], cfg.cpus)
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    try:
        t.setup(dep, txs, rxs, point["remote"], workdir)
        m, raw = endpoint.run_once(dep, ep, t, txs, rxs, point, cfg, workdir)
        doc["repetitions"].append({"index": rep, "started": started,
                                   "metrics": m, "endpoints": raw})
    except endpoint.Unavailable as e:
        doc["status"], doc["reason"] = "skipped", str(e)
    except (endpoint.EndpointError, DeployError, OSError) as e:
        doc["failures"].append({"index": rep, "started": started,
                                "error": str(e)[-500:]})
        log("failed %s rep %d: %s" % (results.point_dir("", point), rep, e))
    finally:
        dep.cleanup()
