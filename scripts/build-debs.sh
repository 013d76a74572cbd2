#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the Debian packages (make deb):
#   scripts/build-debs.sh [OUTDIR]      (default build/deb)
# The files git tracks (as they are in the work tree, so uncommitted edits
# count) are copied into OUTDIR/vale-VERSION, a tree with no build
# output in it, and built there with dpkg-buildpackage -us -uc: the
# source package (native) and every binary package land in OUTDIR.
# Prints the .changes file on stdout; dpkg-buildpackage's output goes to
# stderr.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)
ver=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
src=$out/vale-$ver
rm -rf "$src" "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo \
	"$out"/*.dsc "$out"/*.tar.*
mkdir -p "$src"
# Tracked files only, and only those present (a file deleted in the
# work tree is not shipped).
(cd "$top" && git ls-files -z | while IFS= read -r -d '' f; do
	[[ -e $f || -L $f ]] && printf '%s\0' "$f"
done | rsync -a --from0 --files-from=- ./ "$src/")
# Files not yet added to git but meant for the package (a new file in a
# work tree) would be missed silently: say so.
untracked=$(cd "$top" && git ls-files --others --exclude-standard -- debian packaging dkms.conf)
if [[ -n $untracked ]]; then
	echo "build-debs: not tracked by git, not packaged:" $untracked >&2
fi
(cd "$src" && dpkg-buildpackage -us -uc -j2 >&2)
ls "$out"/vale_"$ver"_*.changes
