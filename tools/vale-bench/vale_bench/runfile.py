# SPDX-License-Identifier: GPL-2.0
"""The run description: defaults, a YAML or JSON run file, command-line
values on top; every field validated before anything starts."""

import json
import os

from .params import (ParamError, parse_bool, parse_count, parse_duration,
                     parse_rate, parse_sweep, parse_topologies, parse_words)

MODES = ("throughput", "latency")
EP_APIS = ("udp", "mmsg", "raw", "raw-mmsg", "ring", "xdp")

# field -> (default, what it is); the order is the documentation's.
FIELDS = {
    "transport": ("all", "transports to compare (names, or all)"),
    "topology": ("1vs1", "1vs1, NvsN, 1vsN, Nvs1 (N: every value of pairs)"),
    "pairs": ("1", "values N takes in the topologies"),
    "mode": ("throughput latency", "throughput (send/recv) and/or latency (client/server)"),
    "size": ("64 1500", "frame sizes in bytes (60..9000, Ethernet header included)"),
    "rate": ("max", "offered rates, packets/s per sender (k, M; max = unpaced)"),
    "burst": ("32", "frames per burst (1..1024)"),
    "latency-rate": ("1k", "client rate in latency mode, requests/s"),
    "duration": ("2s", "seconds per repetition (s, ms)"),
    "repetitions": ("3", "repetitions of every point"),
    "timeout": ("2s", "receivers drain this long after the senders end; clients wait this long for echoes"),
    "remote": ("no", "sender and receiver on two hosts joined by vxlan"),
    "poll": ("no", "endpoints busy-poll instead of blocking"),
    "touch": ("no", "endpoints read/write every payload byte"),
    "cpus": ("", "CPUs the endpoints are pinned to (default: all online)"),
    "vale-veth-api": ("mmsg", "socket API of the endpoint on a veth of vale"),
    "out": ("bench-out", "result tree"),
    "ep": ("", "path of vale-bench-ep (default: searched)"),
}


class Config:
    """A validated run: attributes named as the fields (- becomes _)."""

    def as_dict(self):
        return {k: getattr(self, k.replace("-", "_")) for k in FIELDS}


def load_file(path):
    """The mapping in a YAML (.yaml/.yml) or JSON file."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith((".yaml", ".yml")):
        import yaml
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as e:
            raise ParamError(path, "not YAML: %s" % e) from None
    else:
        try:
            data = json.loads(text)
        except ValueError as e:
            raise ParamError(path, "not JSON: %s" % e) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParamError(path, "the run file must be a mapping of fields")
    return data


def check_keys(raw, where):
    for k in raw:
        if k not in FIELDS:
            raise ParamError("%s: %s" % (where, k),
                             "unknown field (known: %s)" % ", ".join(FIELDS))


def _scalar(field, v, conv):
    if isinstance(v, (list, dict)) or isinstance(v, bool):
        raise ParamError(field, "expected one value, got %r" % (v,))
    return conv(field, v)


def _str(field, v):
    if not isinstance(v, str):
        raise ParamError(field, "expected a string, got %r" % (v,))
    return v


def build(layers, known_transports):
    """Config from layers of raw mappings (defaults first, later layers
    win).  Raises ParamError naming the field."""
    raw = {k: d for k, (d, _) in FIELDS.items()}
    for where, layer in layers:
        check_keys(layer, where)
        raw.update({k: v for k, v in layer.items() if v is not None})
    c = Config()
    t = raw["transport"]
    c.transport = (list(known_transports) if t in ("all", ["all"])
                   else parse_words("transport", t, known_transports))
    c.pairs = parse_sweep("pairs", raw["pairs"], lo=1, hi=16)
    c.topology = parse_topologies("topology", raw["topology"], c.pairs)
    c.mode = parse_words("mode", raw["mode"], MODES)
    c.size = parse_sweep("size", raw["size"], lo=60, hi=9000)
    c.rate = parse_sweep("rate", raw["rate"], conv=parse_rate, lo=0)
    c.burst = parse_sweep("burst", raw["burst"], lo=1, hi=1024)
    c.latency_rate = _scalar("latency-rate", raw["latency-rate"], parse_rate)
    c.duration = _scalar("duration", raw["duration"], parse_duration)
    c.repetitions = _scalar("repetitions", raw["repetitions"], parse_count)
    if c.repetitions < 1:
        raise ParamError("repetitions", "at least 1")
    c.timeout = _scalar("timeout", raw["timeout"], parse_duration)
    c.remote = parse_bool("remote", raw["remote"])
    c.poll = parse_bool("poll", raw["poll"])
    c.touch = parse_bool("touch", raw["touch"])
    cpus = raw["cpus"]
    if cpus in ("", None, []):
        c.cpus = sorted(os.sched_getaffinity(0))
    else:
        c.cpus = parse_sweep("cpus", cpus, lo=0, hi=4095)
    c.vale_veth_api = parse_words("vale-veth-api", raw["vale-veth-api"], EP_APIS)
    if len(c.vale_veth_api) != 1:
        raise ParamError("vale-veth-api", "one API")
    c.vale_veth_api = c.vale_veth_api[0]
    c.out = _str("out", raw["out"])
    c.ep = _str("ep", raw["ep"])
    return c
