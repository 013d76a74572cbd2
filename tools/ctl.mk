# SPDX-License-Identifier: GPL-2.0
#
# vale-ctl, the control-plane tool (generic netlink family "vale"), linked
# against Debian's libmnl.  Debian ships no libmnl.a, so vale-ctl and the
# VM tests that use libmnl are dynamic programs; selftests/vm/vm-run copies
# the shared libraries a program needs into the guest with it.
#
#   INSTALL_TARGETS += install-ctl

VALE_CTL := $(O)/tools/vale-ctl

USER_TARGETS += $(VALE_CTL)
INSTALL_TARGETS += install-ctl

VALE_CTL_SRCS := $(wildcard tools/vale-ctl/*.c)

$(VALE_CTL): $(VALE_CTL_SRCS) tools/vale-ctl/ctl.h $(TOOLS_COMMON_HDRS) \
		uapi/linux/vale.h $(VNL_O) $(OUT_O) $(CMD_O) $(MAC_O)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -Itools/common -Itools/vale-ctl -o $@ \
		$(VALE_CTL_SRCS) $(VNL_O) $(OUT_O) $(CMD_O) $(MAC_O) \
		$(USER_LDFLAGS) -lmnl

.PHONY: install-ctl
install-ctl: $(VALE_CTL)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	$(INSTALL) -m 0755 $(VALE_CTL) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0644 Documentation/man/vale-ctl.8 $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 0644 tools/vale-ctl.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/vale-ctl
