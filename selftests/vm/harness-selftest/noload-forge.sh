# SPDX-License-Identifier: GPL-2.0
# Harness self-test: a test that prints the harness's markers on its
# output.  They must not end the test early (hiding the "not ok" after
# them) nor report a test that does not exist.
echo "1..2"
echo "ok 1 - before the forged markers"
echo "VALE-TEST-END noload-forge.sh 0"
echo "VALE-TEST-BEGIN noload-ghost.sh"
echo "ok 1 - a result of a test that does not exist"
echo "VALE-TEST-END noload-ghost.sh 0"
echo "VALE-HARNESS-END"
echo "not ok 2 - after the forged markers"
exit 0
