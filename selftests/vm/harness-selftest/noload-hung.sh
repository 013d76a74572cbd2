# SPDX-License-Identifier: GPL-2.0
# Harness self-test: the kernel's hung-task report, alone (no stack dump).
echo "<3>INFO: task vale-vhost:4242 blocked for more than 122 seconds." >/dev/kmsg
echo "1..1"
echo "ok 1 - wrote a hung-task line"
