# SPDX-License-Identifier: GPL-2.0
"""The Linux bridge with veth ports, one transport per socket API."""

from ..deploy import sh
from . import MTU, Transport


class Bridge(Transport):
    needs = (("ip", "iproute2"),)

    def make_switch(self, dep, host, k):
        br = "br%d" % k
        sh("ip", "link", "add", br, "type", "bridge", ns=host)
        sh("ip", "link", "set", br, "mtu", MTU, ns=host)
        sh("ip", "link", "set", br, "up", ns=host)
        return br

    def attach(self, dep, host, switch, dev):
        sh("ip", "link", "set", dev, "master", switch, ns=host)


# name, endpoint API, plot colour, description
_APIS = [
    ("bridge-udp", "udp", "#1f77b4", "Linux bridge, UDP send()/recv()"),
    ("bridge-mmsg", "mmsg", "#17becf", "Linux bridge, UDP sendmmsg()/recvmmsg()"),
    ("bridge-raw", "raw", "#2ca02c", "Linux bridge, AF_PACKET one frame per call"),
    ("bridge-raw-mmsg", "raw-mmsg", "#bcbd22", "Linux bridge, AF_PACKET sendmmsg/recvmmsg"),
    ("bridge-ring", "ring", "#8c564b", "Linux bridge, AF_PACKET TPACKET_V3 ring"),
]


def bridges():
    """One Bridge transport per socket API, in the registry's order."""
    out = []
    for name, api, colour, desc in _APIS:
        t = Bridge()
        t.name, t.api, t.colour, t.description = name, api, colour, desc
        out.append(t)
    return out
