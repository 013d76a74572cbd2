# SPDX-License-Identifier: GPL-2.0
# Harness self-test: a test whose TAP says "not ok" but exits 0.
echo "1..2"
echo "ok 1 - fine"
echo "not ok 2 - deliberately failing"
exit 0
