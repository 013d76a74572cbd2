# SPDX-License-Identifier: GPL-2.0
# Harness self-test: a test that passes (control case).
. /tests/lib.sh
plan 1
ok "true is true" true
done_testing
