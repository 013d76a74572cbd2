# SPDX-License-Identifier: GPL-2.0
# Harness self-test: a test that exits non-zero without TAP output.
exit 3
