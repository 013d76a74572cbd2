# SPDX-License-Identifier: GPL-2.0
# Harness self-test: a real splat next to benign lines, inside a
# fault-injection sweep: it must still fail.
echo "<6>RCU lockdep checking is enabled." >/dev/kmsg
echo "<4>vale-failnth: begin harness-selftest" >/dev/kmsg
echo "<4>insmod: page allocation failure: order:0, mode:0xcc0(GFP_KERNEL)" >/dev/kmsg
echo "<4> </TASK>" >/dev/kmsg
echo "<3>BUG: KASAN: use-after-free in vale_harness_selftest+0x10/0x20" >/dev/kmsg
echo "<4>vale-failnth: end harness-selftest" >/dev/kmsg
echo "1..1"
echo "ok 1 - wrote a splat among benign lines"
