# SPDX-License-Identifier: GPL-2.0
# Harness self-test: the kernel's report of a user-space trap.
echo "<6>traps: vale-vmpi[4243] trap invalid opcode ip:55d0c4a0b2e1 sp:7ffe2c1f6a80 error:0 in vale-vmpi[55d0c4a00000+20000]" >/dev/kmsg
echo "1..1"
echo "ok 1 - wrote a trap line"
