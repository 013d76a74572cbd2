# SPDX-License-Identifier: GPL-2.0
#
# Test programs.
#  Tier 0 (host): selftests/tier0/*.c, compiled with the kernel shims in
#    selftests/tier0/shim/ against chosen kmod/ files, ASan + UBSan.
#  VM tier: selftests/vm/tests/*.c, linked statically for the initramfs
#    (dynamically when they use libmnl);
#    selftests/vm/tests/*.sh run as they are.
#  Tier-0 benchmarks: selftests/tier0/bench_*.c, the same kmod/ files
#    without sanitizers at -O2, built into $(O)/bench/ (not $(O)/tier0/,
#    whose every program scripts/check.sh runs as a test); run under
#    callgrind by scripts/bench-instr.sh.

T0_CC := clang
T0_CFLAGS := -O1 -g -std=gnu11 -D_GNU_SOURCE $(WARN) -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Iselftests/tier0/shim -Iuapi -Ikmod \
	-I$(KSFT_DIR)/include

VM_CFLAGS := -O2 -g -std=gnu11 -D_GNU_SOURCE $(WARN) -Wno-unused-parameter \
	-Iuapi -Ilib -Iselftests/lib -I$(KSFT_DIR)/include -pthread
VM_LDFLAGS := -static -pthread

T0_BENCH_CFLAGS := -O2 -g -std=gnu11 -D_GNU_SOURCE $(WARN) \
	-Wno-unused-parameter -fno-strict-aliasing -Iselftests/tier0/shim \
	-Iuapi -Ikmod

T0_SRCS := $(filter-out selftests/tier0/bench_%.c,$(wildcard selftests/tier0/*.c))
T0_BINS := $(patsubst selftests/tier0/%.c,$(O)/tier0/%,$(T0_SRCS))
T0_BENCH_SRCS := $(wildcard selftests/tier0/bench_*.c)
T0_BENCH_BINS := $(patsubst selftests/tier0/%.c,$(O)/bench/%,$(T0_BENCH_SRCS))
VMT_SRCS := $(wildcard selftests/vm/tests/*.c)
VMT_BINS := $(patsubst selftests/vm/tests/%.c,$(O)/vm-tests/%,$(VMT_SRCS))

USER_TARGETS += $(T0_BINS) $(T0_BENCH_BINS) $(VMT_BINS)

# Tier-0 test T may list the kmod/ files it compiles in a comment line
#   // tier0-sources: kmod/ring.c kmod/lookup.c
T0_DEPS = $(shell sed -n 's|^// tier0-sources: ||p' $(1))

.SECONDEXPANSION:
$(O)/tier0/%: selftests/tier0/%.c $$(call T0_DEPS,selftests/tier0/%.c) \
		$(wildcard selftests/tier0/*.h selftests/tier0/shim/*/*.h) \
		$(wildcard uapi/linux/*.h kmod/*.h)
	@mkdir -p $(@D)
	$(T0_CC) $(T0_CFLAGS) -o $@ $< $(call T0_DEPS,$<)

# Tier-0 benchmarks: same sources and shims, no sanitizers, -O2.
$(O)/bench/%: selftests/tier0/%.c $$(call T0_DEPS,selftests/tier0/%.c) \
		$(wildcard selftests/tier0/*.h selftests/tier0/shim/*/*.h) \
		$(wildcard uapi/linux/*.h kmod/*.h)
	@mkdir -p $(@D)
	$(CC) $(T0_BENCH_CFLAGS) -o $@ $< $(call T0_DEPS,$<)

# libFuzzer targets: selftests/tier0/fuzz_*.c define LLVMFuzzerTestOneInput.
$(O)/tier0/fuzz_%: selftests/tier0/fuzz_%.c $$(call T0_DEPS,selftests/tier0/fuzz_%.c) \
		$(wildcard selftests/tier0/*.h selftests/tier0/shim/*/*.h) \
		$(wildcard uapi/linux/*.h kmod/*.h)
	@mkdir -p $(@D)
	$(T0_CC) $(T0_CFLAGS) -fsanitize=fuzzer -o $@ $< $(call T0_DEPS,$<)

# VM test programs link libvale statically when they use it.  Those that
# include <libmnl/libmnl.h> are dynamic (Debian ships no libmnl.a); vm-run
# copies their shared libraries into the guest.  They link vnl.o too:
# selftests/lib/nl_test.h is vale-ctl's libmnl plumbing, tools/common/vnl.c.
VMT_MNL = $(if $(shell grep -l 'libmnl/libmnl.h' $(1) 2>/dev/null),$(2),$(3))
$(O)/vm-tests/%: selftests/vm/tests/%.c $(wildcard selftests/lib/*.h) \
		$(wildcard uapi/linux/*.h lib/*.h) $(LIBVALE_A) \
		tools/common/vnl.h $(VNL_O)
	@mkdir -p $(@D)
	$(CC) $(VM_CFLAGS) -Itools/common -o $@ $< $(LIBVALE_A) \
		$(call VMT_MNL,$<,$(VNL_O) -lmnl -pthread,$(VM_LDFLAGS))
include selftests/fuzz/build.mk
