#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build vale.ko, vmpi.ko and the harness's test modules for one kernel:
#   scripts/build-modules.sh 6.1|6.12 [extra kbuild arguments]
# Sources are copied to build/<release>/src and built there, so several
# kernels can be built from one checkout; the .ko files land in
# build/<release>/.  Prints the release on stdout.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kernel=${1:-6.1}; shift || true
eval "$("$top/scripts/kernel.sh" "$kernel")"
out=$top/build/$KVER
mkdir -p "$out/src"
(cd "$top" && rsync -aR --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	--exclude '*.mod*' --exclude 'Module.symvers' --exclude 'modules.order' \
	--filter 'protect *.o' --filter 'protect *.ko' --filter 'protect .*.cmd' \
	--filter 'protect *.mod*' --filter 'protect Module.symvers' \
	--filter 'protect modules.order' \
	./Kbuild ./kmod ./guest-driver ./uapi ./selftests/modules "$out/src/") >&2
version=$("$top/scripts/version.sh")
make -s -C "$KDIR" M="$out/src" VALE_VERSION="$version" \
	CONFIG_DEBUG_INFO_BTF_MODULES= W=1 "$@" modules >&2
find "$out/src" -name '*.ko' -exec cp {} "$out/" \;
echo "$KVER"
