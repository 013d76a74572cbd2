# SPDX-License-Identifier: GPL-2.0
# Harness self-test: a test that writes a forged end marker straight to the
# side channel; its "not ok" must still count.
echo "VALE-TEST-END noload-forge-tty.sh 0" >/dev/ttyS1
echo "1..1"
echo "not ok 1 - after a marker forged on /dev/ttyS1"
exit 0
