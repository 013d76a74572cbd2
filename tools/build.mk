# SPDX-License-Identifier: GPL-2.0
#
# tools: vale-pktgen and the code the tools share (tools/common/); vale-ctl
# is in tools/ctl.mk, vale-bench in tools/bench.mk.
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

# tools/common: the one libmnl plumbing (vnl: vale-ctl, vale-net,
# vale-kfuzz and the netlink VM tests), rtnetlink (rtnl: vale-net and
# vale-kfuzz), network namespaces (netns: vale-net), the one text/JSON
# writer and JSON string escaper (out: vale-ctl, vale-net, vale-pktgen,
# vale-vhost), the command tables with prefix matching (cmd: vale-ctl,
# vale-net), and the test frames and latency samples of the traffic tools
# (frame, samples: vale-pktgen, vale-bench-ep), and MAC addresses as text
# (mac: vale-ctl, vale-net, vale-pktgen, vale-bench-ep).
TOOLS_COMMON_HDRS := $(wildcard tools/common/*.h)
VNL_O := $(O)/tools/common/vnl.o
RTNL_O := $(O)/tools/common/rtnl.o
NETNS_O := $(O)/tools/common/netns.o
OUT_O := $(O)/tools/common/out.o
CMD_O := $(O)/tools/common/cmd.o
FRAME_O := $(O)/tools/common/frame.o
SAMPLES_O := $(O)/tools/common/samples.o
MAC_O := $(O)/tools/common/mac.o

$(O)/tools/common/%.o: tools/common/%.c $(TOOLS_COMMON_HDRS) uapi/linux/vale.h
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -Itools/common -c -o $@ $<

# Tier 0 of the pure parts of tools/common, under the sanitizers like the
# other Tier-0 tests: tools/common/tests/NAME_test.c with NAME.c as
# $(O)/tier0/tools_common_NAME (scripts/check.sh runs every program there).
TOOLS_COMMON_T0 := $(patsubst tools/common/tests/%_test.c,%,\
	$(wildcard tools/common/tests/*_test.c))

$(O)/tier0/tools_common_%: tools/common/tests/%_test.c tools/common/%.c \
		$(TOOLS_COMMON_HDRS)
	@mkdir -p $(@D)
	$(T0_CC) $(T0_CFLAGS) -Itools/common -o $@ $< tools/common/$*.c -lm

USER_TARGETS += $(patsubst %,$(O)/tier0/tools_common_%,$(TOOLS_COMMON_T0))

# vale-pktgen is a directory of files by concern (vale-pktgen/pktgen.h
# says which).
VALE_PKTGEN_SRCS := $(wildcard tools/vale-pktgen/*.c)

$(VALE_PKTGEN): $(VALE_PKTGEN_SRCS) tools/vale-pktgen/pktgen.h lib/libvale.h \
		uapi/linux/vale.h $(TOOLS_COMMON_HDRS) $(LIBVALE_A) $(OUT_O) \
		$(FRAME_O) $(SAMPLES_O) $(MAC_O)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -Itools/common -o $@ $(VALE_PKTGEN_SRCS) $(OUT_O) \
		$(FRAME_O) $(SAMPLES_O) $(MAC_O) $(LIBVALE_A) $(USER_LDFLAGS) -lm \
		$(TOOLS_STATIC)

.PHONY: install-tools
install-tools: $(TOOLS_BINS)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 0755 $(TOOLS_BINS) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0644 $(TOOLS_MAN8) $(DESTDIR)$(MANDIR)/man8/
