# SPDX-License-Identifier: GPL-2.0
# tools: vale-pktgen, vale-ctl, vale-bench.
USER_TARGETS +=
