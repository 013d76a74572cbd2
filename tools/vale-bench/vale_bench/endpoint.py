# SPDX-License-Identifier: GPL-2.0
"""Running vale-bench-ep (Documentation/bench.md, "Endpoints"): the
command line of each application and the measurement of one repetition
from their final JSON objects."""

import json
import os
import shutil
import signal
import subprocess
import time

from .topology import endpoint_addr_args, flows

EXIT_UNAVAILABLE = 3
READY_TIMEOUT = 30
RX_BACKSTOP = 60
EXIT_NOTHING = 4        # nothing arrived before --timeout; JSON printed


class Unavailable(RuntimeError):
    """The endpoint says its API cannot run here (exit 3)."""


class EndpointError(RuntimeError):
    pass


def find(explicit=""):
    """The endpoint program: explicit, $VALE_BENCH_EP, the build tree,
    /bin (the test VM) or PATH."""
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.normpath(os.path.join(here, "..", "..", ".."))
    for c in (explicit, os.environ.get("VALE_BENCH_EP", ""),
              os.path.join(top, "build/user/tools/vale-bench-ep"),
              "/bin/vale-bench-ep"):
        if c and os.access(c, os.X_OK):
            return c
    return shutil.which("vale-bench-ep")


def argv(ep, transport, app, point, cfg):
    """The full command line of one application."""
    a = [ep, app.role] + transport.ep_args(app) + endpoint_addr_args(app)
    a += ["-p", point["size"], "-b", point["burst"], "--json",
          "--flow", flows(app), "--cpu", app.cpu]
    if app.side == "tx":
        rate = point["rate"] if point["mode"] == "throughput" else cfg.latency_rate
        a += ["-r", rate, "-d", "%g" % cfg.duration]
        if app.role == "client":
            a += ["--timeout", "%g" % cfg.timeout]
    else:
        # Stopped by SIGTERM once the senders are done (run_once); the
        # duration is only a backstop.  No --timeout: it would also run
        # from the receiver's start, before a slow sender's first frame.
        a += ["-d", "%g" % (cfg.duration + RX_BACKSTOP)]
    if cfg.poll:
        a.append("--poll")
    if cfg.touch:
        a.append("-c")
    return [str(x) for x in a]


def _final(p, what, deadline):
    try:
        out, err = p.communicate(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGINT)
        try:
            out, err = p.communicate(timeout=2)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
    if p.returncode == EXIT_UNAVAILABLE:
        # libbpf and libxdp chatter first; the endpoint's own message is last
        lines = [l for l in (err or "").splitlines() if l.strip()]
        raise Unavailable(lines[-1].strip() if lines else "%s: API unavailable" % what)
    last = None
    for line in (out or "").splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                o = json.loads(line)
            except ValueError:
                continue
            if not o.get("interim"):
                last = o
    if last is None:
        raise EndpointError("%s: exit %s, no final JSON: %s"
                            % (what, p.returncode, (err or "").strip()[-300:]))
    return last


def run_once(dep, ep, transport, txs, rxs, point, cfg, workdir):
    """One repetition: servers/receivers first, then the senders for the
    duration; returns the measurement and the raw endpoint objects."""
    procs = []
    ready = []
    for a in rxs:
        r = os.path.join(workdir, "%s.ready" % a.name)
        if os.path.exists(r):
            os.unlink(r)
        ready.append(r)
        procs.append((a, dep.spawn(argv(ep, transport, a, point, cfg) + ["--ready", r],
                                   ns=a.ns, cpu=a.cpu)))
    # Senders start once every receiver has its API open (--ready).
    deadline = time.monotonic() + READY_TIMEOUT
    while not all(os.path.exists(r) for r in ready):
        for a, p in procs:
            if p.poll() is not None:
                _final(p, a.name, time.monotonic())
                raise EndpointError("%s ended before it was ready" % a.name)
        if time.monotonic() > deadline:
            raise EndpointError("receivers not ready after %ds" % READY_TIMEOUT)
        time.sleep(0.02)
    tprocs = [(a, dep.spawn(argv(ep, transport, a, point, cfg), ns=a.ns,
                            cpu=a.cpu)) for a in txs]
    deadline = time.monotonic() + cfg.duration + cfg.timeout + 10
    tx = [(a, _final(p, a.name, deadline)) for a, p in tprocs]
    # What is in flight or queued reaches the receivers, then they stop
    # and print their final JSON (on SIGTERM).
    time.sleep(cfg.timeout)
    for a, p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    rx = [(a, _final(p, a.name, deadline)) for a, p in procs]
    if point["mode"] == "throughput":
        m = throughput(tx, rx, point)
    else:
        m = latency(tx)
    return m, {"tx": [o for _, o in tx], "rx": [o for _, o in rx]}


def throughput(tx, rx, point):
    secs = max(o.get("seconds") or 0 for _, o in tx) or 1e-9
    attempted = sum(o.get("attempted", 0) for _, o in tx)
    sent = sum(o.get("sent", 0) for _, o in tx)
    received = sum(o.get("received", 0) for _, o in rx)
    # A fan-out sender's frames are meant for every receiver.
    expect = sum(o.get("sent", 0) * len(a.peers) for a, o in tx)
    rx_pps = received / secs
    m = {"offered_pps": attempted / secs, "sent_pps": sent / secs,
         "received_pps": rx_pps,
         "per_receiver_pps": rx_pps / len(rx),
         "gbps": rx_pps * point["size"] * 8 / 1e9,
         "loss": (1 - received / expect) if expect else None,
         "seconds": secs}
    for k in ("bad_header", "reordered", "duplicated", "foreign"):
        m[k] = sum(o.get(k, 0) for _, o in rx)
    m["dropped"] = sum(o.get("dropped", 0) for _, o in tx)
    return m


RTT_KEYS = ("min", "p50", "p90", "p99", "p999", "max", "mean")


def latency(tx):
    m = {}
    for k in RTT_KEYS:
        vs = [o.get("rtt_ns", {}).get(k) for _, o in tx]
        vs = [v for v in vs if v is not None]
        m["rtt_%s_us" % k] = (sum(vs) / len(vs) / 1000.0) if vs else None
    m["sent"] = sum(o.get("sent", 0) for _, o in tx)
    m["received"] = sum(o.get("received", 0) for _, o in tx)
    m["lost"] = sum(o.get("lost", 0) for _, o in tx)
    hist = {}
    for _, o in tx:
        for up, n in o.get("rtt_hist") or []:
            hist[up] = hist.get(up, 0) + n
    m["rtt_hist"] = sorted([int(k), int(v)] for k, v in hist.items())
    return m
