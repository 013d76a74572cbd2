# SPDX-License-Identifier: GPL-2.0
"""Who talks to whom: the applications of a point (role, container,
CPU, addresses, flow) for 1vs1, KvsK (K independent pairs), 1vsK
(fan-out: the sender's frames are broadcast, the switch replicates them
to every receiver) and Kvs1 (fan-in), locally or across two hosts."""

from .params import topology_shape

ROLES = {"throughput": ("send", "recv"), "latency": ("client", "server")}
BROADCAST_MAC = "ff:ff:ff:ff:ff:ff"
BROADCAST_IP = "10.77.255.255"
BASE_PORT = 5000


class App:
    """One application in its own container."""

    def __init__(self, idx, role, side, host):
        self.idx = idx
        self.role = role
        self.side = side            # "tx" (send/client) or "rx" (recv/server)
        self.host = host            # 0 = host A, 1 = host B (remote runs)
        self.name = "%s%d" % ("t" if side == "tx" else "r", idx)
        self.mac = "02:76:62:%02x:00:%02x" % (host, idx + (0 if side == "tx" else 0x80))
        self.ip = "10.77.%d.%d" % (host, idx + (1 if side == "tx" else 129))
        self.port = BASE_PORT + idx
        self.flow = idx
        self.peers = []             # Apps this one sends to (tx) / serves (rx)
        self.ns = None              # filled by the transport
        self.dev = None
        self.cpu = None
        self.extra = {}             # transport-specific endpoint arguments

    def __repr__(self):
        return "App(%s %s)" % (self.name, self.role)


def supported(topology, mode):
    """None, or why this topology has no such experiment."""
    s, r = topology_shape(topology)
    if mode == "latency" and s != r:
        return "latency is measured between client/server pairs (KvsK) only"
    return None


def build(topology, mode, remote, cpus):
    """(senders, receivers) for one point; CPUs dealt out round robin,
    receivers first so that each pair's two ends differ when they can."""
    ns_, nr = topology_shape(topology)
    tx_role, rx_role = ROLES[mode]
    rxs = [App(i, rx_role, "rx", 1 if remote else 0) for i in range(nr)]
    txs = [App(i, tx_role, "tx", 0) for i in range(ns_)]
    if ns_ == nr:
        for t, r in zip(txs, rxs):
            t.peers = [r]
            r.peers = [t]
    elif ns_ == 1:                  # fan-out
        txs[0].peers = list(rxs)
        for r in rxs:
            r.peers = [txs[0]]
    else:                           # fan-in: every sender its own flow
        for t in txs:
            t.peers = [rxs[0]]
        rxs[0].peers = list(txs)
    order = []
    for i in range(max(ns_, nr)):
        if i < nr:
            order.append(rxs[i])
        if i < ns_:
            order.append(txs[i])
    for k, a in enumerate(order):
        a.cpu = cpus[k % len(cpus)]
    return txs, rxs


def _group(app):
    """(ip, port, mac) a sender addresses: its receiver's, or for a
    fan-out the broadcast address every receiver owns."""
    tx = app if app.side == "tx" else app.peers[0]
    if len(tx.peers) > 1:
        return BROADCAST_IP, BASE_PORT, BROADCAST_MAC
    r = tx.peers[0]
    return r.ip, r.port, r.mac


def endpoint_addr_args(app):
    """Header arguments of an endpoint.  Both ends of a flow are given
    the sender's view (vale-bench-ep): --src the sender, --dst the
    receiver, which owns --dst; a fan-in receiver gets its first
    sender's, the frames of the others are told apart by flow."""
    tx = app if app.side == "tx" else app.peers[0]
    ip, port, mac = _group(app)
    if app.side == "rx" and mac != BROADCAST_MAC:
        ip, port, mac = app.ip, app.port, app.mac
    return ["--src-mac", tx.mac, "--dst-mac", mac,
            "--src", "%s:%d" % (tx.ip, tx.port), "--dst", "%s:%d" % (ip, port)]


def flows(app):
    """--flow: a sender's own id, the ids a receiver accepts."""
    if app.side == "tx":
        return str(app.flow)
    return ",".join(str(p.flow) for p in app.peers)
