# SPDX-License-Identifier: GPL-2.0
"""Open vSwitch's kernel datapath with veth ports, as a user deploys it:
ovsdb-server and ovs-vswitchd started here with a private database and
run directory, one bridge (the NORMAL action: an L2 learning switch),
everything stopped and removed afterwards."""

import os
import shutil

from ..deploy import sh
from .linux import Bridge

SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"


class Ovs(Bridge):
    name, api, colour = "ovs", "raw-mmsg", "#9467bd"
    description = "Open vSwitch kernel datapath, veth ports"
    needs = (("ovsdb-server", "openvswitch-switch"),
             ("ovs-vswitchd", "openvswitch-switch"),
             ("ovs-vsctl", "openvswitch-switch"),
             ("ovsdb-tool", "openvswitch-switch"),
             ("ovs-appctl", "openvswitch-switch"))

    def available(self):
        why = super().available()
        if why:
            return why
        if not os.path.exists(SCHEMA):
            return "install openvswitch-common (no %s)" % SCHEMA
        if not os.path.exists("/sys/module/openvswitch"):
            if shutil.which("modprobe"):
                sh("modprobe", "openvswitch", check=False)
            if not os.path.exists("/sys/module/openvswitch"):
                return "the openvswitch kernel module (vm-run --kmod openvswitch)"
        return None

    def make_switch(self, dep, host, k):
        d = os.path.join(self.workdir, "ovs%d" % k)
        os.makedirs(d, exist_ok=True)
        db = "unix:%s/db.sock" % d
        env = ("env", "OVS_RUNDIR=" + d, "OVS_LOGDIR=" + d, "OVS_DBDIR=" + d)
        sh("ovsdb-tool", "create", d + "/conf.db", SCHEMA)
        dep.defer(lambda: _stop(d, "ovsdb"))
        sh(*env, "ovsdb-server", d + "/conf.db", "--remote=punix:%s/db.sock" % d,
           "--pidfile=%s/ovsdb.pid" % d, "--unixctl=%s/ovsdb.ctl" % d,
           "--log-file=%s/ovsdb.log" % d, "--detach", ns=host)
        sh("ovs-vsctl", "--db=" + db, "--no-wait", "init")
        dep.defer(lambda: _stop(d, "vswitchd"))
        sh(*env, "ovs-vswitchd", db, "--pidfile=%s/vswitchd.pid" % d,
           "--unixctl=%s/vswitchd.ctl" % d, "--log-file=%s/vswitchd.log" % d,
           "--detach", ns=host)
        br = "ovsbr%d" % k
        dep.defer(lambda: sh("ovs-vsctl", "--db=" + db, "--timeout=5",
                             "--if-exists", "del-br", br, check=False))
        sh("ovs-vsctl", "--db=" + db, "--timeout=20", "add-br", br)
        sh("ip", "link", "set", br, "up", ns=host)
        self._db = getattr(self, "_db", {})
        self._db[br] = db
        return br

    def attach(self, dep, host, switch, dev):
        sh("ovs-vsctl", "--db=" + self._db[switch], "--timeout=20",
           "add-port", switch, dev)


def _stop(d, what):
    sh("ovs-appctl", "-t", "%s/%s.ctl" % (d, what), "exit", "--cleanup", check=False)
    pidf = "%s/%s.pid" % (d, what)
    try:
        with open(pidf, encoding="utf-8") as f:
            pid = int(f.read().strip())
        os.kill(pid, 9)
    except (OSError, ValueError):
        pass
