# SPDX-License-Identifier: GPL-2.0
# Harness self-test: a splat pattern in the kernel log with the test itself
# passing; the kernel-log check must fail the run.
echo "<3>BUG: vale harness self-test fake splat" >/dev/kmsg
echo "ok 1 - wrote a fake splat"
