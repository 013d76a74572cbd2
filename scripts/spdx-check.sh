#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every source file carries an SPDX license identifier on its first line
# (second line after a #! line), and the identifier fits its directory:
# uapi headers GPL-2.0 WITH Linux-syscall-note, libvale LGPL-2.1 OR
# BSD-2-Clause, the VMPI ring and control codec (guest-driver/vmpi_ring.[ch]
# and vmpi_ctl.[ch], also built into the host's user space) GPL-2.0 OR
# BSD-2-Clause, everything else GPL-2.0.  Prints
# TAP, one line per file.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
n=0 bad=0
while IFS= read -r f; do
	case $f in
	*.c|*.h|*.sh|*.mk|*.py|*.S|Makefile|Kbuild|*/Kbuild|.ci/run|scripts/*|selftests/vm/vm-run) ;;
	*) continue ;;
	esac
	n=$((n + 1))
	line=$(head -n 2 "$f" | grep -m1 -o 'SPDX-License-Identifier: .*' |
		sed -e 's/ *\*\/$//' -e 's/^SPDX-License-Identifier: //')
	case $f in
	uapi/*) want='GPL-2.0 WITH Linux-syscall-note' ;;
	# the one VMPI ring and control codec, compiled into vmpi.ko and
	# into the host's user space
	guest-driver/vmpi_ring.[ch] | guest-driver/vmpi_ctl.[ch])
		want='GPL-2.0 OR BSD-2-Clause' ;;
	lib/*.c|lib/*.h) want='LGPL-2.1 OR BSD-2-Clause' ;;
	*) want='GPL-2.0' ;;
	esac
	if [[ $line == "$want" ]]; then
		echo "ok $n - spdx $f"
	else
		echo "not ok $n - spdx $f (has '${line:-nothing}', want '$want')"
		bad=1
	fi
done < <(git ls-files)
echo "1..$n"
exit $bad
