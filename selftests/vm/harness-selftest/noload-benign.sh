# SPDX-License-Identifier: GPL-2.0
# Harness self-test: lines the kernel-log scan must let pass: a debug
# kernel's lockdep announcement, and an allocation failure report inside a
# fault-injection sweep (failnth.h's marks).
echo "<6>RCU lockdep checking is enabled." >/dev/kmsg
echo "<4>vale-failnth: begin harness-selftest" >/dev/kmsg
echo "<4>insmod: page allocation failure: order:0, mode:0xcc0(GFP_KERNEL)" >/dev/kmsg
echo "<4>Call Trace:" >/dev/kmsg
echo "<4> <TASK>" >/dev/kmsg
echo "<4> </TASK>" >/dev/kmsg
echo "<4>vale-failnth: end harness-selftest" >/dev/kmsg
echo "1..1"
echo "ok 1 - wrote benign lines"
