# SPDX-License-Identifier: GPL-2.0
"""Plots of a result tree, PNG through gnuplot (Debian's gnuplot-nox):
received against offered rate, maximum throughput against size (Mpps and
Gbit/s), per-pair and total throughput against pairs, round trip against
size per burst, and the round-trip CDF.  One colour per transport in
every plot (transports.colour)."""

import os
import shutil
import subprocess

from .transports import colour, order

GNUPLOT = os.environ.get("GNUPLOT", "gnuplot")


def _m(doc, k):
    s = doc.get("stats", {}).get(k)
    return s["mean"] if s and s["mean"] is not None else None


def _ci(doc, k):
    s = doc.get("stats", {}).get(k)
    return (s.get("ci95") or 0.0) if s else 0.0


def _ok(docs, mode):
    return [d for d in docs if d.get("status") in ("complete", "partial")
            and d["params"]["mode"] == mode and d.get("repetitions")]


def _rank(name):
    """A transport's place in the registry (legends follow it)."""
    o = order()
    return o.index(name) if name in o else len(o)


class _Plot:
    """One PNG: series of (x, y, err) per transport."""

    def __init__(self, path, title, xlabel, ylabel, logx=False, lines="linespoints"):
        self.path, self.title, self.xl, self.yl = path, title, xlabel, ylabel
        self.logx, self.style = logx, lines
        self.series = []

    def add(self, name, pts, dashed=False, label=None):
        pts = sorted(p for p in pts if p[1] is not None)
        if pts:
            self.series.append((name, pts, dashed, label or name))

    def render(self, datadir):
        if not self.series:
            return None
        base = os.path.splitext(os.path.basename(self.path))[0]
        cmds = []
        for i, (name, pts, dashed, label) in enumerate(self.series):
            dat = os.path.join(datadir, "%s.%d.dat" % (base, i))
            with open(dat, "w", encoding="utf-8") as f:
                for p in pts:
                    f.write("%g %g %g\n" % (p[0], p[1], p[2] if len(p) > 2 else 0))
            dt = "dt 2" if dashed else "dt 1"
            errs = any(len(p) > 2 and p[2] for p in pts)
            cmds.append("'%s' using 1:2 with %s lw 2 %s lc rgb '%s' title '%s'"
                        % (dat, self.style, dt, colour(name), label))
            if errs:
                cmds.append("'%s' using 1:2:3 with yerrorbars lc rgb '%s' notitle"
                            % (dat, colour(name)))
        script = [
            "set terminal pngcairo size 900,560 noenhanced font ',10'",
            "set output '%s'" % self.path,
            "set title '%s'" % self.title,
            "set xlabel '%s'" % self.xl,
            "set ylabel '%s'" % self.yl,
            "set grid", "set key outside right top", "set yrange [0:*]",
        ]
        if self.logx:
            script.append("set logscale x")
        script.append("plot " + ", \\\n  ".join(cmds))
        sp = os.path.join(datadir, base + ".gp")
        with open(sp, "w", encoding="utf-8") as f:
            f.write("\n".join(script) + "\n")
        subprocess.run([GNUPLOT, sp], check=True, stdout=subprocess.DEVNULL)
        return self.path


def _group(docs, keys):
    g = {}
    for d in docs:
        g.setdefault(tuple(d["params"][k] for k in keys), []).append(d)
    return g


def _topo(p):
    return p["topology"] + ("-remote" if p["remote"] else "")


