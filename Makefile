# SPDX-License-Identifier: GPL-2.0
#
# vale: one entry point.
#
#   make            build everything (modules for KERNEL, libvale, tools,
#                   test programs)
#   make check      Tier 0 host tests, then the VM suite on Debian 12's
#                   6.1 kernel and on bookworm-backports' 6.12 kernel
#   make demo       boot the test VM, load vale.ko, create a switch, push
#                   packets between two ports and print the rate
#   make bench      benchmarks, JSON and Markdown under bench/results/
#   make install    libvale, headers, pkg-config file, tools, man pages
#
# Everything the build needs is installed by scripts/deps.sh from Debian's
# archive (as root).  Kernel images and extracted headers are cached under
# $(VALE_CACHE) (default ~/.cache/vale).

KERNEL ?= 6.1
KERNELS ?= 6.1 6.12
O := build/user
PREFIX ?= /usr/local
DESTDIR ?=

CC ?= gcc
WARN := -Wall -Wextra -Werror
USER_CFLAGS := -O2 -g -std=gnu11 -D_GNU_SOURCE $(WARN) \
	-Iuapi -Ilib $(CFLAGS)
USER_LDFLAGS := $(LDFLAGS)

# kselftest_harness.h comes from Debian's linux-source-6.1 at build time.
KSFT_DIR = $(shell scripts/ksft.sh)

.PHONY: all deps modules user check check-tier0 check-vm demo bench \
	install clean checkpatch help
.DEFAULT_GOAL := all

all: deps modules user

help:
	@sed -n '3,18s/^# \{0,1\}//p' Makefile

deps:
	@scripts/deps.sh

modules: deps
	@for k in $(KERNEL); do scripts/build-modules.sh $$k >/dev/null || exit 1; done

include lib/build.mk
include tools/build.mk
include tools/bench.mk
-include tools/ctl.mk
-include qemu-backend/build.mk
-include qemu-backend/vmpi.mk
include selftests/build.mk

user: deps $(USER_TARGETS)

install: $(INSTALL_TARGETS)

check: deps
	@scripts/check.sh

demo: deps
	@scripts/demo.sh

bench: deps
	@scripts/bench.sh

checkpatch:
	@scripts/checkpatch.sh

clean:
	rm -rf build
