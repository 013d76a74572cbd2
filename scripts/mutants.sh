#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-mutants: prove that the suite catches regressions.  Each
# mutant is a deliberate defect (selftests/mutants/NAME.patch) applied to
# a scratch copy of the tree; the tier that guards the behaviour is then
# run there and must fail.  Not part of make check.
#
#   scripts/mutants.sh [--list] [--keep] [NAME...]
#
# One line per mutant:
#   mutant NAME: caught by RESULT [, RESULT...]
#   mutant NAME: SURVIVED (every test of its tier passed)
#   mutant NAME: BROKEN (the patch does not apply, or the tree no longer
#                builds: a mutant must compile to mean anything)
# and the exit status is non-zero when any mutant survived or is broken.
#
# A mutant is caught when its run exits non-zero and records at least
# one FAIL other than a build failure.  The tiers of a "check" row run one
# after the other and stop at the first that fails.  Scratch trees and logs are in
# build/mutants/NAME/ (removed after a caught mutant unless --keep).
#
# Environment: KERNEL (default 6.1) is the guest kernel for VM tiers;
# FUZZ_RUNS (default 2000) the libFuzzer iterations of Tier 0.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
KERNEL=${KERNEL:-6.1}
FUZZ_RUNS=${FUZZ_RUNS:-2000}

# name | what it breaks | how its tier is run (in the scratch tree).
# "check TIERS [VM_TESTS...]" runs scripts/check.sh on $KERNEL with those
# tiers (and only those VM tests, when named); anything else is run as a
# command that prints TAP.
MUTANTS=(
	"fwd-drop-1-in-16|the switch loses one frame in 16, uncounted|check tier0 vm fwd_basic concurrent multi_ring"
	"fwd-duplicate|the switch delivers one frame in 16 twice|check tier0 vm fwd_basic concurrent multi_ring"
	"fwd-reorder|the switch swaps the first two frames of each batch|check tier0 vm fwd_basic concurrent multi_ring"
	"fwd-drop-counted-at-sender|a full rx ring's drops are counted at the sender|check tier0 vm concurrent jumbo"
	"netlink-no-admin-perm|switch deletion over netlink ignores CAP_NET_ADMIN|check vm nl_policy admin_perm restricted.sh"
	"vhost-direct-lose-1-in-20|vale-vhost direct mode loses one frame in 20|selftests/vhost/run.sh --no-qemu10 --only testpmd"
	"vhost-port-lose-1-in-20|vale-vhost vale-port mode loses one frame in 20|check vm vale-port.sh vale-port-testpmd.sh"
	"vmpi-drop-under-flow-control|libvale's VMPI send drops a message when the ring is full|selftests/vmpi/run.sh --quick"
	"scan-misses-splat|the VM harness's kernel-log scan misses a splat|selftests/vm/harness-selftest/run.sh --kernel $KERNEL"
)

keep=0 list=0 only=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--keep) keep=1 ;;
	--list) list=1 ;;
	-h|--help) sed -n '4,22s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) echo "mutants.sh: unknown option $1" >&2; exit 2 ;;
	*) only+=("$1") ;;
	esac
	shift
done

if [[ $list == 1 ]]; then
	for m in "${MUTANTS[@]}"; do
		IFS='|' read -r name what _ <<<"$m"
		printf '%-30s %s\n' "$name" "$what"
	done
	exit 0
fi

# A scratch copy of the tree as it is (tracked and untracked, not
# ignored files), with the build outputs so that only what the patch
# touches is rebuilt.
scratch_tree() {	# dir
	local dir=$1
	rm -rf "$dir"
	mkdir -p "$dir/tree"
	git ls-files -co --exclude-standard -z | xargs -0 cp --parents -a -t "$dir/tree"
	if [[ -d build ]]; then
		rsync -a --exclude /results --exclude /vm --exclude /mutants \
			--exclude /pkg --exclude /deb build/ "$dir/tree/build/"
	fi
}

run_tier() {	# how log
	local how=${1//\$KERNEL/$KERNEL} log=$2 tiers=() tests=() w
	if [[ $how == check\ * ]]; then
		for w in ${how#check }; do
			case $w in
			build|style|tier0|harness|vm|tier2) tiers+=("$w") ;;
			*) tests+=("$w") ;;
			esac
		done
		# One tier at a time, in order, up to the first that fails:
		# a mutant caught by Tier 0 needs no VM boot.
		KERNELS=$KERNEL TIERS=build scripts/check.sh >"$log" 2>&1 || return
		for w in "${tiers[@]}"; do
			KERNELS=$KERNEL TIERS=$w VM_TESTS="${tests[*]}" \
				FUZZ_RUNS=$FUZZ_RUNS scripts/check.sh >>"$log" 2>&1 || return
		done
	else
		# shellcheck disable=SC2086
		make -s >/dev/null 2>&1 && $how >"$log" 2>&1
	fi
}

nbad=0 ncaught=0
for m in "${MUTANTS[@]}"; do
	IFS='|' read -r name what how <<<"$m"
	if [[ ${#only[@]} -gt 0 && " ${only[*]} " != *" $name "* ]]; then
		continue
	fi
	dir=$top/build/mutants/$name
	scratch_tree "$dir"
	log=$dir/run.log
	if ! (cd "$dir/tree" && patch -p1 -s --fuzz=0 --no-backup-if-mismatch \
		<"$top/selftests/mutants/$name.patch") >"$dir/patch.log" 2>&1; then
		echo "mutant $name: BROKEN (patch does not apply: see $dir/patch.log)"
		nbad=$((nbad + 1))
		continue
	fi
	start=$(date +%s)
	(cd "$dir/tree" && run_tier "$how" "$log")
	st=$?
	secs=$(($(date +%s) - start))
	# Results: check.sh's summary lines, or the TAP of a runner.
	fails=$(grep -aE '^(FAIL |not ok )' "$log" | grep -avE '^(FAIL build:|not ok [0-9]+ - build)' |
		sed -E 's/^(FAIL |not ok [0-9]+ (- )?)//' | head -n 3 | paste -sd ';' -)
	if grep -aqE '^(FAIL build:|not ok [0-9]+ - build)' "$log"; then
		echo "mutant $name: BROKEN (does not build: see $log)"
		nbad=$((nbad + 1))
	elif [[ $st != 0 && -n $fails ]]; then
		echo "mutant $name: caught by $fails (${secs}s)"
		ncaught=$((ncaught + 1))
		[[ $keep == 1 ]] || rm -rf "$dir/tree"
	else
		echo "mutant $name: SURVIVED ($what; exit $st, ${secs}s: see $log)"
		nbad=$((nbad + 1))
	fi
done
echo "$ncaught caught, $nbad survived or broken"
[[ $nbad == 0 ]]