def build(docs, plotdir):
    """All plots the tree has data for; returns the PNG paths."""
    if not shutil.which(GNUPLOT):
        raise RuntimeError("no gnuplot (install gnuplot-nox)")
    os.makedirs(plotdir, exist_ok=True)
    datadir = os.path.join(plotdir, "data")
    os.makedirs(datadir, exist_ok=True)
    plots = []
    tp = _ok(docs, "throughput")
    # received against offered, per size/burst/topology (only with >1 rate)
    for (size, burst, topo, remote), ds in _group(tp, ("size", "burst", "topology", "remote")).items():
        if len({d["params"]["rate"] for d in ds}) < 2:
            continue
        t = "%s%s" % (topo, "-remote" if remote else "")
        pl = _Plot(os.path.join(plotdir, "rate-%s-%dB-b%d.png" % (t, size, burst)),
                   "received against offered rate, %d B, burst %d, %s" % (size, burst, t),
                   "offered rate (Mpps)", "received rate (Mpps)")
        for name, dt in sorted(_group(ds, ("transport",)).items()):
            pl.add(name[0], [(_m(d, "offered_pps") / 1e6, _m(d, "received_pps") / 1e6,
                              _ci(d, "received_pps") / 1e6) for d in dt])
        plots.append(pl)
    # maximum throughput against size (Mpps and Gbit/s)
    for (burst, topo, remote), ds in _group(tp, ("burst", "topology", "remote")).items():
        t = "%s%s" % (topo, "-remote" if remote else "")
        for unit, key, scale, yl in (("mpps", "received_pps", 1e6, "received (Mpps)"),
                                     ("gbps", "gbps", 1.0, "received (Gbit/s, frame bytes)")):
            pl = _Plot(os.path.join(plotdir, "size-%s-%s-b%d.png" % (unit, t, burst)),
                       "maximum throughput against frame size, burst %d, %s" % (burst, t),
                       "frame size (bytes)", yl)
            for name, dt in _group(ds, ("transport",)).items():
                best = {}
                for d in dt:
                    v = _m(d, key)
                    s = d["params"]["size"]
                    if v is not None and (s not in best or v > best[s][0]):
                        best[s] = (v, _ci(d, key))
                pl.add(name[0], [(s, v / scale, c / scale) for s, (v, c) in best.items()])
            plots.append(pl)
    # per-pair and total against pairs (KvsK topologies)
    kk = [d for d in tp if d["params"]["senders"] == d["params"]["receivers"]]
    for (size, burst, remote), ds in _group(kk, ("size", "burst", "remote")).items():
        if len({d["params"]["senders"] for d in ds}) < 2:
            continue
        pl = _Plot(os.path.join(plotdir, "pairs-%dB-b%d%s.png" % (size, burst, "-remote" if remote else "")),
                   "throughput against pairs, %d B, burst %d (solid total, dashed per pair)" % (size, burst),
                   "pairs (sender -> receiver)", "received (Mpps)")
        for name, dt in _group(ds, ("transport",)).items():
            best_t, best_p = {}, {}
            for d in dt:
                n = d["params"]["senders"]
                v = _m(d, "received_pps")
                if v is not None and v > best_t.get(n, (-1,))[0]:
                    best_t[n] = (v, _ci(d, "received_pps"))
                    best_p[n] = _m(d, "per_receiver_pps")
            pl.add(name[0], [(n, v / 1e6, c / 1e6) for n, (v, c) in best_t.items()])
            pl.add(name[0], [(n, v / 1e6) for n, v in best_p.items()], dashed=True,
                   label=name[0] + " per pair")
        plots.append(pl)
    lat = _ok(docs, "latency")
    # RTT against size, one plot per burst (p50 solid, p99 dashed)
    for (burst, topo, remote), ds in _group(lat, ("burst", "topology", "remote")).items():
        t = "%s%s" % (topo, "-remote" if remote else "")
        pl = _Plot(os.path.join(plotdir, "rtt-%s-b%d.png" % (t, burst)),
                   "round trip against frame size, burst %d, %s (solid p50, dashed p99)" % (burst, t),
                   "frame size (bytes)", "round-trip time (us)")
        for name, dt in _group(ds, ("transport",)).items():
            pl.add(name[0], [(d["params"]["size"], _m(d, "rtt_p50_us"), _ci(d, "rtt_p50_us")) for d in dt])
            pl.add(name[0], [(d["params"]["size"], _m(d, "rtt_p99_us")) for d in dt],
                   dashed=True, label=name[0] + " p99")
        plots.append(pl)
    # CDF of round trips, smallest and largest size
    for (burst, topo, remote), ds in _group(lat, ("burst", "topology", "remote")).items():
        sizes = sorted({d["params"]["size"] for d in ds})
        for size in sorted({sizes[0], sizes[-1]}):
            t = "%s%s" % (topo, "-remote" if remote else "")
            pl = _Plot(os.path.join(plotdir, "cdf-%s-%dB-b%d.png" % (t, size, burst)),
                       "round-trip distribution, %d B, burst %d, %s" % (size, burst, t),
                       "round-trip time (us, log scale)", "fraction of round trips",
                       logx=True, lines="steps")
            for d in ds:
                if d["params"]["size"] != size:
                    continue
                h = d.get("rtt_hist") or []
                tot = sum(n for _, n in h)
                if not tot:
                    continue
                acc, pts = 0, []
                for up, n in h:
                    acc += n
                    pts.append((up / 1000.0, acc / tot))
                pl.add(d["params"]["transport"], pts)
            plots.append(pl)
    out = []
    for pl in plots:
        pl.series.sort(key=lambda s: (_rank(s[0]), s[2]))
        r = pl.render(datadir)
        if r:
            out.append(r)
    return out
