#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything vale needs from Debian, idempotently.  Fast (a few
# dpkg-query calls) when everything is already present.
#
#   scripts/deps.sh            base packages (build, VM harness, tests)
#   scripts/deps.sh backports  also make bookworm-backports reachable
#   scripts/deps.sh package    also what the package tier needs (Debian's
#                              packaging tools, a clean root, the kernel's
#                              YNL tools from linux-source-6.12)
#
# Never run by hand on a developer machine you care about without reading
# it: it adds a deb822 entry for bookworm-backports (priority 100, so
# nothing is upgraded from it unless asked for by name).
set -euo pipefail

BASE_PKGS=(
	build-essential linux-headers-amd64 kmod cpio xz-utils zstd
	qemu-system-x86 busybox-static linux-source-6.1
	libmnl-dev libyaml-dev pkg-config iproute2 libxdp-dev libbpf-dev
	clang llvm libclang-rt-14-dev
	bc bison flex libelf-dev libssl-dev dwarves rsync python3 python3-yaml
	valgrind
	dpdk-dev librte-net-virtio23 librte-net-vhost23
	gnuplot-nox openvswitch-switch xdp-tools python3-jsonschema trinity
)

# scripts/package-check.sh: build, lint and install the Debian packages,
# DKMS, systemd-analyze (package systemd), the YNL schema check
# (linux-source-6.12 ships tools/net/ynl and the netlink JSON schemas;
# bookworm has it through bookworm-security, no backports needed).
PACKAGE_PKGS=(
	dpkg-dev debhelper dh-dkms dkms lintian mmdebstrap
	systemd fakeroot python3-jsonschema linux-source-6.12
)

missing_pkgs() {
	local p st
	for p in "$@"; do
		st=$(dpkg-query -W -f '${db:Status-Abbrev}' "$p" 2>/dev/null || true)
		[[ $st == ii* ]] || echo "$p"
	done
}

APT_UPDATED=
apt_update() {
	[[ -n $APT_UPDATED ]] && return 0
	apt-get update -qq
	APT_UPDATED=1
}

apt_install() {
	local miss
	miss=$(missing_pkgs "$@")
	[[ -z $miss ]] && return 0
	echo "deps: installing:" $miss >&2
	apt_update
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
		--no-install-recommends $miss >&2
}

# bookworm-backports, using the archive address the machine already uses.
enable_backports() {
	local f=/etc/apt/sources.list.d/vale-backports.sources uri
	if [[ ! -e $f ]]; then
		uri=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' \
			/etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
		if [[ -z $uri ]]; then
			uri=$(awk '/^deb / && $3 == "bookworm" { print $2; exit }' \
				/etc/apt/sources.list 2>/dev/null || true)
		fi
		[[ -n $uri ]] || { echo "deps: cannot find the Debian archive address" >&2; return 1; }
		cat >"$f" <<EOF
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
		APT_UPDATED=
	fi
	if ! apt-cache policy 2>/dev/null | grep -q bookworm-backports; then
		APT_UPDATED=
	fi
	apt_update
}

main() {
	local pkgs=("${BASE_PKGS[@]}")
	[[ ${1:-} == package ]] && pkgs+=("${PACKAGE_PKGS[@]}")
	if [[ $(id -u) != 0 ]]; then
		if [[ -n $(missing_pkgs "${pkgs[@]}") ]]; then
			echo "deps: missing packages and not root:" $(missing_pkgs "${pkgs[@]}") >&2
			exit 1
		fi
		return 0
	fi
	apt_install "${pkgs[@]}"
	if [[ ${1:-} == backports ]]; then
		enable_backports
	fi
}

main "$@"
