# SPDX-License-Identifier: GPL-2.0
"""What the run ran on: kernel, CPU model, vCPUs, accelerator."""

import os
import platform


def _cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _accel():
    """none (no hypervisor flag), kvm (a KVM guest: kvm-clock is offered)
    or tcg (QEMU's emulator: a hypervisor flag, no kvm-clock)."""
    flags = next((l for l in _read("/proc/cpuinfo").splitlines()
                  if l.startswith("flags")), "")
    if " hypervisor" not in flags:
        return "none"
    cs = _read("/sys/devices/system/clocksource/clocksource0/available_clocksource")
    return "kvm" if "kvm-clock" in cs else "tcg"


def _read(p):
    try:
        with open(p, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""


def describe():
    return {"kernel": platform.release(), "cpu_model": _cpu_model(),
            "vcpus": os.cpu_count(), "accel": _accel(),
            "hostname": platform.node()}
