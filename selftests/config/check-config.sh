#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check that a kernel .config really has every option a config fragment
# asks for.  Kconfig silently drops a requested option whose dependencies
# are not met (merge_config.sh -m only warns, olddefconfig says nothing),
# so a fragment alone proves nothing.
#
#   check-config.sh FRAGMENT .config
#
# "CONFIG_X=v" lines must appear verbatim in .config; "# CONFIG_X is not
# set" lines must not have CONFIG_X set to anything.  Prints one line per
# mismatch on stderr and exits 1 when there is any; otherwise prints
# "check-config: N options verified" and exits 0.
set -euo pipefail

[[ $# == 2 ]] || { echo "usage: $0 FRAGMENT .config" >&2; exit 2; }
frag=$1 config=$2
[[ -r $frag && -r $config ]] || { echo "check-config: cannot read $frag or $config" >&2; exit 2; }

n=0 bad=0
while IFS= read -r line; do
	if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
		sym=${BASH_REMATCH[1]}
		if ! grep -qxF -- "$line" "$config"; then
			have=$(grep -E "^$sym=|^# $sym is not set" "$config" || echo "absent")
			echo "check-config: MISSING $line (have: $have)" >&2
			bad=$((bad + 1))
		fi
		n=$((n + 1))
	elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
		sym=${BASH_REMATCH[1]}
		if grep -qE "^$sym=" "$config"; then
			echo "check-config: UNWANTED $(grep -E "^$sym=" "$config") (fragment: $line)" >&2
			bad=$((bad + 1))
		fi
		n=$((n + 1))
	fi
done <"$frag"

if [[ $bad != 0 ]]; then
	echo "check-config: FAILED: $bad of $n options in $frag are not as asked in $config" >&2
	exit 1
fi
echo "check-config: $n options verified"
