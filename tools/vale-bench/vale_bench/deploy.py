# SPDX-License-Identifier: GPL-2.0
"""Deployment: "containers" (a network namespace per application, each
pinned to its own CPU through a cgroup v2 cpuset where one can be made,
else sched affinity), the links between them, and cleanup of all of it in
reverse order at the end of a point, on exit and on SIGINT/SIGTERM."""

import os
import signal
import subprocess
import sys
import time

CGROOT = "/sys/fs/cgroup"
VERBOSE = False


class DeployError(RuntimeError):
    pass


def sh(*argv, check=True, ns=None, quiet=False):
    """Run a command (in namespace ns), return its stdout."""
    argv = [str(a) for a in argv]
    if ns:
        argv = ["ip", "netns", "exec", ns] + argv
    if VERBOSE:
        print("+ " + " ".join(argv), file=sys.stderr)
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, check=False)
    if check and p.returncode != 0:
        raise DeployError("%s: exit %d: %s" % (" ".join(argv), p.returncode,
                                               p.stderr.strip()))
    if not quiet and VERBOSE and p.stderr.strip():
        print(p.stderr.rstrip(), file=sys.stderr)
    return p.stdout


def _cgroup_ok():
    try:
        with open(os.path.join(CGROOT, "cgroup.controllers"), encoding="utf-8") as f:
            if "cpuset" not in f.read().split():
                return False
        with open(os.path.join(CGROOT, "cgroup.subtree_control"), "a",
                  encoding="utf-8") as f:
            f.write("+cpuset")
        return True
    except OSError:
        return False


class Deployment:
    """Everything one point set up; cleanup() undoes it (idempotent)."""

    def __init__(self, tag="vb"):
        # Interface names are at most 15 bytes: keep the prefix short
        # and distinct per run.
        self.prefix = "%s%03x" % (tag, os.getpid() & 0xfff)
        self._undo = []
        self._procs = []
        self._cg = None
        self.pinning = "affinity"
        if _cgroup_ok():
            path = os.path.join(CGROOT, "vale-bench.%d" % os.getpid())
            self.defer(lambda: _rmdir_tree(path))
            try:
                os.mkdir(path)
                with open(os.path.join(path, "cgroup.subtree_control"), "w",
                          encoding="utf-8") as f:
                    f.write("+cpuset")
                self._cg = path
                self.pinning = "cgroup"
            except OSError:
                self._cg = None

    def name(self, s):
        n = self.prefix + s
        if len(n) > 15:
            raise DeployError("interface name %s is too long" % n)
        return n

    def defer(self, fn):
        self._undo.append(fn)

    def netns(self, short):
        ns = self.name(short)
        # The undo is registered first: a SIGINT between the two must not
        # leave the namespace behind (undoing what was never made is
        # harmless).
        self.defer(lambda: sh("ip", "netns", "del", ns, check=False, quiet=True))
        sh("ip", "netns", "add", ns)
        sh("ip", "link", "set", "lo", "up", ns=ns)
        return ns

    def veth(self, outer, inner, ns_inner, ns_outer=None, inner_name="eth0",
             mac=None, addr=None):
        """A veth pair: `outer` stays in ns_outer (None: here), its peer
        goes to ns_inner as inner_name with mac and addr."""
        o = self.name(outer)
        i = self.name(inner)
        cmd = ["ip", "link", "add", o, "type", "veth", "peer", "name", i]
        self.defer(lambda: sh("ip", "link", "del", o, check=False, ns=ns_outer,
                              quiet=True))
        sh(*cmd, ns=ns_outer)
        sh("ip", "link", "set", i, "netns", ns_inner, ns=ns_outer)
        sh("ip", "link", "set", i, "name", inner_name, ns=ns_inner)
        if mac:
            sh("ip", "link", "set", inner_name, "address", mac, ns=ns_inner)
        if addr:
            sh("ip", "addr", "add", addr, "dev", inner_name, ns=ns_inner)
        sh("ip", "link", "set", inner_name, "up", ns=ns_inner)
        sh("ip", "link", "set", o, "up", ns=ns_outer)
        return o

    def spawn(self, argv, ns=None, cpu=None, stdout=None):
        """Start argv in namespace ns pinned to cpu; killed at cleanup."""
        argv = [str(a) for a in argv]
        if ns:
            argv = ["ip", "netns", "exec", ns] + argv
        cg = None
        if self._cg is not None and cpu is not None:
            cg = os.path.join(self._cg, "c%d" % cpu)
            if not os.path.isdir(cg):
                try:
                    os.mkdir(cg)
                    with open(os.path.join(cg, "cpuset.cpus"), "w",
                              encoding="utf-8") as f:
                        f.write(str(cpu))
                except OSError:
                    cg = None

        # A SIGINT (or SIGTERM) between the fork and the append below
        # would leave a child nobody kills: both wait until the child is
        # on the list, and the child gets the mask it would have had.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK,
                                      {signal.SIGINT, signal.SIGTERM})

        def pre():
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            os.setpgid(0, 0)
            if cpu is not None:
                os.sched_setaffinity(0, {cpu})
            if cg:
                try:
                    with open(os.path.join(cg, "cgroup.procs"), "w") as f:
                        f.write("0")
                except OSError:
                    pass
        if VERBOSE:
            print("+ [cpu %s] %s" % (cpu, " ".join(argv)), file=sys.stderr)
        try:
            p = subprocess.Popen(argv, stdout=stdout or subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True,
                                 preexec_fn=pre)
            self._procs.append(p)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        return p

    def kill_all(self):
        for p in self._procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except OSError:
                    pass
        deadline = time.monotonic() + 2
        for p in self._procs:
            try:
                p.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except OSError:
                    pass
                p.wait()
        self._procs = []

    def cleanup(self):
        # SIGINT must not interrupt the cleanup itself.
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            self.kill_all()
            while self._undo:
                fn = self._undo.pop()
                try:
                    fn()
                except Exception as e:  # keep undoing the rest
                    print("vale-bench: cleanup: %s" % e, file=sys.stderr)
        finally:
            signal.signal(signal.SIGINT, old)


def _rmdir_tree(path):
    if not os.path.isdir(path):
        return
    # Whatever still runs in the cpusets (kill_all has waited for what
    # it started) goes first, or the directories stay busy.
    try:
        with open(os.path.join(path, "cgroup.kill"), "w", encoding="utf-8") as f:
            f.write("1")
    except OSError:
        pass
    for d in sorted((os.path.join(path, e) for e in os.listdir(path)), reverse=True):
        if os.path.isdir(d):
            for _ in range(20):
                try:
                    os.rmdir(d)
                    break
                except OSError:
                    time.sleep(0.05)
    os.rmdir(path)


def install_signal_handlers():
    """SIGTERM behaves as SIGINT: both unwind through the cleanups."""
    def on_term(signum, frame):
        raise KeyboardInterrupt()
    signal.signal(signal.SIGTERM, on_term)
    # A shell starts background jobs with SIGINT ignored; Ctrl-C and
    # kill -INT must still stop a run.
    signal.signal(signal.SIGINT, signal.default_int_handler)
