# SPDX-License-Identifier: GPL-2.0
#
# vale: one entry point.
#
#   make            build everything (modules for KERNEL, libvale, tools,
#                   test programs)
#   make check      Tier 0 host tests, then the VM suite on Debian 12's
#                   6.1 kernel and on bookworm-backports' 6.12 kernel
#   make check-mutants  deliberate defects the suite must catch
#   make fuzz       vale-kfuzz and trinity in the debug-kernel VM for
#                   DURATION seconds (default 600; Documentation/fuzzing.md)
#   make demo       boot the test VM, load vale.ko, create a switch, push
#                   packets between two ports and print the rate
#   make demo-vnets two VNets over two "hosts" in the test VM (vale-net,
#                   Documentation/vnets.md): traffic in each, none between
#   make bench      benchmarks, JSON and Markdown under bench/results/
#   make bench-ab   BASE=<git ref> (default bf5a01a): old and new vale.ko and
#                   vale-pktgen alternated in one VM, build/bench/ab/
#   make install    libvale, headers, pkg-config file, tools, man pages
#   make deb        Debian packages (dpkg-buildpackage) under build/deb/
#   make install-dkms   the DKMS source trees under /usr/src (dkms add)
#   make install-system udev rule, systemd units, examples
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
	-Iuapi -Ilib $(CPPFLAGS) $(CFLAGS)
USER_LDFLAGS := $(LDFLAGS)

# kselftest_harness.h comes from Debian's linux-source-6.1 at build time.
KSFT_DIR = $(shell scripts/ksft.sh)

.PHONY: all deps modules user check check-tier0 check-vm demo bench \
	install clean checkpatch help progs deb install-dkms install-system \
	check-mutants demo-vnets fuzz bench-ab
.DEFAULT_GOAL := all

all: deps modules user

help:
	@sed -n '3,28s/^# \{0,1\}//p' Makefile

deps:
	@scripts/deps.sh

modules: deps
	@for k in $(KERNEL); do scripts/build-modules.sh $$k >/dev/null || exit 1; done

include lib/build.mk
include tools/build.mk
include tools/bench.mk
-include tools/ctl.mk
-include tools/net.mk
-include qemu-backend/build.mk
-include qemu-backend/vmpi.mk
include selftests/build.mk

user: deps $(USER_TARGETS)

install: $(INSTALL_TARGETS)

# What `make install` ships, without the test programs (debian/rules
# builds this; it needs none of the test dependencies).
progs: $(LIBVALE_A) $(LIBVALE_SO) $(LIBVALE_PC) $(TOOLS_BINS) $(VALE_CTL) \
	$(VALE_BENCH_EP) $(VALE_NET) $(VALE_VHOST) $(VALE_VMPI) $(LIBVALE_VMPI_A) $(VMPI_PERF)

# DKMS source trees: /usr/src/vale-VERSION (vale.ko, package vale-dkms)
# and /usr/src/vmpi-VERSION (vmpi.ko, package vmpi-dkms), each with its
# dkms.conf; then `dkms install vale/VERSION`.
DKMS_VERSION ?= $(LIBVALE_VERSION)
DKMS_SRCDIR ?= /usr/src
DKMS_VALE := $(DESTDIR)$(DKMS_SRCDIR)/vale-$(DKMS_VERSION)
DKMS_VMPI := $(DESTDIR)$(DKMS_SRCDIR)/vmpi-$(DKMS_VERSION)

install-dkms:
	$(INSTALL) -d $(DKMS_VALE)/kmod $(DKMS_VALE)/uapi/linux \
		$(DKMS_VMPI)/guest-driver $(DKMS_VMPI)/uapi/linux
	$(INSTALL) -m 0644 kmod/Kbuild kmod/*.c kmod/*.h $(DKMS_VALE)/kmod/
	$(INSTALL) -m 0644 uapi/linux/vale.h $(DKMS_VALE)/uapi/linux/
	sed 's/#MODULE_VERSION#/$(DKMS_VERSION)/' dkms.conf >$(DKMS_VALE)/dkms.conf
	$(INSTALL) -m 0644 guest-driver/Kbuild guest-driver/*.c guest-driver/*.h \
		$(DKMS_VMPI)/guest-driver/
	$(INSTALL) -m 0644 uapi/linux/vmpi.h $(DKMS_VMPI)/uapi/linux/
	sed 's/#MODULE_VERSION#/$(DKMS_VERSION)/' packaging/vmpi-dkms.conf \
		>$(DKMS_VMPI)/dkms.conf

# udev rule for /dev/vale, the templated systemd units, modprobe.d,
# modules-load.d and daemon configuration examples (packaging.md).
UDEVRULESDIR ?= /lib/udev/rules.d
SYSTEMDUNITDIR ?= /lib/systemd/system
EXAMPLESDIR ?= $(PREFIX)/share/doc/vale/examples

install-system:
	$(INSTALL) -d $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(SYSTEMDUNITDIR) \
		$(DESTDIR)$(EXAMPLESDIR)
	$(INSTALL) -m 0644 packaging/60-vale.rules $(DESTDIR)$(UDEVRULESDIR)/
	for u in vale-vhost@.service vale-vmpi@.service; do \
		sed 's|@BINDIR@|$(BINDIR)|' packaging/$$u >$(DESTDIR)$(SYSTEMDUNITDIR)/$$u || exit 1; \
	done
	$(INSTALL) -m 0644 packaging/modprobe-vale.conf packaging/modules-load-vale.conf \
		packaging/vhost-example.conf packaging/vmpi-example.conf \
		$(DESTDIR)$(EXAMPLESDIR)/

deb:
	@scripts/deps.sh package
	@scripts/build-debs.sh

check: deps
	@scripts/check.sh

# Deliberate defects, one at a time in a scratch copy: each must make a
# test of its tier fail (scripts/mutants.sh; not part of make check).
check-mutants: deps all
	@scripts/mutants.sh

# Long fuzzing runs (scripts/fuzz.sh; make check runs a short fixed one).
DURATION ?= 600
fuzz: deps
	@scripts/fuzz.sh --duration $(DURATION)

demo: deps
	@scripts/demo.sh

demo-vnets: deps
	@scripts/demo-vnets.sh

bench: deps
	@scripts/bench.sh

bench-ab: deps
	@BASE=$(BASE) scripts/bench-ab.sh

checkpatch:
	@scripts/checkpatch.sh

clean:
	rm -rf build
