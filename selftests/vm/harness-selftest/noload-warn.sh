# SPDX-License-Identifier: GPL-2.0
# Harness self-test: make the kernel warn (panic_on_warn turns it into a
# panic, so the VM dies mid-run).
echo "1..1"
insmod /vale/vale_selftest_warn.ko
echo "ok 1 - survived the warning"
