#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build vmpi.ko alone (guest-driver/ and uapi/ only) for one kernel, into
# build/<release>/vmpi.ko, W=1, so that the VMPI tests do not depend on
# the state of the rest of the tree.  Prints the release.
#   selftests/vmpi/build-vmpi.sh 6.1|6.12|debug
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
eval "$("$top/scripts/kernel.sh" "${1:-6.1}")"
out=$top/build/$KVER/vmpi-src
mkdir -p "$out"
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	--exclude '*.mod*' --filter 'protect *.o' --filter 'protect *.ko' \
	--filter 'protect .*.cmd' --filter 'protect *.mod*' \
	--filter 'protect Module.symvers' --filter 'protect modules.order' \
	"$top/guest-driver" "$top/uapi" "$out/"
version=$("$top/scripts/version.sh")
make -s -C "$KDIR" M="$out/guest-driver" VALE_VERSION="$version" \
	CONFIG_DEBUG_INFO_BTF_MODULES= W=1 modules >&2
cp "$out/guest-driver/vmpi.ko" "$top/build/$KVER/vmpi.ko"
echo "$KVER"
