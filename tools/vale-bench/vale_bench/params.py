# SPDX-License-Identifier: GPL-2.0
"""Sweep syntax: lists ("64 128 512"), ranges ("64..64..1500",
start..step..end) and units (k, M, G for counts and rates; s, ms, us for
durations).  Every error is a ParamError naming the field."""

import re


class ParamError(ValueError):
    """A bad value; str() names the field."""

    def __init__(self, field, msg):
        super().__init__("%s: %s" % (field, msg))
        self.field = field


_MULT = {"": 1, "k": 1000, "K": 1000, "M": 1000 ** 2, "G": 1000 ** 3}
_TIME = {"": 1.0, "s": 1.0, "ms": 1e-3, "us": 1e-6}
_NUM = re.compile(r"^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$")

# Scalars a sweep never ranges over but that still take units.
RANGE_SEP = ".."


def parse_count(field, text):
    """An integer with an optional k/M/G suffix ("2.5M" = 2500000)."""
    m = _NUM.match(str(text).strip())
    if not m or m.group(2) not in _MULT:
        raise ParamError(field, "%r is not a number (units: k, M, G)" % text)
    v = float(m.group(1)) * _MULT[m.group(2)]
    if v != int(v):
        raise ParamError(field, "%r is not a whole number" % text)
    return int(v)


def parse_rate(field, text):
    """Packets per second; "max" (or 0) is as fast as possible."""
    if str(text).strip() in ("max", "0"):
        return 0
    return parse_count(field, text)


def parse_duration(field, text):
    """Seconds, with an optional s/ms/us suffix; must be > 0."""
    m = _NUM.match(str(text).strip())
    if not m or m.group(2) not in _TIME:
        raise ParamError(field, "%r is not a duration (units: s, ms, us)" % text)
    v = float(m.group(1)) * _TIME[m.group(2)]
    if v <= 0:
        raise ParamError(field, "%r must be longer than zero" % text)
    return v


def _expand_range(field, word, conv):
    parts = word.split(RANGE_SEP)
    if len(parts) != 3 or not all(parts):
        raise ParamError(field, "range %r is not start..step..end" % word)
    start, step, end = (conv(field, p) for p in parts)
    if step == 0:
        raise ParamError(field, "range %r has a zero step" % word)
    if end < start:
        raise ParamError(field, "range %r: end is below start" % word)
    out = []
    v = start
    while v <= end:
        out.append(v)
        v += step
    return out


def parse_sweep(field, value, conv=parse_count, lo=None, hi=None):
    """A list of values from "a b c", "start..step..end", a mix of both,
    a YAML/JSON list or a single scalar.  Duplicates are dropped, order
    kept.  lo/hi bound every value."""
    if isinstance(value, bool):
        raise ParamError(field, "expected numbers, got %r" % value)
    if isinstance(value, (int, float)):
        words = [str(value)]
    elif isinstance(value, str):
        words = value.replace(",", " ").split()
    elif isinstance(value, list):
        words = []
        for v in value:
            if isinstance(v, bool) or not isinstance(v, (int, float, str)):
                raise ParamError(field, "list item %r is not a number" % (v,))
            words += str(v).split()
    else:
        raise ParamError(field, "expected a list or a range, got %s"
                         % type(value).__name__)
    if not words:
        raise ParamError(field, "empty")
    out = []
    for w in words:
        vals = (_expand_range(field, w, conv) if RANGE_SEP in w
                else [conv(field, w)])
        for v in vals:
            if lo is not None and v < lo:
                raise ParamError(field, "%s is below the minimum %s" % (v, lo))
            if hi is not None and v > hi:
                raise ParamError(field, "%s is above the maximum %s" % (v, hi))
            if v not in out:
                out.append(v)
    return out


def parse_words(field, value, allowed=None):
    """A list of names ("vale bridge-udp" or a list)."""
    if isinstance(value, str):
        words = value.replace(",", " ").split()
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        words = [w for v in value for w in v.split()]
    else:
        raise ParamError(field, "expected names, got %r" % (value,))
    if not words:
        raise ParamError(field, "empty")
    out = []
    for w in words:
        if allowed is not None and w not in allowed:
            raise ParamError(field, "unknown %r (known: %s)"
                             % (w, ", ".join(allowed)))
        if w not in out:
            out.append(w)
    return out


_TOPO = re.compile(r"^([0-9]+|N)vs([0-9]+|N)$")


def parse_topologies(field, value, pairs):
    """Topology names: 1vs1, KvsK (K pairs), 1vsK (fan-out), Kvs1
    (fan-in); N stands for every value of `pairs`.  Returns names with N
    replaced, e.g. ["1vs1", "2vs2"]."""
    out = []
    for w in parse_words(field, value):
        m = _TOPO.match(w)
        if not m:
            raise ParamError(field, "%r is not 1vs1, NvsN, 1vsN or Nvs1" % w)
        a, b = m.groups()
        subst = pairs if "N" in (a, b) else [None]
        for n in subst:
            x = int(n if a == "N" else a)
            y = int(n if b == "N" else b)
            if x < 1 or y < 1:
                raise ParamError(field, "%r has no endpoints" % w)
            if x != y and x != 1 and y != 1:
                raise ParamError(field, "%r: one side must be 1 or both equal" % w)
            name = "%dvs%d" % (x, y)
            if name not in out:
                out.append(name)
    return out


def topology_shape(name):
    """(senders, receivers) of a topology name."""
    a, b = name.split("vs")
    return int(a), int(b)


def parse_bool(field, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("yes", "true", "on", "1"):
        return True
    if isinstance(value, str) and value.lower() in ("no", "false", "off", "0"):
        return False
    raise ParamError(field, "%r is not yes/no" % (value,))
