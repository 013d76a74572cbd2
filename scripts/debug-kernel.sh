#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) and cache the debug kernel: Debian's linux-source-6.1 with
# selftests/config/debug.config (KASAN, UBSAN, lockdep, kmemleak, fault
# injection) merged onto allnoconfig.  See Documentation/testing-debug.md.
#
#   scripts/debug-kernel.sh [--rebuild]
#
# Prints shell assignments on stdout, like scripts/kernel.sh (eval them):
#   KVER     kernel release, e.g. 6.1.192-vale-debug
#   KDIR     the built kernel tree: make -C $KDIR M=... builds modules
#   KIMAGE   its bzImage (QEMU 7.2 does not boot this kernel's ELF vmlinux)
#   KMODDIR  a root with lib/modules/KVER holding only modules.builtin and
#            depmod's files: every driver the tests use is built in
#
# The cache is $VALE_CACHE/debug-kernel/<linux-source-6.1 version>-<hash>/
# (VALE_CACHE defaults to ~/.cache/vale), where <hash> covers the fragment
# (comments and blank lines ignored), the build recipe below (the bash
# functions, not their comments) and the compiler's version.  A cached
# kernel is used when its .done marker exists; concurrent callers wait on
# a lock instead of building twice.  The build runs with "nice -n 19 make
# -j$JOBS" (JOBS defaults to 2) and logs to <cache>/build.log; its wall
# time is kept in <cache>/build-time.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${VALE_CACHE:-$HOME/.cache/vale}
JOBS=${JOBS:-2}
frag=$top/selftests/config/debug.config
check=$top/selftests/config/check-config.sh
tarball=/usr/src/linux-source-6.1.tar.xz
rebuild=0
[[ ${1:-} == --rebuild ]] && rebuild=1

die() { echo "debug-kernel.sh: $*" >&2; exit 1; }

# The fragment without comments and blank lines ("is not set" lines kept).
fragment_options() {
	grep -E '^CONFIG_|^# CONFIG_.* is not set$' "$1"
}

# --- build recipe: everything that shapes the result is in these functions,
# and their text is part of the cache key -------------------------------------

configure() {	# tree fragment
	local tree=$1 frag=$2
	make -C "$tree" -s allnoconfig
	(cd "$tree" && scripts/kconfig/merge_config.sh -m .config "$frag")
	make -C "$tree" -s olddefconfig
}

build() {	# tree jobs
	local tree=$1 jobs=$2
	# "all" is bzImage and modules; modules also writes Module.symvers
	# (empty: nothing is =m), which out-of-tree builds need.
	nice -n 19 make -C "$tree" -j"$jobs" all
	nice -n 19 make -C "$tree" modules_prepare
}

install_root() {	# tree root kver
	local tree=$1 root=$2 kver=$3 mods
	mods=$root/lib/modules/$kver
	mkdir -p "$mods"
	cp "$tree/modules.builtin" "$tree/modules.builtin.modinfo" "$mods/"
	: >"$mods/modules.order"
	depmod -b "$root" "$kver"
}

# -----------------------------------------------------------------------------

[[ -r $tarball ]] || "$top/scripts/deps.sh" >&2
[[ -r $tarball ]] || die "no $tarball (package linux-source-6.1)"
srcver=$(dpkg-query -W -f '${Version}' linux-source-6.1) ||
	die "linux-source-6.1 is not installed"
hash=$( {
	fragment_options "$frag"
	declare -f configure build install_root
	${CC:-gcc} --version | head -n1
} | sha256sum | cut -c1-12)
dir=$CACHE/debug-kernel/$srcver-$hash
tree=$dir/linux-source-6.1

mkdir -p "$CACHE/debug-kernel"
exec 9>"$CACHE/debug-kernel/.lock-$srcver-$hash"
flock 9

if [[ $rebuild == 1 || ! -f $dir/.done ]]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	log=$dir/build.log
	echo "debug-kernel.sh: building the debug kernel in $dir (log: $log);" \
		"this takes about 15 minutes on 2 cores" >&2
	start=$(date +%s)
	{
		echo "# linux-source-6.1 $srcver, fragment $frag, key $hash"
		tar -xJf "$tarball" -C "$dir"
		configure "$tree" "$frag"
		# Kconfig silently drops what it cannot satisfy: fail loudly.
		"$check" "$frag" "$tree/.config"
		build "$tree" "$JOBS"
	} >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "build failed (see $log)"; }
	end=$(date +%s)
	kver=$(make -s -C "$tree" kernelrelease)
	cp "$tree/arch/x86/boot/bzImage" "$dir/bzImage"
	install_root "$tree" "$dir/root" "$kver" >>"$log" 2>&1 ||
		die "depmod failed (see $log)"
	[[ -f $tree/Module.symvers ]] || die "no Module.symvers in $tree"
	cp "$tree/.config" "$dir/config"
	echo "$((end - start)) s wall, make -j$JOBS, $(nproc) CPUs, $(date -u +%F)" >"$dir/build-time"
	echo "debug-kernel.sh: built in $((end - start)) s" >&2
	touch "$dir/.done"
fi

kver=$(make -s -C "$tree" kernelrelease)
echo "KVER=$kver"
echo "KDIR=$tree"
echo "KIMAGE=$dir/bzImage"
echo "KMODDIR=$dir/root"
