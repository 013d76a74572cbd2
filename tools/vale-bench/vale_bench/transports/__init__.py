# SPDX-License-Identifier: GPL-2.0
"""The mechanisms compared.  A transport sets up a switch per host (and
the vxlan link between hosts in a remote run), connects every
application's container to it, says which endpoint API the applications
use, and tears it all down through the deployment's cleanup.

available() is None when the transport can run here, else the reason
("install PACKAGE"); supports() is None or why a topology cannot be
measured with it."""

import shutil

from ..deploy import sh
from ..topology import topology_shape

UNDERLAY = ("192.168.77.1", "192.168.77.2")
VNI = 42
MTU = 9000


def need(programs):
    """None if every (program, package) is on PATH, else the install hint."""
    for prog, pkg in programs:
        if not shutil.which(prog):
            return "install %s" % pkg
    return None


class Transport:
    name = ""
    api = ""
    needs = ()            # (program, Debian package)
    remote_ok = True
    mtu = MTU             # of the containers' veths
    colour = "#000000"
    description = ""

    def available(self):
        return need(self.needs)

    def supports(self, topology, mode, remote):
        if remote and not self.remote_ok:
            return "%s has no remote mode" % self.name
        s, r = topology_shape(topology)
        if s == 1 and r > 1 and self.api in ("udp", "mmsg"):
            # the broadcast address needs SO_BROADCAST, which
            # vale-bench-ep's UDP sockets do not set (connect: EACCES)
            return "fan-out over UDP sockets (vale-bench-ep sets no SO_BROADCAST)"
        return None

    # -- set up ---------------------------------------------------------
    def setup(self, dep, txs, rxs, remote, workdir):
        """Hosts, switches, links; fills app.ns, app.dev, app.extra."""
        self.dep = dep
        self.workdir = workdir
        hosts = [dep.netns("hA")]
        if remote:
            hosts.append(dep.netns("hB"))
            self._underlay(dep, hosts)
        switches = [self.make_switch(dep, h, k) for k, h in enumerate(hosts)]
        if remote:
            for k, h in enumerate(hosts):
                self.attach(dep, h, switches[k], "vx0")
        for a in rxs + txs:
            a.ns = dep.netns(a.name)
            self.connect(dep, hosts[a.host], switches[a.host], a)
        for a in rxs + txs:
            for p in a.peers:
                if a.dev:
                    sh("ip", "neigh", "replace", p.ip, "lladdr", p.mac,
                       "dev", a.dev, ns=a.ns)
        self.started(dep, hosts, switches, txs, rxs)

    def _underlay(self, dep, hosts):
        u = dep.name("u")
        sh("ip", "link", "add", u, "type", "veth", "peer", "name", "u1",
           "netns", hosts[1], ns=hosts[0])
        for k, (h, dev) in enumerate(zip(hosts, (u, "u1"))):
            sh("ip", "link", "set", dev, "mtu", MTU + 100, ns=h)
            sh("ip", "addr", "add", UNDERLAY[k] + "/24", "dev", dev, ns=h)
            sh("ip", "link", "set", dev, "up", ns=h)
            sh("ip", "link", "add", "vx0", "type", "vxlan", "id", VNI,
               "local", UNDERLAY[k], "remote", UNDERLAY[1 - k],
               "dstport", 4789, "dev", dev, ns=h)
            sh("ip", "link", "set", "vx0", "mtu", MTU, ns=h)
            sh("ip", "link", "set", "vx0", "up", ns=h)

    def veth_to(self, dep, host, app):
        """The app's veth: eth0 in its container, the other end in host."""
        outer = dep.veth("o" + app.name, "i" + app.name, app.ns,
                         ns_outer=host, mac=app.mac, addr=app.ip + "/16")
        sh("ip", "link", "set", outer, "mtu", self.mtu, ns=host)
        sh("ip", "link", "set", "eth0", "mtu", self.mtu, ns=app.ns)
        app.dev = "eth0"
        app.outer = outer
        return outer

    def make_switch(self, dep, host, k):
        raise NotImplementedError

    def attach(self, dep, host, switch, dev):
        raise NotImplementedError

    def connect(self, dep, host, switch, app):
        self.attach(dep, host, switch, self.veth_to(dep, host, app))

    def started(self, dep, hosts, switches, txs, rxs):
        pass

    def ep_args(self, app):
        return ["--api", self.api, "--dev", app.dev]


class Unimplemented(Transport):
    """Known to the issue, not yet driven by the framework."""

    def available(self):
        return "not yet in the framework (%s)" % self.description


def registry():
    from .linux import bridges
    from .vale import Vale, ValeVeth
    from .ovs import Ovs
    from .xdp import Xdp
    from .later import Memif, Vhost, Vmpi
    ts = [Vale(), ValeVeth()] + bridges() + [Ovs(), Xdp(), Memif(), Vhost(), Vmpi()]
    return {t.name: t for t in ts}


def order():
    return list(registry())


def colour(name):
    t = registry().get(name)
    return t.colour if t else "#777777"
