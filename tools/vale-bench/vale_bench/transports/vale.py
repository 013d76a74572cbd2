# SPDX-License-Identifier: GPL-2.0
"""vale: ports of a vale switch through libvale; vale-veth: a veth
attached to the switch, the container's end driven by a socket API."""

import os

from ..deploy import sh
from . import Transport

VALE_CTL = os.environ.get("VALE_CTL", "vale-ctl")


def _vale_missing():
    if not os.path.exists("/dev/vale"):
        return "load vale.ko (no /dev/vale)"
    return None


class _ValeSwitch(Transport):
    needs = (("ip", "iproute2"), (VALE_CTL, "vale (vale-ctl)"))

    def available(self):
        return _vale_missing() or super().available()

    def make_switch(self, dep, host, k):
        sw = "valeb%s%d" % (dep.prefix[2:], k)
        dep.defer(lambda: sh(VALE_CTL, "switch", "del", sw, check=False))
        sh(VALE_CTL, "switch", "add", sw)
        return sw

    def attach(self, dep, host, switch, dev):
        dep.defer(lambda: sh(VALE_CTL, "port", "detach", "dev", dev,
                             check=False, ns=host))
        sh(VALE_CTL, "port", "attach", "dev", dev, "switch", switch, ns=host)


class Vale(_ValeSwitch):
    name, api, colour = "vale", "vale", "#d62728"
    description = "vale switch, libvale ports"

    def connect(self, dep, host, switch, app):
        app.dev = None
        app.extra["port"] = "%s:%s" % (switch, app.name)

    def ep_args(self, app):
        return ["--api", "vale", "--vale", app.extra["port"]]


class ValeVeth(_ValeSwitch):
    name, colour = "vale-veth", "#ff7f0e"
    description = "veth attached to a vale switch, socket API in the container"
    api = "mmsg"        # replaced by the run's vale-veth-api
