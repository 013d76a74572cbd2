# SPDX-License-Identifier: GPL-2.0
# Harness self-test: a splat pattern in the kernel log with the test itself
# passing; the kernel-log check must fail the run, and this test with it.
echo "<3>BUG: vale harness self-test fake splat" >/dev/kmsg
echo "1..1"
echo "ok 1 - wrote a fake splat"
