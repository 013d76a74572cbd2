# SPDX-License-Identifier: GPL-2.0
#
# vale-kfuzz, the sequence fuzzer of vale.ko (Documentation/fuzzing.md):
# run in the VM by scripts/fuzz.sh.  Its netlink goes through the tools'
# plumbing, the vale family through tools/common/vnl.c (with the tests'
# names of selftests/lib/nl_test.h) and its veth pairs through
# tools/common/rtnl.c.  libmnl is in Debian only as a shared library:
# linked dynamically, vm-run copies the libraries into the guest.

KFUZZ_SRCS := $(wildcard selftests/fuzz/*.c)
KFUZZ_BIN := $(O)/fuzz/vale-kfuzz

USER_TARGETS += $(KFUZZ_BIN)

$(KFUZZ_BIN): $(KFUZZ_SRCS) $(wildcard selftests/fuzz/*.h selftests/lib/*.h) \
		$(wildcard uapi/linux/*.h) $(TOOLS_COMMON_HDRS) $(VNL_O) $(RTNL_O) \
		$(MAC_O)
	@mkdir -p $(@D)
	$(CC) $(VM_CFLAGS) -Itools/common -o $@ $(KFUZZ_SRCS) $(VNL_O) \
		$(RTNL_O) $(MAC_O) -lmnl -pthread
