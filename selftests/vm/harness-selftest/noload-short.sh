# SPDX-License-Identifier: GPL-2.0
# Harness self-test: plans 3 results (lib.sh's plan), runs 2; done_testing
# must fail it and vm-run must say so.
. /tests/lib.sh
plan 3
ok "first of three" true
ok "second of three" true
done_testing
