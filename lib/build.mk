# SPDX-License-Identifier: GPL-2.0
#
# libvale: static libvale.a, shared libvale.so.0 (symbol versioned through
# lib/libvale.map), pkg-config file vale.pc.
#
# Variables for other .mk files:
#   LIBVALE_A        $(O)/lib/libvale.a   (link tests and tools statically)
#   LIBVALE_SO       $(O)/lib/libvale.so.$(LIBVALE_VERSION)
#   INSTALL_TARGETS  += install-lib  (the top-level install depends on it)
#   BINDIR, LIBDIR, INCLUDEDIR, MANDIR  install directories under $(PREFIX)

# The project's version, one source: debian/changelog's first entry
# (scripts/version.sh).  VALE_VERSION is what every .mk passes on (the
# daemons' and tools' --version, DKMS, modules); libvale's version is the
# same, and libvale.h's LIBVALE_VERSION_* (what programs compile against)
# must say so: the build stops when they differ.
VALE_VERSION := $(shell scripts/version.sh)
LIBVALE_VERSION := $(VALE_VERSION)
LIBVALE_HDR_VERSION := $(shell awk '/^\#define LIBVALE_VERSION_(MAJOR|MINOR|PATCH)/ \
	{ v = v s $$3; s = "." } END { print v }' lib/libvale.h)
ifneq ($(LIBVALE_HDR_VERSION),$(VALE_VERSION))
$(error lib/libvale.h says $(LIBVALE_HDR_VERSION), debian/changelog $(VALE_VERSION))
endif
LIBVALE_SOMAJOR := 0

BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
INSTALL ?= install

LIBVALE_A := $(O)/lib/libvale.a
LIBVALE_SO := $(O)/lib/libvale.so.$(LIBVALE_VERSION)
LIBVALE_PC := $(O)/lib/vale.pc
LIBVALE_HDRS := lib/libvale.h uapi/linux/vale.h

USER_TARGETS += $(LIBVALE_A) $(LIBVALE_SO) $(LIBVALE_PC)
INSTALL_TARGETS += install-lib

$(O)/lib/libvale.o: lib/libvale.c $(LIBVALE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -fvisibility=hidden -c -o $@ $<

$(O)/lib/libvale.pic.o: lib/libvale.c $(LIBVALE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

$(LIBVALE_A): $(O)/lib/libvale.o
	rm -f $@
	$(AR) rcs $@ $^

$(LIBVALE_SO): $(O)/lib/libvale.pic.o lib/libvale.map
	$(CC) -shared -fPIC $(USER_LDFLAGS) -Wl,-soname,libvale.so.$(LIBVALE_SOMAJOR) \
		-Wl,--version-script=lib/libvale.map -Wl,-z,defs -Wl,-z,relro,-z,now \
		-o $@ $< -lc
	ln -sf libvale.so.$(LIBVALE_VERSION) $(O)/lib/libvale.so.$(LIBVALE_SOMAJOR)
	ln -sf libvale.so.$(LIBVALE_SOMAJOR) $(O)/lib/libvale.so

LIBVALE_PC_SED = sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(LIBVALE_VERSION)|'

$(LIBVALE_PC): lib/vale.pc.in lib/build.mk
	@mkdir -p $(@D)
	$(LIBVALE_PC_SED) $< >$@

.PHONY: install-lib
install-lib: $(LIBVALE_A) $(LIBVALE_SO) $(LIBVALE_PC)
	$(INSTALL) -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/linux
	$(INSTALL) -m 0644 lib/libvale.h $(DESTDIR)$(INCLUDEDIR)/libvale.h
	$(INSTALL) -m 0644 uapi/linux/vale.h $(DESTDIR)$(INCLUDEDIR)/linux/vale.h
	$(INSTALL) -m 0644 $(LIBVALE_A) $(DESTDIR)$(LIBDIR)/libvale.a
	$(INSTALL) -m 0755 $(LIBVALE_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libvale.so.$(LIBVALE_VERSION) $(DESTDIR)$(LIBDIR)/libvale.so.$(LIBVALE_SOMAJOR)
	ln -sf libvale.so.$(LIBVALE_SOMAJOR) $(DESTDIR)$(LIBDIR)/libvale.so
	# Generated again: PREFIX may differ from the build's.
	$(LIBVALE_PC_SED) lib/vale.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/vale.pc
	chmod 0644 $(DESTDIR)$(LIBDIR)/pkgconfig/vale.pc
