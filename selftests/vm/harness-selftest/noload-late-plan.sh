# SPDX-License-Identifier: GPL-2.0
# Harness self-test: three results, then a plan of 2 at the end, exit 0.
echo "ok 1 - one"
echo "ok 2 - two"
echo "ok 3 - three"
echo "1..2"
exit 0
