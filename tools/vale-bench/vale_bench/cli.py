# SPDX-License-Identifier: GPL-2.0
"""Command line: vale-bench run|plot|list|check (Documentation/bench.md)."""

import argparse
import os
import sys

from . import deploy, plots, ratios, results, runfile, runner, summary, vm
from .params import ParamError
from .progress import Progress
from .transports import order, registry

# option -> run-file field
OPTS = [
    (("-t", "--transport"), "transport"), (("-T", "--topology"), "topology"),
    (("-P", "--pairs"), "pairs"), (("-m", "--mode"), "mode"),
    (("-s", "--size"), "size"), (("-r", "--rate"), "rate"),
    (("-b", "--burst"), "burst"), (("--latency-rate",), "latency-rate"),
    (("-d", "--duration"), "duration"), (("-n", "--repetitions"), "repetitions"),
    (("--timeout",), "timeout"), (("--cpus",), "cpus"),
    (("--vale-veth-api",), "vale-veth-api"), (("-o", "--out"), "out"),
    (("--ep",), "ep"),
]
FLAGS = [("--remote", "remote"), ("--poll", "poll"), ("--touch", "touch")]


def _parser():
    ap = argparse.ArgumentParser(prog="vale-bench",
                                 description="compare networking mechanisms side by side")
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("run", "check"):
        p = sub.add_parser(name, help="run a sweep" if name == "run"
                           else "validate a run and print its plan")
        p.add_argument("-f", "--file", help="run file (YAML or JSON)")
        for flags, field in OPTS:
            p.add_argument(*flags, dest=field.replace("-", "_"), default=None,
                           help=runfile.FIELDS[field][1])
        for flag, field in FLAGS:
            p.add_argument(flag, dest=field, action="store_const", const=True,
                           default=None, help=runfile.FIELDS[field][1])
        p.add_argument("--here", action="store_true",
                       help="run on this machine (vale.ko loaded), not in the test VM")
        p.add_argument("--kernel", default="6.1", help="test VM kernel (vm-run --kernel)")
        p.add_argument("--mem", default="2G", help="test VM memory")
        p.add_argument("--vm-timeout", type=int, default=0,
                       help="test VM time limit in seconds (default: estimated)")
        p.add_argument("--vm-interrupt", type=int, default=0, metavar="K",
                       help="tests: in the VM, first stop a run with SIGINT when its"
                       " K-th step starts, check it left nothing, then resume")
        p.add_argument("--no-plots", action="store_true", help="no PNG plots")
        p.add_argument("-v", "--verbose", action="store_true", help="print every command")
    p = sub.add_parser("plot", help="summary.md and plots of an existing tree")
    p.add_argument("out")
    p = sub.add_parser("ratios", help="vale against every peer: ratio files with median and spread")
    p.add_argument("out", help="result tree")
    p.add_argument("-o", "--dir", default=None, help="where the JSON files go (default: the tree)")
    p.add_argument("--base", default="vale", help="the transport compared (default vale)")
    sub.add_parser("list", help="the transports and whether they can run here")
    return ap


def layers(args):
    """The raw layers of a run: the run file, then the command line."""
    ls = []
    if args.file:
        ls.append((args.file, runfile.load_file(args.file)))
    cl = {}
    for _, field in OPTS + FLAGS:
        v = getattr(args, field.replace("-", "_"))
        if v is not None:
            cl[field] = v
    ls.append(("command line", cl))
    return ls


def report(out, log, machine=None, make_plots=True):
    docs = results.walk(out)
    pngs = []
    if make_plots:
        try:
            pngs = plots.build(docs, os.path.join(out, "plots"))
        except (RuntimeError, OSError) as e:
            log("no plots: %s" % e)
    return summary.write(out, docs, pngs, machine)


def main(argv=None):
    args = _parser().parse_args(argv)
    prog = Progress()
    if args.cmd == "list":
        for name, t in registry().items():
            why = t.available()
            print("%-16s %-10s %s" % (name, t.api or "-",
                                      "available" if why is None else "skipped (%s)" % why))
        return 0
    if args.cmd == "ratios":
        _, lines = ratios.write(results.walk(args.out), args.dir or args.out, args.base)
        print("\n".join(lines))
        return 0
    if args.cmd == "plot":
        print(report(args.out, prog.log))
        return 0
    deploy.VERBOSE = args.verbose
    try:
        ls = layers(args)
        cfg = runfile.build(ls, order())
    except ParamError as e:
        print("vale-bench: %s" % e, file=sys.stderr)
        return 2
    if args.cmd == "check":
        n = 0
        for rep, p, t in runner.schedule(cfg):
            print("%d %s %s" % (rep, t, results.point_dir(cfg.out, dict(p, transport=t))))
            n += 1
        print("%d runs of %d points" % (n, n // cfg.repetitions), file=sys.stderr)
        return 0
    if not args.here:
        return vm.run(args, ls, cfg, prog, lambda out, log: report(
            out, log, make_plots=not args.no_plots))
    deploy.install_signal_handlers()
    os.makedirs(cfg.out, exist_ok=True)
    try:
        failed = runner.run(cfg, prog, prog.log)
    except KeyboardInterrupt:
        prog.log("interrupted; everything set up was removed")
        report(cfg.out, prog.log, make_plots=False)
        return 130
    path = report(cfg.out, prog.log, make_plots=not args.no_plots)
    prog.log("results in %s (%s)" % (cfg.out, path))
    return 1 if failed else 0
