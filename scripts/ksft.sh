#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract kselftest_harness.h, kselftest.h and checkpatch.pl from Debian's
# linux-source-6.1 tarball into a cache directory and print its path.
# Nothing extracted here is ever committed to the project.
set -euo pipefail
CACHE=${VALE_CACHE:-$HOME/.cache/vale}
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1 || true)
if [[ -z $tarball ]]; then
	"$(dirname "$0")/deps.sh" >&2
	tarball=$(ls /usr/src/linux-source-6.1.tar.* | head -n1)
fi
ver=$(dpkg-query -W -f '${Version}' linux-source-6.1)
dir=$CACHE/ksft/$ver
if [[ ! -f $dir/.done ]]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -xf "$tarball" -C "$dir" --strip-components=1 --wildcards \
		'linux-source-6.1/tools/testing/selftests/kselftest_harness.h' \
		'linux-source-6.1/tools/testing/selftests/kselftest.h' \
		'linux-source-6.1/scripts/checkpatch.pl' \
		'linux-source-6.1/scripts/spelling.txt' \
		'linux-source-6.1/scripts/const_structs.checkpatch'
	mkdir -p "$dir/include"
	ln -sf ../tools/testing/selftests/kselftest_harness.h "$dir/include/"
	ln -sf ../tools/testing/selftests/kselftest.h "$dir/include/"
	touch "$dir/.done"
fi
echo "$dir"
