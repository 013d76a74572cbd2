# SPDX-License-Identifier: GPL-2.0
#
# qemu-backend: vale-vhost, the vhost-user net backend (vale ports and
# direct VM-to-VM pairs), and its test programs.
#
#   VALE_VHOST       $(O)/qemu-backend/vale-vhost (links libvale.a)
#   VALE_VHOST_ASAN  $(O)/asan/vale-vhost: the same with libvale compiled in,
#                    built with AddressSanitizer and UndefinedBehaviorSanitizer
#                    (any report aborts); selftests/vhost/run.sh runs its
#                    hostile front-end against this one
#   VHOST_TEST_BINS  selftests/vhost helpers: hostile (malformed
#                    vhost-user front-end, on the front-end
#                    selftests/vhost/fe.c) and vhost-udp (static, runs in
#                    the test guests)
#   INSTALL_TARGETS  += install-vhost (binary, man page, systemd unit)

VALE_VHOST := $(O)/qemu-backend/vale-vhost
VHOST_HOSTILE := $(O)/vhost/hostile
VHOST_UDP := $(O)/vhost/vhost-udp
VHOST_TEST_BINS := $(VHOST_HOSTILE) $(VHOST_UDP)
VHOST_FE := selftests/vhost/fe.c selftests/vhost/fe.h qemu-backend/vhost_user.h
VALE_VHOST_ASAN := $(O)/asan/vale-vhost
SANITIZE_FLAGS ?= -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
SYSTEMDUNITDIR ?= /lib/systemd/system

USER_TARGETS += $(VALE_VHOST) $(VALE_VHOST_ASAN) $(VHOST_TEST_BINS)
INSTALL_TARGETS += install-vhost

# vale-vhost is a directory of files by concern (vale-vhost/vhost.h says
# which); the wire format, qemu-backend/vhost_user.h, is shared with the
# hostile test front-end.
# The daemon plumbing (logging, --version, UNIX sockets, signals) is
# qemu-backend/common/, shared with vale-vmpi.
include qemu-backend/common/common.mk
VALE_VHOST_SRCS := $(wildcard qemu-backend/vale-vhost/*.c) $(DAEMON_SRCS)

$(VALE_VHOST): $(VALE_VHOST_SRCS) qemu-backend/vale-vhost/vhost.h \
		qemu-backend/vhost_user.h lib/libvale.h uapi/linux/vale.h \
		tools/common/out.h $(DAEMON_HDRS) $(LIBVALE_A) $(OUT_O)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(DAEMON_CFLAGS) -Iqemu-backend \
		-Iqemu-backend/vale-vhost -Itools/common -o $@ $(VALE_VHOST_SRCS) $(OUT_O) \
		$(LIBVALE_A) $(USER_LDFLAGS)

$(VALE_VHOST_ASAN): $(VALE_VHOST_SRCS) qemu-backend/vale-vhost/vhost.h \
		qemu-backend/vhost_user.h lib/libvale.c lib/libvale.h \
		uapi/linux/vale.h tools/common/out.c tools/common/out.h $(DAEMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(DAEMON_CFLAGS) -O1 $(SANITIZE_FLAGS) -Iqemu-backend \
		-Iqemu-backend/vale-vhost -Itools/common -o $@ \
		$(VALE_VHOST_SRCS) lib/libvale.c tools/common/out.c $(USER_LDFLAGS)

$(VHOST_HOSTILE): selftests/vhost/hostile.c $(VHOST_FE)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -Iqemu-backend -o $@ $< selftests/vhost/fe.c $(USER_LDFLAGS)

$(VHOST_UDP): selftests/vhost/vhost-udp.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $< $(USER_LDFLAGS) -static

.PHONY: install-vhost
install-vhost: $(VALE_VHOST)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SYSTEMDUNITDIR)
	$(INSTALL) -m 0755 $(VALE_VHOST) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0644 Documentation/man/vale-vhost.8 $(DESTDIR)$(MANDIR)/man8/
	sed 's|@BINDIR@|$(BINDIR)|' qemu-backend/vale-vhost.service \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/vale-vhost.service
