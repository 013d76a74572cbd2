#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The package tier: vale installed the way a Debian user installs it.
# Prints TAP (the plan at the end); exits non-zero on any failure.
#
#   scripts/package-check.sh [--out DIR] [--kernels "6.1 6.12"]
#
#   debs       dpkg-buildpackage -us -uc of a copy of the tracked files
#              (scripts/build-debs.sh): every binary package is built
#   lintian    no error and no warning (overrides in debian/*.lintian-overrides)
#   dkms       for every kernel of --kernels (the harness's kernels, whose
#              headers scripts/kernel.sh fetched): `dkms autoinstall`, what
#              Debian's kernel postinst hook runs when a kernel is
#              installed, builds and installs vale.ko and vmpi.ko from the
#              /usr/src trees of the vale-dkms and vmpi-dkms packages.
#              The modules land in DIR/modules/<release>/<release>/updates/
#              dkms/, which the VM suite loads in one run (vm-run --modules
#              DIR/modules/<release>: it takes every .ko under it)
#   root       the packages install with dpkg into a clean Debian 12 root
#              made by mmdebstrap (cached), every file is where
#              Documentation/packaging.md says, group and user vale exist,
#              a program builds against libvale-dev and runs, the units
#              pass `systemd-analyze verify` and `systemd-analyze security`
#              (exposure at most 2.0) and restart their daemon
#              (Restart=on-failure, RestartSec=1, RuntimeDirectoryPreserve=yes);
#              purging removes every file
#   ynl        Documentation/netlink/vale.yaml against the kernel's JSON
#              schema, by the kernel's YNL library (selftests/spec/ynl-schema.py)
#
# Caches under $VALE_CACHE (default ~/.cache/vale): the clean root's tar
# (pkgroot/), YNL (ynl/); the DKMS build of a kernel is reused while the
# module sources are unchanged.  Needs root (dkms, chroot).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
CACHE=${VALE_CACHE:-$HOME/.cache/vale}
out=$top/build/pkg
kernels="6.1 6.12"
while [[ $# -gt 0 ]]; do
	case $1 in
	--out) out=$2; shift 2 ;;
	--kernels) kernels=$2; shift 2 ;;
	*) echo "package-check: unknown argument $1" >&2; exit 2 ;;
	esac
done
mkdir -p "$out/logs"
out=$(cd "$out" && pwd)
logs=$out/logs

# shellcheck source=scripts/lib/tap.sh
. "$top/scripts/lib/tap.sh"
finish() {
	echo "1..$n"
	[[ $nfail == 0 ]]
	exit
}

scripts/deps.sh package >"$logs/deps.log" 2>&1
ok $? "Debian's packaging tools are installed (deps.sh package)" "$logs/deps.log"

# --- debs ------------------------------------------------------------------
PKGS=(vale-dkms vmpi-dkms libvale0 libvale-dev vale-tools vale-vhost vale-vmpi)
ver=$(dpkg-parsechangelog -l debian/changelog -S Version)
changes=$(scripts/build-debs.sh "$out/deb" 2>"$logs/build-debs.log")
st=$?
ok $st "dpkg-buildpackage -us -uc builds vale $ver" "$logs/build-debs.log"
[[ $st == 0 ]] || finish
debs=()
for p in "${PKGS[@]}"; do
	f=$(ls "$out/deb/${p}_${ver}_"*.deb 2>/dev/null | head -n1)
	[[ -n $f ]]
	ok $? "package $p built"
	[[ -n $f ]] && debs+=("$f")
done

# (As root lintian says it would rather not run as root: not a tag.)
lintian --fail-on error,warning "$changes" >"$logs/lintian.log" 2>&1
st=$?
grep -q '^[EW]: ' "$logs/lintian.log" && st=1
ok $st "lintian: no errors, no warnings" "$logs/lintian.log"

