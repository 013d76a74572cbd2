# SPDX-License-Identifier: GPL-2.0
# Harness self-test: a test with nothing to run (lib.sh's skip_all).
. /tests/lib.sh
skip_all "harness self-test: nothing to do here"
