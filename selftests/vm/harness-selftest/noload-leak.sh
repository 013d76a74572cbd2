# SPDX-License-Identifier: GPL-2.0
# Harness self-test (debug kernel): a module that leaks an allocation when
# loaded; the run's kmemleak report must fail it.
. /tests/lib.sh
plan 2
ok "load a module that leaks 200 bytes" insmod /vale/vale_selftest_warn.ko warn=0 leak=1
ok "unload it" rmmod vale_selftest_warn
done_testing