# --- dkms ------------------------------------------------------------------
# The two DKMS source trees exactly as the packages install them.
srcroot=$out/dkms-src
rm -rf "$srcroot"
mkdir -p "$srcroot"
dpkg-deb -x "$out/deb/vale-dkms_${ver}_all.deb" "$srcroot"
dpkg-deb -x "$out/deb/vmpi-dkms_${ver}_all.deb" "$srcroot"
key=$(cd "$srcroot/usr/src" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
for k in $kernels; do
	if ! eval "$(scripts/kernel.sh "$k" 2>"$logs/kernel-$k.log")"; then
		ok 1 "dkms: kernel $k" "$logs/kernel-$k.log"
		continue
	fi
	tree=$out/dkms/$KVER inst=$out/modules/$KVER log=$logs/dkms-$k.log
	if [[ $(cat "$tree/.key" 2>/dev/null) != "$key" ]]; then
		rm -rf "$tree" "$inst"
		mkdir -p "$tree" "$inst/$KVER"
		d=(dkms --dkmstree "$tree" --sourcetree "$srcroot/usr/src" --installtree "$inst")
		{ "${d[@]}" add "vale/$ver" && "${d[@]}" add "vmpi/$ver" &&
		  "${d[@]}" --no-depmod autoinstall -k "$KVER" --kernelsourcedir "$KDIR" &&
		  "${d[@]}" status; } >"$log" 2>&1
		st=$?
		[[ $st == 0 ]] && echo "$key" >"$tree/.key"
	else
		echo "dkms: sources unchanged since the last build ($key)" >"$log"
		st=0
	fi
	ok $st "dkms autoinstall builds and installs vale and vmpi for $k ($KVER)" "$log"
	for m in vale vmpi; do
		f=$(find "$inst/$KVER" -name "$m.ko*" | head -n1)
		vm=$(modinfo -F vermagic "$f" 2>/dev/null)
		[[ -n $f && ${vm%% *} == "$KVER" ]]
		ok $? "dkms: $m.ko for $KVER in updates/dkms (vermagic '${vm%% *}')"
	done
done

# --- clean root ------------------------------------------------------------
# Debian 12 with what the packages depend on (dkms brings the compiler),
# made by mmdebstrap from the machine's own archive, cached as a tar.
ROOT_PKGS=dkms,systemd,udev,adduser,libmnl0,libyaml-0-2,libxdp1,libbpf1
mirrors=/etc/apt/sources.list.d/debian.sources
[[ -f $mirrors ]] || mirrors=/etc/apt/sources.list
rkey=$(printf '%s %s' "$ROOT_PKGS" "$(cat "$mirrors")" | sha256sum | cut -c1-12)
rtar=$CACHE/pkgroot/bookworm-$rkey.tar
if [[ ! -f $rtar ]]; then
	mkdir -p "$CACHE/pkgroot"
	mmdebstrap --mode=root --format=tar --variant=apt --include="$ROOT_PKGS" \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--aptopt='Acquire::Languages "none"' \
		bookworm "$rtar.tmp" "$mirrors" >"$logs/mmdebstrap.log" 2>&1 &&
		mv "$rtar.tmp" "$rtar"
fi
[[ -f $rtar ]]
ok $? "clean Debian 12 root (mmdebstrap, cached in $rtar)" "$logs/mmdebstrap.log"
[[ -f $rtar ]] || finish

root=$out/root
rm -rf "$root"
mkdir -p "$root"
tar -xf "$rtar" -C "$root"
mkdir -p "$root/tmp/debs"
cp "${debs[@]}" "$root/tmp/debs/"
# in_root CMD...: run in the root, with its own /proc in a private mount
# namespace (nothing stays mounted when it returns).
in_root() {
	unshare -m --propagation private sh -c \
		'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' "$root" "$@"
}

in_root sh -c 'dpkg -i /tmp/debs/*.deb' >"$logs/install.log" 2>&1
ok $? "dpkg -i installs the ${#debs[@]} packages into the clean root" "$logs/install.log"
st=0
for p in "${PKGS[@]}"; do
	s=$(in_root dpkg-query -W -f '${db:Status-Abbrev}' "$p" 2>/dev/null)
	[[ $s == ii* ]] || { echo "$p: '$s'"; st=1; }
done >"$logs/status.log"
ok $st "every package is installed and configured" "$logs/status.log"

# Where Documentation/packaging.md says the files are.
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
while read -r pkg path; do
	[[ -z $pkg || $pkg == \#* ]] && continue
	path=${path//@V@/$ver}
	path=${path//@MA@/$ma}
	[[ -e $root$path ]]
	ok $? "$pkg: $path"
done <<'EOF'
vale-dkms	/usr/src/vale-@V@/dkms.conf
vale-dkms	/usr/src/vale-@V@/kmod/Kbuild
vale-dkms	/usr/src/vale-@V@/uapi/linux/vale.h
vale-dkms	/lib/udev/rules.d/60-vale.rules
vale-dkms	/usr/share/doc/vale-dkms/examples/modprobe-vale.conf
vale-dkms	/usr/share/doc/vale-dkms/examples/modules-load-vale.conf
vmpi-dkms	/usr/src/vmpi-@V@/dkms.conf
vmpi-dkms	/usr/src/vmpi-@V@/guest-driver/Kbuild
libvale0	/usr/lib/@MA@/libvale.so.0
libvale-dev	/usr/lib/@MA@/libvale.so
libvale-dev	/usr/lib/@MA@/libvale.a
libvale-dev	/usr/lib/@MA@/libvale-vmpi.a
libvale-dev	/usr/lib/@MA@/pkgconfig/vale.pc
libvale-dev	/usr/include/libvale.h
libvale-dev	/usr/include/libvale-vmpi.h
libvale-dev	/usr/include/linux/vale.h
vale-tools	/usr/bin/vale-ctl
vale-tools	/usr/bin/vale-pktgen
vale-tools	/usr/bin/vale-bench-ep
vale-tools	/usr/bin/vale-net
vale-tools	/usr/share/man/man8/vale-ctl.8.gz
vale-tools	/usr/share/bash-completion/completions/vale-ctl
vale-vhost	/usr/bin/vale-vhost
vale-vhost	/usr/share/man/man8/vale-vhost.8.gz
vale-vhost	/lib/systemd/system/vale-vhost@.service
vale-vhost	/etc/vale/vhost
vale-vhost	/usr/share/doc/vale-vhost/examples/vhost-example.conf
vale-vmpi	/usr/bin/vale-vmpi
vale-vmpi	/usr/bin/vmpi-perf
vale-vmpi	/lib/systemd/system/vale-vmpi@.service
vale-vmpi	/etc/vale/vmpi
EOF

grep -q 'AUTOINSTALL="yes"' "$root/usr/src/vale-$ver/dkms.conf" &&
	grep -q 'AUTOINSTALL="yes"' "$root/usr/src/vmpi-$ver/dkms.conf" &&
	grep -q "PACKAGE_VERSION=\"$ver\"" "$root/usr/src/vale-$ver/dkms.conf"
ok $? "dkms.conf: version $ver, rebuilt for new kernels (AUTOINSTALL)"
in_root dkms status >"$logs/dkms-root.log" 2>&1
grep -q "^vale/$ver: added" "$logs/dkms-root.log" && grep -q "^vmpi/$ver: added" "$logs/dkms-root.log"
ok $? "the packages registered vale/$ver and vmpi/$ver with dkms" "$logs/dkms-root.log"
grep -q 'KERNEL=="vale", GROUP="vale", MODE="0660"' "$root/lib/udev/rules.d/60-vale.rules"
ok $? "udev rule: /dev/vale group vale, mode 0660"
in_root getent group vale >/dev/null
ok $? "group vale exists"
[[ $(in_root id -gn vale 2>/dev/null) == vale ]]
ok $? "system user vale (the daemons), in group vale"

# libvale-dev and libvale0 work: a program builds with vale.pc's flags
# against the root's headers and library (compiled on the host: the root
# has no libc headers) and runs inside the root.
cat >"$out/t.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <libvale.h>
int main(void)
{
	const char *v = vale_lib_version();
	printf("%s\n", v);
	return v && strlen(v) ? 0 : 1;
}
EOF
pc=$root/usr/lib/$ma/pkgconfig/vale.pc
pcvar() { sed -n "s/^$1//p" "$pc"; }
libs=$(pcvar 'Libs: ') cflags=$(pcvar 'Cflags: ')
libs=${libs//\$\{libdir\}/$root$(pcvar libdir=)}
cflags=${cflags//\$\{includedir\}/$root$(pcvar includedir=)}
{ echo "vale.pc: $cflags $libs"
  # shellcheck disable=SC2086
  cc -Wall -Werror $cflags -o "$root/tmp/t" "$out/t.c" $libs &&
  in_root sh -c '/tmp/t && ldd /tmp/t | grep "libvale.so.0 => /.*/libvale.so.0 "'; } \
	>"$logs/libvale.log" 2>&1
ok $? "a program built with vale.pc's flags runs with libvale0 in the root" "$logs/libvale.log"

for u in vale-vhost@ vale-vmpi@; do
	in_root systemd-analyze verify --man=no "/lib/systemd/system/${u}x.service" \
		>"$logs/verify-$u.log" 2>&1
	st=$?
	[[ -s $logs/verify-$u.log ]] && st=1
	ok $st "systemd-analyze verify ${u}.service" "$logs/verify-$u.log"
	in_root systemd-analyze security --offline=yes --threshold=20 \
		"/lib/systemd/system/${u}.service" >"$logs/security-$u.log" 2>&1
	ok $? "systemd-analyze security ${u}.service: exposure at most 2.0 ($(grep -o 'level for .*: [0-9.]*' "$logs/security-$u.log" | sed 's/.*: //'))" \
		"$logs/security-$u.log"
	# a crashed or killed daemon comes back (vm-attach.md, vmpi.md)
	in_root grep -x 'Restart=on-failure\|RestartSec=1\|RuntimeDirectoryPreserve=yes' \
		"/lib/systemd/system/${u}.service" >"$logs/restart-$u.log" 2>&1
	[[ $(wc -l <"$logs/restart-$u.log") == 3 ]]
	ok $? "${u}.service restarts the daemon: Restart=on-failure, RestartSec=1, RuntimeDirectoryPreserve=yes" \
		"$logs/restart-$u.log"
done

# Purge: nothing of the packages is left (dpkg's own lists of files).
for p in "${PKGS[@]}"; do
	in_root dpkg -L "$p" 2>/dev/null
done | sort -u >"$out/files.txt"
in_root dpkg --purge "${PKGS[@]}" >"$logs/purge.log" 2>&1
ok $? "dpkg --purge removes the packages" "$logs/purge.log"
left=()
while read -r f; do
	[[ -z $f || -d $root$f ]] && continue
	[[ -e $root$f || -L $root$f ]] && left+=("$f")
done <"$out/files.txt"
printf '%s\n' "${left[@]}" >"$logs/left.log"
ok ${#left[@]} "purged: no file of the packages is left" "$logs/left.log"
for d in /etc/vale /usr/src/vale-$ver /usr/src/vmpi-$ver /var/lib/dkms/vale /var/lib/dkms/vmpi; do
	[[ ! -e $root$d ]]
	ok $? "purged: $d is gone"
done

# --- ynl -------------------------------------------------------------------
if eval "$(scripts/ynl.sh 2>"$logs/ynl.log")"; then
	/usr/bin/python3 selftests/spec/ynl-schema.py --ynl "$YNL_DIR" >"$logs/ynl-schema.log" 2>&1
	st=$?
	while IFS= read -r line; do
		case $line in
		"ok "*|"not ok "*)
			desc=$(sed -E 's/^(not )?ok [0-9]+ (- )?//' <<<"$line")
			[[ $line == ok* ]]
			ok $? "ynl: $desc"
			;;
		"# "*) echo "$line" ;;
		esac
	done <"$logs/ynl-schema.log"
	if [[ $st != 0 ]] && ! grep -q '^not ok' "$logs/ynl-schema.log"; then
		ok 1 "ynl: ynl-schema.py exit status $st" "$logs/ynl-schema.log"
	fi
else
	ok 1 "ynl: the kernel's YNL tools (scripts/ynl.sh)" "$logs/ynl.log"
fi
finish
