#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Print the project's version: the upstream part of debian/changelog's
# first entry ("vale (0.3.0) unstable" -> 0.3.0, "1.2-3" -> 1.2).  The one
# source of every version: lib/build.mk (libvale, pkg-config, the daemons'
# and tools' --version, DKMS) and the module builds read it from here;
# lib/libvale.h's LIBVALE_VERSION_* must agree (the build checks it).
top=$(dirname "$0")/..
sed -n '1{s/^[^(]*(\([^)]*\)).*/\1/;s/^[0-9]*://;s/-[^-]*$//;p;q}' "$top/debian/changelog"
