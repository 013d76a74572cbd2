# SPDX-License-Identifier: GPL-2.0
# vale-bench: socket baselines for make bench (dynamic for the host, static
# for the test VM).
$(O)/tools/vale-bench: tools/vale-bench.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $< $(USER_LDFLAGS)

$(O)/tools/vale-bench-static: tools/vale-bench.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -static -o $@ $< $(USER_LDFLAGS)

USER_TARGETS += $(O)/tools/vale-bench $(O)/tools/vale-bench-static

VALE_BENCH := $(O)/tools/vale-bench
INSTALL_TARGETS += install-bench

.PHONY: install-bench
install-bench: $(VALE_BENCH)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 0755 $(VALE_BENCH) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0644 Documentation/man/vale-bench.8 $(DESTDIR)$(MANDIR)/man8/
