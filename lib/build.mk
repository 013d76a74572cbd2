# SPDX-License-Identifier: GPL-2.0
# libvale: filled in with the switch (issue 3).
USER_TARGETS +=
