# SPDX-License-Identifier: GPL-2.0
#
# qemu-backend/common/: what the daemons share (daemon.h: logging,
# --version, UNIX sockets and fd passing, signals, epoll).  Compiled into
# each daemon from source (their ASan builds compile it with their flags).
# Included by qemu-backend/vmpi.mk and qemu-backend/build.mk; the guard
# lets both include it.
#
#   DAEMON_SRCS     the .c files
#   DAEMON_HDRS     daemon.h
#   DAEMON_CFLAGS   -I and -DVALE_VERSION (the project's version, lib/build.mk)

ifndef DAEMON_COMMON_MK
DAEMON_COMMON_MK := 1
DAEMON_SRCS := $(wildcard qemu-backend/common/*.c)
DAEMON_HDRS := qemu-backend/common/daemon.h
DAEMON_CFLAGS := -Iqemu-backend/common -DVALE_VERSION='"$(VALE_VERSION)"'
endif
