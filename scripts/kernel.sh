#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch a Debian guest kernel and the headers to build modules for it.
#
#   scripts/kernel.sh 6.1     Debian 12's kernel: the version of the
#                             installed linux-headers-amd64 package
#   scripts/kernel.sh 6.12    the newest 6.12 kernel of bookworm-backports
#   scripts/kernel.sh debug   the debug kernel built from linux-source-6.1
#                             (scripts/debug-kernel.sh; KIMAGE is its bzImage)
#
# Prints shell assignments on stdout (eval them):
#   KVER     kernel release, e.g. 6.1.0-56-amd64
#   KDIR     kbuild directory for out-of-tree modules
#   KIMAGE   kernel for qemu -kernel (the ELF vmlinux, which QEMU boots
#            through its PVH note, or bzImage when extraction fails)
#   KMODDIR  root of the unpacked modules (KMODDIR/lib/modules/KVER)
#
# Everything is cached under $VALE_CACHE (default ~/.cache/vale), keyed by
# the kernel release, so a security update that moves the ABI number just
# fetches the new packages.  The versions are derived from the package
# archive every time; nothing is hard-coded.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${VALE_CACHE:-$HOME/.cache/vale}
flavour=${1:-6.1}

die() { echo "kernel.sh: $*" >&2; exit 1; }

# First dependency of a package at a given version ("name (= ver), ...").
first_dep() {
	apt-cache show "$1=$2" 2>/dev/null | sed -n 's/^Depends: \([^ ,]*\).*/\1/p' | head -n1
}

# Extract the ELF vmlinux from a bzImage/vmlinuz (xz, zstd or gzip payload).
extract_vmlinux() {
	local img=$1 out=$2 magic off tool
	for magic in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' 'gzip:\x1f\x8b\x08'; do
		tool=${magic%%:*}
		for off in $(LC_ALL=C grep -obUaP "${magic#*:}" "$img" | cut -d: -f1); do
			if tail -c +$((off + 1)) "$img" | "$tool" -dc 2>/dev/null >"$out.tmp" ||
			   [[ -s $out.tmp ]]; then
				if [[ $(head -c4 "$out.tmp" | od -An -tx1 | tr -d ' ') == 7f454c46 ]]; then
					mv "$out.tmp" "$out"
					return 0
				fi
			fi
		done
	done
	rm -f "$out.tmp"
	return 1
}

fetch_debs() {
	local dir=$1; shift
	mkdir -p "$dir/debs"
	(cd "$dir/debs" && apt-get download "$@" >/dev/null 2>&1) ||
		die "apt-get download $* failed"
}

unpack() {
	local dir=$1 deb
	mkdir -p "$dir/root"
	for deb in "$dir"/debs/*.deb; do
		dpkg-deb -x "$deb" "$dir/root"
	done
}

finish_image() {
	local dir=$1 kver=$2
	local vmlinuz=$dir/root/boot/vmlinuz-$kver
	[[ -f $vmlinuz ]] || die "no $vmlinuz"
	if [[ ! -f $dir/vmlinux ]]; then
		extract_vmlinux "$vmlinuz" "$dir/vmlinux" || cp "$vmlinuz" "$dir/vmlinux"
	fi
	# Debian ships no modules.dep: make one so that modprobe can
	# resolve load order for the initramfs.
	if [[ ! -f $dir/root/lib/modules/$kver/modules.dep ]]; then
		depmod -b "$dir/root" "$kver"
	fi
}

case $flavour in
6.1)
	"$here/deps.sh" >&2
	dep=$(dpkg-query -W -f '${Depends}' linux-headers-amd64 | sed 's/ .*//')
	kver=${dep#linux-headers-}
	[[ -n $kver && $kver != "$dep" ]] || die "cannot derive the kernel version from linux-headers-amd64"
	dir=$CACHE/kernels/$kver
	if [[ ! -f $dir/.done ]]; then
		rm -rf "$dir"
		"$here/deps.sh" >&2
		apt-get update -qq >&2 || true
		fetch_debs "$dir" "linux-image-$kver"
		unpack "$dir"
		finish_image "$dir" "$kver"
		rm -rf "$dir/debs"
		touch "$dir/.done"
	fi
	kdir=/lib/modules/$kver/build
	[[ -e $kdir/Makefile ]] || kdir=/usr/src/linux-headers-$kver
	;;
6.12)
	"$here/deps.sh" backports >&2
	ver=$(apt-cache madison linux-headers-amd64 | awk '$3 ~ /bpo12/ && $3 ~ /^6\.12/ { print $3; exit }')
	[[ -n $ver ]] || die "no 6.12 kernel in bookworm-backports"
	dep=$(first_dep linux-headers-amd64 "$ver")
	kver=${dep#linux-headers-}
	[[ -n $kver && $kver != "$dep" ]] || die "cannot derive the 6.12 kernel version"
	base=${kver%-amd64}
	dir=$CACHE/kernels/$kver
	if [[ ! -f $dir/.done ]]; then
		rm -rf "$dir"
		fetch_debs "$dir" "linux-image-$kver" "linux-headers-$kver" \
			"linux-headers-$base-common" "linux-kbuild-$base"
		unpack "$dir"
		finish_image "$dir" "$kver"
		# The headers' Makefile includes the common tree by absolute
		# path: point it into our unpacked root instead.
		sed -i "s|/usr/src/|$dir/root/usr/src/|g" \
			"$dir/root/usr/src/linux-headers-$kver/Makefile"
		rm -rf "$dir/debs"
		touch "$dir/.done"
	fi
	kdir=$dir/root/usr/src/linux-headers-$kver
	;;
debug)
	# Our own debug kernel (KASAN, lockdep, kmemleak, fault injection),
	# built from linux-source-6.1 and cached: see scripts/debug-kernel.sh.
	exec "$here/debug-kernel.sh"
	;;
*)
	die "unknown kernel '$flavour' (6.1, 6.12 or debug)"
	;;
esac

echo "KVER=$kver"
echo "KDIR=$kdir"
echo "KIMAGE=$dir/vmlinux"
echo "KMODDIR=$dir/root"
