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
