# SPDX-License-Identifier: GPL-2.0
#
# vale-bench-ep: the endpoints of the vale-bench framework (send, recv,
# client, server over vale, udp, mmsg, raw, raw-mmsg, ring, xdp), sources
# in tools/vale-bench/ep/ (see ep.h for which file does what), with the
# frames and samples of tools/common/ that vale-pktgen uses too.
#
#   $(VALE_BENCH_EP)         dynamic, with AF_XDP when libxdp-dev is there
#   $(VALE_BENCH_EP_STATIC)  static, for the test VM (no AF_XDP: Debian has
#                            no static libzstd for libelf/libxdp)
#   Tier-0 tests of the frame check, the statistics and the options:
#   $(O)/tier0/vale_bench_ep_* (scripts/check.sh runs every program there)

EP_DIR := tools/vale-bench/ep
EP_COMMON := opts frame clock stats roles main sock api_vale api_udp \
	api_mmsg api_raw api_raw_mmsg api_ring
EP_HDRS := $(EP_DIR)/ep.h $(EP_DIR)/sock.h lib/libvale.h uapi/linux/vale.h \
	$(TOOLS_COMMON_HDRS)
EP_OBJS := $(patsubst %,$(O)/$(EP_DIR)/%.o,$(EP_COMMON)) $(FRAME_O) \
	$(SAMPLES_O) $(MAC_O)

# AF_XDP through libxdp's <xdp/xsk.h> when pkg-config finds it.
EP_XDP_LIBS := $(if $(wildcard $(EP_DIR)/api_xdp.c),$(shell pkg-config --libs libxdp libbpf 2>/dev/null))
ifneq ($(EP_XDP_LIBS),)
EP_XDP_O := $(O)/$(EP_DIR)/api_xdp.o
else
EP_XDP_O := $(O)/$(EP_DIR)/api_xdp_none.o
endif

VALE_BENCH_EP := $(O)/tools/vale-bench-ep
VALE_BENCH_EP_STATIC := $(O)/tools/vale-bench-ep-static

$(O)/$(EP_DIR)/%.o: $(EP_DIR)/%.c $(EP_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -Itools/common -c -o $@ $<

$(VALE_BENCH_EP): $(EP_OBJS) $(EP_XDP_O) $(LIBVALE_A)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $^ $(EP_XDP_LIBS) -lm $(USER_LDFLAGS)

$(VALE_BENCH_EP_STATIC): $(EP_OBJS) $(O)/$(EP_DIR)/api_xdp_none.o $(LIBVALE_A)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -static -o $@ $^ -lm $(USER_LDFLAGS)

USER_TARGETS += $(VALE_BENCH_EP) $(VALE_BENCH_EP_STATIC)

# Tier 0: the pure parts, under the sanitizers like the other Tier-0 tests.
EP_T0 := frame stats opts
EP_T0_SRCS = $(EP_DIR)/frame.c $(EP_DIR)/stats.c $(EP_DIR)/opts.c \
	$(EP_DIR)/clock.c tools/common/frame.c tools/common/samples.c \
	tools/common/mac.c
$(O)/tier0/vale_bench_ep_%: tools/vale-bench/tests/ep_%_test.c $(EP_T0_SRCS) \
		$(EP_HDRS)
	@mkdir -p $(@D)
	$(T0_CC) $(T0_CFLAGS) -I$(EP_DIR) -Itools/common -o $@ $< $(EP_T0_SRCS) -lm

USER_TARGETS += $(patsubst %,$(O)/tier0/vale_bench_ep_%,$(EP_T0))

INSTALL_TARGETS += install-bench

.PHONY: install-bench
install-bench: $(VALE_BENCH_EP)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 0755 $(VALE_BENCH_EP) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0644 Documentation/man/vale-bench-ep.8 $(DESTDIR)$(MANDIR)/man8/
