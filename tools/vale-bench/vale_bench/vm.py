# SPDX-License-Identifier: GPL-2.0
"""Running a sweep in the test VM from the host: the guest gets Python
(the interpreter, the standard-library modules this package imports and
python3-yaml, found by what is loaded now, as scripts/ynl.sh does for
YNL), this package, the run as JSON, the endpoint and the tools of the
transports; selftests/vm/vm-run boots it; the guest sends the result
tree back as base64 of a tar on the side channel (lines between
VALE-BENCH-TREE-BEGIN and VALE-BENCH-TREE-END <sha256>), which is
unpacked into the host's output directory, where the plots are made."""

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile

import yaml  # noqa: F401  (the guest needs it: it is bundled from here)

from . import endpoint, runner

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
BEGIN, END = "VALE-BENCH-TREE-BEGIN", "VALE-BENCH-TREE-END"
CACHE = os.path.join(os.environ.get("VALE_CACHE", os.path.expanduser("~/.cache/vale")),
                     "vale-bench")

GUEST = r"""#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vale-bench in the test VM (written by tools/vale-bench/vale_bench/vm.py).
# TAP: the sweep ran; it left nothing behind (namespaces, links, vale
# switches, processes, cgroups, bpffs pins); with an interrupt, also: a
# first run stopped by SIGINT in the middle left nothing and the sweep
# resumed from what it had finished.
INTERRUPT=@INTERRUPT@
VERBOSE=@VERBOSE@
if [ "$INTERRUPT" = 0 ]; then echo 1..2; else echo 1..5; fi
tar -xf /vb/py.tar -C / && mkdir -p /vb/pkg && tar -xf /vb/pkg.tar -C /vb/pkg || {
	echo "Bail out! could not unpack Python"; exit 1; }
mkdir -p /sys/fs/bpf /var/run /tmp/vb-out
for m in veth bridge vxlan openvswitch; do modprobe $m 2>&1 | sed "s/^/# modprobe $m: /"; done
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null
[ -f /vb/prev.tar ] && tar -xf /vb/prev.tar -C /tmp/vb-out
export PYTHONPATH=/vb/pkg PATH=/usr/sbin:/usr/bin:/sbin:/bin
IP=ip
[ -x /usr/bin/ip ] && IP=/usr/bin/ip
snapshot() {
	{ $IP netns list; $IP -o link show | sed 's/^[0-9]*: //; s/[:@].*//'
	  ps -o comm | grep -E '^(vale-bench-ep|xdp-bench|ovs-vswitchd|ovsdb-server|python3)'
	  ls /sys/fs/cgroup 2>/dev/null | grep vale-bench; ls -R /sys/fs/bpf 2>/dev/null
	  vale-ctl switch show 2>/dev/null | grep -o 'valeb[0-9a-z]*'; } | sort
}
compare() {	# N what: ok when nothing differs from the first snapshot
	snapshot >/tmp/vb-snap.after
	if cmp -s /tmp/vb-snap.before /tmp/vb-snap.after; then echo "ok $1 nothing left after $2"
	else echo "not ok $1 nothing left after $2"
		diff /tmp/vb-snap.before /tmp/vb-snap.after | sed 's/^/# left: /'; fi
}
snapshot >/tmp/vb-snap.before
run() { python3 -m vale_bench run --here --no-plots -f /vb/run.json -o /tmp/vb-out \
	--ep /bin/vale-bench-ep $VERBOSE "$@"; }
n=1
if [ "$INTERRUPT" != 0 ]; then
	# exec: $! is python itself, which gets the SIGINT
	(exec python3 -m vale_bench run --here --no-plots -f /vb/run.json -o /tmp/vb-out \
		--ep /bin/vale-bench-ep $VERBOSE) >/tmp/vb-int.log 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 600 ] && ! grep -q "\[$INTERRUPT/" /tmp/vb-int.log; do sleep 0.2; i=$((i + 1)); done
	sleep 0.5
	kill -INT $pid
	wait $pid
	rc=$?
	sed 's/^/# /' /tmp/vb-int.log
	if [ $rc = 130 ]; then echo "ok 1 SIGINT stopped the run (exit 130)"
	else echo "not ok 1 SIGINT stopped the run (exit $rc, want 130)"; fi
	compare 2 "SIGINT in the middle"
	n=3
fi
run >/tmp/vb-run.log 2>&1
rc=$?
sed 's/^/# /' /tmp/vb-run.log
if [ "$INTERRUPT" != 0 ]; then
	d=$(sed -n 's/.*resumed: \([0-9]*\) runs already done.*/\1/p' /tmp/vb-run.log)
	if [ "${d:-0}" -ge 1 ]; then echo "ok $n the sweep resumed ($d runs already done)"
	else echo "not ok $n the sweep resumed (no finished run was skipped)"; fi
	n=$((n + 1))
fi
python3 -c 'import sys; from vale_bench.vm import ship; ship(sys.argv[1], sys.argv[2])' \
	/tmp/vb-out /dev/ttyS1
if [ $rc = 0 ]; then echo "ok $n vale-bench run"; else echo "not ok $n vale-bench run"; fi
compare $((n + 1)) "the run"
"""


