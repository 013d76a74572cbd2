# SPDX-License-Identifier: GPL-2.0
# Harness self-test: the kernel's report of a user-space segfault.
echo "<6>vale-vhost[4242]: segfault at 0 ip 0000563a1e60b1c2 sp 00007ffc3b0e1d40 error 4 in vale-vhost[563a1e600000+12000] likely on CPU 1 (core 1, socket 0)" >/dev/kmsg
echo "1..1"
echo "ok 1 - wrote a segfault line"
