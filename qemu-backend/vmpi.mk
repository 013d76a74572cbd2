# SPDX-License-Identifier: GPL-2.0
#
# VMPI host side: the vale-vmpi daemon, the libvale VMPI host API as its
# own static library (libvale-vmpi.a: lib/vmpi.c, header lib/libvale-vmpi.h),
# vmpi-perf, and the VMPI test programs.  Included by the top Makefile
# (-include qemu-backend/vmpi.mk).
#
#   VALE_VMPI        the daemon
#   LIBVALE_VMPI_A   the host API (link it before -lc; no other dependency)
#   VMPI_PERF        tools/vmpi-perf.c, static ($(TOOLS_STATIC)): runs in the
#                    guest and on the host
#   VMPI_TESTS       selftests/vmpi/*.c, static
#   VMPI_ASAN        the daemon and fakeguest (with lib/vmpi.c and the ring) built with
#                    clang, ASan + UBSan, into $(O)/asan/: what
#                    selftests/vmpi/run.sh runs its hostile cases against
#   INSTALL_TARGETS  += install-vmpi

VALE_VMPI := $(O)/qemu-backend/vale-vmpi
LIBVALE_VMPI_A := $(O)/lib/libvale-vmpi.a
VMPI_PERF := $(O)/tools/vmpi-perf
VMPI_TEST_SRCS := $(wildcard selftests/vmpi/*.c)
VMPI_TESTS := $(patsubst selftests/vmpi/%.c,$(O)/vmpi-tests/%,$(VMPI_TEST_SRCS))
VMPI_HDRS := uapi/linux/vmpi.h guest-driver/vmpi_ring.h lib/libvale-vmpi.h

VMPI_ASAN := $(O)/asan/vale-vmpi $(O)/asan/fakeguest
VMPI_ASAN_CC := clang
VMPI_ASAN_CFLAGS := -O1 -g -std=gnu11 -D_GNU_SOURCE $(WARN) -Iuapi -Ilib \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

USER_TARGETS += $(VALE_VMPI) $(LIBVALE_VMPI_A) $(VMPI_PERF) $(VMPI_TESTS) \
	$(VMPI_ASAN)
INSTALL_TARGETS += install-vmpi

# The ring is the guest driver's guest-driver/vmpi_ring.c, compiled as it
# is: lib/kcompat/ gives it READ_ONCE(), the smp_* barriers and u32.
VMPI_RING_CFLAGS := -Ilib/kcompat -Iguest-driver
KCOMPAT_HDRS := $(wildcard lib/kcompat/*/*.h)

$(O)/lib/vmpi.o: lib/vmpi.c $(VMPI_HDRS) $(KCOMPAT_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(VMPI_RING_CFLAGS) -fPIC -c -o $@ $<

$(O)/lib/vmpi_ring.o: guest-driver/vmpi_ring.c $(VMPI_HDRS) $(KCOMPAT_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(VMPI_RING_CFLAGS) -fPIC -c -o $@ $<

$(LIBVALE_VMPI_A): $(O)/lib/vmpi.o $(O)/lib/vmpi_ring.o
	rm -f $@
	$(AR) rcs $@ $^

# The daemon is a directory of files by concern (vale-vmpi/vmpi.h says
# which) plus the daemon plumbing of qemu-backend/common/.
include qemu-backend/common/common.mk
VALE_VMPI_SRCS := $(wildcard qemu-backend/vale-vmpi/*.c) $(DAEMON_SRCS)
VALE_VMPI_DEPS := $(VALE_VMPI_SRCS) qemu-backend/vale-vmpi/vmpi.h \
	$(DAEMON_HDRS) $(VMPI_HDRS)

$(VALE_VMPI): $(VALE_VMPI_DEPS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(DAEMON_CFLAGS) -o $@ $(VALE_VMPI_SRCS) \
		$(USER_LDFLAGS)

$(VMPI_PERF): tools/vmpi-perf.c $(VMPI_HDRS) $(LIBVALE_VMPI_A)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -pthread -o $@ $< $(LIBVALE_VMPI_A) $(USER_LDFLAGS) $(TOOLS_STATIC) -pthread

$(O)/vmpi-tests/%: selftests/vmpi/%.c $(wildcard selftests/vmpi/*.h) selftests/vm/failnth.h $(VMPI_HDRS) $(LIBVALE_VMPI_A)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -pthread -o $@ $< $(LIBVALE_VMPI_A) $(USER_LDFLAGS) -static -pthread

# Sanitized builds (dynamic: ASan does not link statically).
$(O)/asan/vale-vmpi: $(VALE_VMPI_DEPS)
	@mkdir -p $(@D)
	$(VMPI_ASAN_CC) $(VMPI_ASAN_CFLAGS) $(DAEMON_CFLAGS) -o $@ \
		$(VALE_VMPI_SRCS)

$(O)/asan/fakeguest: selftests/vmpi/fakeguest.c lib/vmpi.c guest-driver/vmpi_ring.c \
		$(wildcard selftests/vmpi/*.h) $(VMPI_HDRS) $(KCOMPAT_HDRS)
	@mkdir -p $(@D)
	$(VMPI_ASAN_CC) $(VMPI_ASAN_CFLAGS) $(VMPI_RING_CFLAGS) -o $@ \
		selftests/vmpi/fakeguest.c lib/vmpi.c guest-driver/vmpi_ring.c

.PHONY: install-vmpi vmpi
vmpi: $(VALE_VMPI) $(LIBVALE_VMPI_A) $(VMPI_PERF) $(VMPI_TESTS) $(VMPI_ASAN)

install-vmpi: $(VALE_VMPI) $(LIBVALE_VMPI_A) $(VMPI_PERF)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(INCLUDEDIR)/linux $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 0755 $(VALE_VMPI) $(VMPI_PERF) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0644 $(LIBVALE_VMPI_A) $(DESTDIR)$(LIBDIR)/
	$(INSTALL) -m 0644 lib/libvale-vmpi.h $(DESTDIR)$(INCLUDEDIR)/
	$(INSTALL) -m 0644 uapi/linux/vmpi.h $(DESTDIR)$(INCLUDEDIR)/linux/
	$(INSTALL) -m 0644 Documentation/man/vale-vmpi.8 Documentation/man/vmpi-perf.8 \
		$(DESTDIR)$(MANDIR)/man8/
