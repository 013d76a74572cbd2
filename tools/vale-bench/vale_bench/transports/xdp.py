# SPDX-License-Identifier: GPL-2.0
"""AF_XDP endpoints on veth pairs joined by xdp-tools' redirect program:
`xdp-bench redirect IN OUT` (bpf_redirect() from one device to another)
on the host end of each sender's veth towards its receiver's (and back,
for round trips).  No switch: one redirect per pair, so KvsK only."""

import signal

from ..params import topology_shape
from . import Transport


class Xdp(Transport):
    name, api, colour = "xdp", "xdp", "#e377c2"
    description = "AF_XDP sockets, veths joined by xdp-bench redirect"
    needs = (("xdp-bench", "xdp-tools"), ("ip", "iproute2"))
    remote_ok = False
    # veth refuses XDP when its peer's MTU exceeds a page's worth of frame
    mtu = 1500

    def supports(self, topology, mode, remote):
        s, r = topology_shape(topology)
        if s != r:
            return "xdp joins pairs by redirect (KvsK only)"
        return super().supports(topology, mode, remote)

    def make_switch(self, dep, host, k):
        return None

    def attach(self, dep, host, switch, dev):
        pass

    def started(self, dep, hosts, switches, txs, rxs):
        for t in txs:
            r = t.peers[0]
            pairs = [(t.outer, r.outer), (r.outer, t.outer)]
            for i, o in pairs:
                p = dep.spawn(["xdp-bench", "redirect", "-i", "60", i, o],
                              ns=hosts[0])
                dep.defer(lambda p=p: _stop(p))

    def ep_args(self, app):
        return ["--api", "xdp", "--dev", app.dev]


def _stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(3)
        except Exception:
            p.kill()
