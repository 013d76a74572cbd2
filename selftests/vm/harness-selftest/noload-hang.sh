# SPDX-License-Identifier: GPL-2.0
# Harness self-test: a test that never ends.
while :; do sleep 60; done
