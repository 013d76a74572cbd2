#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rename libvale's names that read like the kernel's (kmod/) with other
# meanings, in user-space code and libvale's own documentation:
#
#   struct vale_port       -> struct vale_handle    (kernel: the port object)
#   vale_port_poll()       -> vale_port_wait()      (kernel: the file's poll)
#   vale_port_get_stats()  -> vale_port_read_stats() (kernel: fills the reply)
#   vale_ring_next(r, i)   -> vale_ring_inc(r, i)   (kernel: next(i, n))
#   vale_ring_dist(r, a, b) -> vale_ring_sub(r, a, b) (kernel: dist(from, to, n),
#                             the other way round: a - b here, to - from there)
#
#   scripts/rename-libvale.sh            every file that uses libvale
#   scripts/rename-libvale.sh FILE...    only these
#   scripts/rename-libvale.sh --list     print the default files, change nothing
#
# The default files: lib/libvale.{h,c}, Documentation/libvale.md, and every
# tracked C file that includes libvale.h, directly or through a header of
# its own directory that does (vale-vhost's vhost.h, vale-pktgen's
# pktgen.h).  kmod/, guest-driver/ and the Tier-0 tests of the kernel's
# code never include libvale.h, so their struct vale_port and
# vale_ring_next() are the kernel's and stay.  Words are matched whole
# (vale_port_poll_x is not renamed); running it twice changes nothing more.
set -euo pipefail
cd "$(dirname "$0")/.."

default_files() {
	local hdrs f d h
	{
	# lib/libvale.[ch] and Documentation/libvale.md are not in the list:
	# they were renamed once, in the 0.4 commit, and keep the old names
	# on purpose (the aliases and the table of renames); the script is
	# for callers, and running it twice changes nothing.
	# headers (other than libvale.h) that include it
	hdrs=$(git ls-files '*.h' | xargs grep -lE '#include [<"]([^">]*/)?libvale\.h[>"]' |
	       grep -v '^lib/libvale\.h$' || true)
	for f in $(git ls-files '*.c' '*.h'); do
		case $f in kmod/* | guest-driver/* | lib/libvale.[ch]) continue ;; esac
		if grep -qE '#include [<"]([^">]*/)?libvale\.h[>"]' "$f"; then
			echo "$f"
			continue
		fi
		d=$(dirname "$f")
		for h in $hdrs; do
			[[ $(dirname "$h") == "$d" ]] || continue
			if grep -qE "#include \"$(basename "$h")\"" "$f"; then
				echo "$f"
				break
			fi
		done
	done
	} | sort -u
}

if [[ ${1:-} == --list ]]; then
	default_files
	exit 0
fi
if (($#)); then
	files=("$@")
else
	mapfile -t files < <(default_files)
fi

for f in "${files[@]}"; do
	[[ -f $f ]] || { echo "rename-libvale: no file $f" >&2; exit 1; }
	sed -i -E \
		-e 's/\bstruct vale_port\b([^_]|$)/struct vale_handle\1/g' \
		-e 's/\bvale_port_poll\b/vale_port_wait/g' \
		-e 's/\bvale_port_get_stats\b/vale_port_read_stats/g' \
		-e 's/\bvale_ring_next\b/vale_ring_inc/g' \
		-e 's/\bvale_ring_dist\b/vale_ring_sub/g' \
		"$f"
done