def ship(tree, dev):
    """Guest side: the tree as base64 lines of a tar on dev."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        t.add(tree, arcname=".")
    data = buf.getvalue()
    enc = base64.b64encode(data).decode()
    with open(dev, "w", encoding="ascii") as f:
        f.write(BEGIN + "\n")
        for i in range(0, len(enc), 76):
            f.write(enc[i:i + 76] + "\n")
        f.write("%s %s\n" % (END, hashlib.sha256(data).hexdigest()))


def unship(tagged, out):
    """Host side: unpack the tree from vm-run's side.tagged into out;
    False when it is not there or damaged."""
    lines, inside, digest = [], False, None
    with open(tagged, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.startswith("D\t"):
                continue
            t = line[2:].strip()
            if t == BEGIN:
                inside, lines = True, []
            elif t.startswith(END) and inside:
                digest = t.split()[1] if len(t.split()) > 1 else ""
                inside = False
            elif inside:
                lines.append(t)
    if digest is None:
        return False
    data = base64.b64decode("".join(lines))
    if hashlib.sha256(data).hexdigest() != digest:
        return False
    os.makedirs(out, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as t:
        for m in t.getmembers():
            if m.name.startswith("/") or ".." in m.name.split("/") or \
                    not (m.isfile() or m.isdir()):
                raise RuntimeError("bad member %s in the guest's tree" % m.name)
        t.extractall(out)
    return True


def _without_tree(text):
    """vm-run's output without the base64 lines of the shipped tree."""
    out, inside = [], False
    for line in text.splitlines(True):
        if BEGIN in line:
            inside = True
        elif END in line:
            inside = False
        elif not inside:
            out.append(line)
    return "".join(out)


def python_bundle():
    """A tar of the interpreter, its shared libraries and the modules
    loaded now (this package's imports, yaml), cached by content."""
    import argparse, csv, itertools, platform, signal, socket, struct  # noqa: F401,E401
    stdlib = sysconfig.get_paths()["stdlib"]
    paths = set()
    for m in list(sys.modules.values()):
        p = getattr(m, "__file__", None)
        if not p or p.startswith(TOP):
            continue
        d = os.path.dirname(p)
        if os.path.basename(d) == "__pycache__":
            d = os.path.dirname(d)
        if os.path.exists(os.path.join(d, "__init__.py")) and d != stdlib:
            paths.add(d)
        else:
            paths.add(p)
    paths.add(os.path.join(stdlib, "os.py"))
    py = os.path.realpath(sys.executable)
    bins = {py}
    for f in [py] + [p for p in paths if p.endswith(".so")]:
        out = subprocess.run(["ldd", f], capture_output=True, text=True).stdout
        bins.update(w for w in out.split() if w.startswith("/"))
    key = hashlib.sha256(("\n".join(sorted(paths | bins)) + sys.version).encode()).hexdigest()[:16]
    tarp = os.path.join(CACHE, "py-%s.tar" % key)
    if os.path.exists(tarp):
        return tarp
    os.makedirs(CACHE, exist_ok=True)
    with tarfile.open(tarp + ".tmp", "w") as t:
        for p in sorted(paths):
            t.add(p, arcname=p.lstrip("/"),
                  filter=lambda i: None if "__pycache__" in i.name and
                  not i.name.endswith(".pyc") else i)
        for b in sorted(bins):
            t.add(os.path.realpath(b), arcname=b.lstrip("/"))
        info = tarfile.TarInfo("usr/bin/python3")
        info.type, info.linkname = tarfile.SYMTYPE, os.path.basename(py)
        t.addfile(info)
    os.replace(tarp + ".tmp", tarp)
    return tarp


def _pkg_tar(path):
    with tarfile.open(path, "w") as t:
        t.add(HERE, arcname="vale_bench",
              filter=lambda i: None if "__pycache__" in i.name else i)


