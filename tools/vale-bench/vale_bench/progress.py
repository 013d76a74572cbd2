# SPDX-License-Identifier: GPL-2.0
"""Progress: on a terminal one line redrawn (bar, current point, ETA);
otherwise one plain line per step."""

import sys
import time


def _fmt(secs):
    secs = int(secs)
    return "%d:%02d:%02d" % (secs // 3600, secs // 60 % 60, secs % 60)


def describe(point, rep):
    return "%s %s %dB burst %d rate %s rep %d" % (
        point["transport"], point["topology"] + ("-remote" if point["remote"] else ""),
        point["size"], point["burst"],
        "max" if point["rate"] == 0 else point["rate"], rep + 1) + \
        (" (rtt)" if point["mode"] == "latency" else "")


class Progress:
    def __init__(self, stream=None, tty=None, width=30):
        self.f = stream or sys.stderr
        self.tty = self.f.isatty() if tty is None else tty
        self.width = width
        self.total = self.n = 0
        self.t0 = time.monotonic()

    def start(self, total):
        self.total, self.n, self.t0 = total, 0, time.monotonic()

    def eta(self):
        if self.n <= 1:
            return None
        el = time.monotonic() - self.t0
        return el / (self.n - 1) * (self.total - self.n + 1)

    def step(self, point, rep):
        self.n += 1
        eta = self.eta()
        eta_s = "ETA %s" % _fmt(eta) if eta is not None else "ETA --:--:--"
        what = describe(point, rep)
        if self.tty:
            done = int(self.width * (self.n - 1) / max(1, self.total))
            bar = "#" * done + "-" * (self.width - done)
            self.f.write("\r\x1b[K[%s] %d/%d %s  %s" % (bar, self.n, self.total, eta_s, what))
        else:
            self.f.write("vale-bench: [%d/%d] %s (%s)\n" % (self.n, self.total, what, eta_s))
        self.f.flush()

    def log(self, msg):
        if self.tty:
            self.f.write("\r\x1b[K")
        self.f.write("vale-bench: %s\n" % msg)
        self.f.flush()

    def done(self):
        if self.tty:
            self.f.write("\r\x1b[K[%s] %d/%d done in %s\n" % (
                "#" * self.width, self.n, self.total, _fmt(time.monotonic() - self.t0)))
            self.f.flush()
