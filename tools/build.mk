# SPDX-License-Identifier: GPL-2.0
#
# tools: vale-pktgen (vale-ctl and vale-bench come later).
#
# $(O)/tools/vale-pktgen is linked fully statically (libvale.a and libc) so
# that the same binary runs on the host and inside the test VM:
#   selftests/vm/vm-run --file build/user/tools/vale-pktgen:/bin/vale-pktgen \
#       selftests/vm/tests/pktgen.sh
#
#   VALE_PKTGEN      the binary
#   TOOLS_STATIC     -static (default) links vale-pktgen and vmpi-perf
#                    statically; debian/rules empties it (packages ship
#                    dynamic programs)
#   INSTALL_TARGETS  += install-tools (binaries and man pages)

VALE_PKTGEN := $(O)/tools/vale-pktgen
TOOLS_BINS := $(VALE_PKTGEN)
TOOLS_MAN8 := Documentation/man/vale-pktgen.8
TOOLS_STATIC ?= -static

USER_TARGETS += $(TOOLS_BINS)
INSTALL_TARGETS += install-tools

$(VALE_PKTGEN): tools/vale-pktgen.c lib/libvale.h uapi/linux/vale.h $(LIBVALE_A)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $< $(LIBVALE_A) $(USER_LDFLAGS) $(TOOLS_STATIC)

.PHONY: install-tools
install-tools: $(TOOLS_BINS)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 0755 $(TOOLS_BINS) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0644 $(TOOLS_MAN8) $(DESTDIR)$(MANDIR)/man8/
