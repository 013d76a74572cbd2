#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the kernel's checkpatch.pl (from Debian's linux-source-6.1, extracted
# at build time) over every kernel-side source file.  Prints TAP, one line
# per file.  Options: --strict is always on.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
cp=$("$top/scripts/ksft.sh")/scripts/checkpatch.pl
files=$(git ls-files 'kmod/*.[ch]' 'guest-driver/*.[ch]' 'uapi/linux/*.h' \
	'selftests/modules/*.c' 2>/dev/null)
[[ -n $files ]] || files=$(ls kmod/*.[ch] guest-driver/*.[ch] uapi/linux/*.h)
n=0 bad=0
for f in $files; do
	n=$((n + 1))
	if outp=$(perl "$cp" --no-tree --strict --terse --show-types \
		--ignore FILE_PATH_CHANGES -f "$f" 2>&1); then
		echo "ok $n - checkpatch $f"
	else
		echo "not ok $n - checkpatch $f"
		printf '%s\n' "$outp" | sed 's/^/# /'
		bad=1
	fi
done
echo "1..$n"
exit $bad
