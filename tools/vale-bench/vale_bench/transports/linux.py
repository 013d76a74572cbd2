# SPDX-License-Identifier: GPL-2.0
"""The Linux bridge with veth ports, one transport per socket API."""

from ..deploy import sh
from . import MTU, Transport, need


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


class BridgeUdp(Bridge):
    name, api, colour = "bridge-udp", "udp", "#1f77b4"
    description = "Linux bridge, UDP send()/recv()"


class BridgeMmsg(Bridge):
    name, api, colour = "bridge-mmsg", "mmsg", "#17becf"
    description = "Linux bridge, UDP sendmmsg()/recvmmsg()"


class BridgeRaw(Bridge):
    name, api, colour = "bridge-raw", "raw", "#2ca02c"
    description = "Linux bridge, AF_PACKET one frame per call"


class BridgeRawMmsg(Bridge):
    name, api, colour = "bridge-raw-mmsg", "raw-mmsg", "#bcbd22"
    description = "Linux bridge, AF_PACKET sendmmsg/recvmmsg"


class BridgeRing(Bridge):
    name, api, colour = "bridge-ring", "ring", "#8c564b"
    description = "Linux bridge, AF_PACKET TPACKET_V3 ring"


__all__ = ["BridgeUdp", "BridgeMmsg", "BridgeRaw", "BridgeRawMmsg",
           "BridgeRing", "need"]
