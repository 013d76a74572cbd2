#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own netlink tooling (YNL), from Debian's linux-source-6.12:
#
#   scripts/ynl.sh          prints YNL_DIR=DIR and YNL_GUEST=FILE (eval it)
#
# DIR holds tools/net/ynl (cli.py and its library) and
# Documentation/netlink/*.yaml (the JSON schemas of netlink specs), taken
# from /usr/src/linux-source-6.12.tar.xz.  FILE is a tar archive for the
# test VM's busybox initramfs: Debian's python3 interpreter with the
# shared libraries it needs, exactly the standard library modules and
# python3-yaml files YNL's cli.py imports (found by running it on the
# host), and YNL under /ynl (cli.py and lib/).  selftests/vm/tests/ynl_cli.sh unpacks it.
#
# Both are cached under $VALE_CACHE/ynl/<linux-source version> (default
# ~/.cache/vale); the first call takes a minute (the source tarball is
# decompressed once), later calls a few milliseconds.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${VALE_CACHE:-$HOME/.cache/vale}
PY=/usr/bin/python3
die() { echo "ynl.sh: $*" >&2; exit 1; }

"$here/deps.sh" package >&2
ver=$(dpkg-query -W -f '${Version}' linux-source-6.12 2>/dev/null) ||
	die "linux-source-6.12 is not installed"
pyver=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
dir=$CACHE/ynl/$ver
# The bundle is keyed by this script too: a change in what it collects
# makes a new one.
guest=$dir/guest-py$pyver-$(sha256sum "$0" | cut -c1-12).tar

if [[ ! -f $dir/.done ]]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -xJf /usr/src/linux-source-6.12.tar.xz -C "$dir" --strip-components=1 \
		--wildcards 'linux-source-6.12/tools/net/ynl/*' \
		'linux-source-6.12/Documentation/netlink/*.yaml' >&2
	[[ -f $dir/tools/net/ynl/cli.py && -f $dir/Documentation/netlink/genetlink.yaml ]] ||
		die "no YNL in linux-source-6.12 $ver"
	touch "$dir/.done"
fi

if [[ ! -f $guest ]]; then
	stage=$(mktemp -d "${TMPDIR:-/tmp}/vale-ynl.XXXXXX")
	trap 'rm -rf "$stage"' EXIT
	mkdir -p "$stage/ynl"
	cp -a "$dir/tools/net/ynl/cli.py" "$dir/tools/net/ynl/lib" "$stage/ynl/"
	# Every module the cli imports, found by importing and exercising
	# what it runs (a spec parsed, JSON and pprint output), with the
	# site module (it provides the exit() cli.py calls).
	PYTHONPATH=$dir/tools/net/ynl \
	"$PY" -c '
import sys, json, pprint, argparse, time
import cli
from lib import YnlFamily, Netlink, NlError
from lib.nlspec import SpecFamily
f = SpecFamily(sys.argv[1], "")
json.dumps({"a": [1, "b"]}); pprint.pformat({"a": 1})
argparse.ArgumentParser().parse_args([])
for m in list(sys.modules.values()):
    p = getattr(m, "__file__", None)
    if p and not p.startswith(sys.argv[2]):
        print(p)
        c = getattr(m, "__cached__", None)
        if c:
            print(c)
' "$here/../Documentation/netlink/vale.yaml" "$dir" | sort -u >"$stage/files"
	# Packages are imported through their __init__: take whole package
	# directories of the packages involved (yaml, encodings, json, ...).
	while read -r f; do
		[[ -e $f ]] || continue
		d=$(dirname "$f")
		[[ ${d##*/} == __pycache__ ]] && d=$(dirname "$d")
		if [[ -e $d/__init__.py && $d != /usr/lib/python$pyver ]]; then
			echo "$d"
		else
			echo "$f"
		fi
	done <"$stage/files" | sort -u >"$stage/paths"
	# The interpreter and the shared libraries it and the extension
	# modules need.
	py=$(readlink -f "$PY")
	{
		echo "$py"
		for f in "$py" $(grep '\.so$' "$stage/files" || true); do
			ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true
		done
	} | sort -u >"$stage/bins"
	mkdir -p "$stage/root/usr/bin"
	while read -r p; do
		mkdir -p "$stage/root$(dirname "$p")"
		cp -a "$p" "$stage/root$(dirname "$p")/"
	done <"$stage/paths"
	while read -r p; do
		mkdir -p "$stage/root$(dirname "$p")"
		cp -L "$p" "$stage/root$p"
	done <"$stage/bins"
	# The landmark python uses to find its standard library.
	cp -a "/usr/lib/python$pyver/os.py" "$stage/root/usr/lib/python$pyver/"
	ln -sf "$(basename "$py")" "$stage/root/usr/bin/python3"
	mv "$stage/ynl" "$stage/root/ynl"
	tar -cf "$guest.tmp" -C "$stage/root" .
	mv "$guest.tmp" "$guest"
fi

echo "YNL_DIR=$dir"
echo "YNL_GUEST=$guest"
