# SPDX-License-Identifier: GPL-2.0
#
# vale-net (tools/vale-net/): virtual networks from a topology file, on
# the vale family (tools/common/vnl.c), rtnetlink (tools/common/rtnl.c,
# netns.c) and Debian's libyaml.  Dynamic, like vale-ctl (no libmnl.a);
# vm-run copies its libraries into the guest.  Its Tier-0 test,
# $(O)/tier0/vnet_check, links the parser, admission control and the
# planner (none of which touches the system) with the test table.
#
#   INSTALL_TARGETS += install-net

VALE_NET := $(O)/tools/vale-net
VNET_HDRS := $(wildcard tools/vale-net/*.h) $(TOOLS_COMMON_HDRS)
VNET_PURE := model parse admit plan
VNET_OBJS := $(patsubst %,$(O)/tools/net/%.o,$(VNET_PURE) sys state \
	discover apply act_switch act_node act_tunnel act_proc print main) \
	$(RTNL_O) $(NETNS_O) $(VNL_O) $(OUT_O) $(CMD_O) $(MAC_O)
VNET_CHECK := $(O)/tier0/vnet_check

USER_TARGETS += $(VALE_NET) $(VNET_CHECK)
INSTALL_TARGETS += install-net

$(O)/tools/net/%.o: tools/vale-net/%.c $(VNET_HDRS) uapi/linux/vale.h
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -Itools/common -c -o $@ $<

$(VALE_NET): $(VNET_OBJS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $^ $(USER_LDFLAGS) -lmnl -lyaml

$(VNET_CHECK): tools/vale-net/tests/vnet_check.c $(VNET_HDRS) \
		$(patsubst %,tools/vale-net/%.c,$(VNET_PURE)) tools/common/mac.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -Itools/common -Itools/vale-net -I$(KSFT_DIR)/include \
		-Wno-unused-parameter -o $@ $< \
		$(patsubst %,tools/vale-net/%.c,$(VNET_PURE)) tools/common/mac.c -lyaml

.PHONY: install-net
install-net: $(VALE_NET)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 0755 $(VALE_NET) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0644 Documentation/man/vale-net.8 $(DESTDIR)$(MANDIR)/man8/

# The VM isolation test's frame source and sniffer (static, for the guest).
VNET_FRAMES := $(O)/tools/vnet-frames
USER_TARGETS += $(VNET_FRAMES)

$(VNET_FRAMES): tools/vale-net/tests/frames.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $< $(USER_LDFLAGS) -static
