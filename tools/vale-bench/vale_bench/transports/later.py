# SPDX-License-Identifier: GPL-2.0
"""Mechanisms of the issue the framework does not drive yet: reported as
skipped with the reason, never dropped."""

from . import Unimplemented


class Memif(Unimplemented):
    name, colour = "memif", "#7f7f7f"
    description = "DPDK testpmd net_memif pair; bench/ has no script for it yet"


class Vhost(Unimplemented):
    name, colour = "vhost", "#aec7e8"
    description = "DPDK virtio-user through vale-vhost; still bench/host-vhost.sh"


class Vmpi(Unimplemented):
    name, colour = "vmpi", "#98df8a"
    description = "VMPI channel guest-host; still bench/vm-vmpi.sh"