# transport -> vm-run arguments for its tools
def _tool_args(transports):
    a = []
    if "ovs" in transports:
        for p in ("/usr/sbin/ovsdb-server", "/usr/sbin/ovs-vswitchd",
                  "/usr/bin/ovs-vsctl", "/usr/bin/ovsdb-tool", "/usr/bin/ovs-appctl"):
            if os.path.exists(p):
                a += ["--bin", p]
        s = "/usr/share/openvswitch/vswitch.ovsschema"
        if os.path.exists(s):
            a += ["--file", "%s:%s" % (s, s)]
        a += ["--kmod", "openvswitch"]
    if "xdp" in transports:
        for p in ("/usr/sbin/xdp-bench", "/usr/sbin/xdp-loader"):
            if os.path.exists(p):
                a += ["--bin", p]
        for d in ("/usr/lib/x86_64-linux-gnu/bpf",):
            if os.path.isdir(d):
                for f in os.listdir(d):
                    a += ["--file", "%s/%s:%s/%s" % (d, f, d, f)]
    return a


def run(args, layers, cfg, prog, report):
    """Boot the VM, run the sweep there, collect and report on the host."""
    raw = {}
    for _, l in layers:
        raw.update(l)
    raw.pop("out", None)
    raw.pop("ep", None)
    raw.pop("cpus", None) if "cpus" not in layers[-1][1] else None
    build = os.path.join(TOP, "build", "user")
    ep = None
    for c in (cfg.ep, os.path.join(build, "tools/vale-bench-ep"),
              os.path.join(build, "tools/vale-bench-ep-static")):
        if c and os.access(c, os.X_OK):
            ep = c
            break
    ep = ep or endpoint.find(cfg.ep)
    if not ep:
        prog.log("no vale-bench-ep: run make (or give --ep)")
        return 1
    ctl = os.path.join(build, "tools/vale-ctl")
    os.makedirs(cfg.out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="vale-bench-vm.")
    try:
        with open(os.path.join(tmp, "run.json"), "w", encoding="utf-8") as f:
            json.dump(raw, f)
        _pkg_tar(os.path.join(tmp, "pkg.tar"))
        guest = os.path.join(tmp, "vale-bench.sh")
        with open(guest, "w", encoding="utf-8") as f:
            f.write(GUEST.replace("@VERBOSE@", "-v" if args.verbose else "")
                    .replace("@INTERRUPT@", str(args.vm_interrupt)))
        files = ["%s:/vb/py.tar" % python_bundle(), "%s/pkg.tar:/vb/pkg.tar" % tmp,
                 "%s/run.json:/vb/run.json" % tmp, "%s:/bin/vale-bench-ep" % ep]
        if os.path.exists(ctl):
            files.append("%s:/bin/vale-ctl" % ctl)
        if os.listdir(cfg.out):
            with tarfile.open(os.path.join(tmp, "prev.tar"), "w") as t:
                t.add(cfg.out, arcname=".", filter=lambda i: None if
                      i.name.startswith("./plots") else i)
            files.append("%s/prev.tar:/vb/prev.tar" % tmp)
        n = sum(1 for _ in runner.schedule(cfg))
        limit = args.vm_timeout or int(180 + n * (cfg.duration + 2 * cfg.timeout + 30))
        cmd = [os.path.join(TOP, "selftests/vm/vm-run"), "--kernel", args.kernel,
               "--mem", args.mem, "--out", os.path.join(tmp, "vm"),
               "--timeout", str(limit + 300), "--test-timeout", str(limit)]
        for f in files:
            cmd += ["--file", f]
        cmd += _tool_args(cfg.transport)
        cmd.append(guest)
        prog.log("booting the test VM for %d runs (limit %ds)" % (n, limit))
        if args.verbose:
            prog.log(" ".join(cmd))
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        tagged = os.path.join(tmp, "vm", "side.tagged")
        got = os.path.exists(tagged) and unship(tagged, cfg.out)
        if args.verbose or p.returncode != 0 or not got:
            sys.stderr.write(_without_tree(p.stdout)[-6000:])
            side = os.path.join(tmp, "vm", "side.txt")
            if os.path.exists(side):
                shutil.copy(side, os.path.join(cfg.out, "vm-side.txt"))
        if not got:
            prog.log("the VM sent no result tree back (vm-run exit %d)" % p.returncode)
            return 1
        path = report(cfg.out, prog.log)
        prog.log("results in %s (%s)" % (cfg.out, path))
        return 0 if p.returncode == 0 else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
