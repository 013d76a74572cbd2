#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-ab BASE=<git ref>: the old (BASE) and the new (this tree)
# vale.ko and vale-pktgen side by side in one run of one test VM, rounds
# alternated, and the callgrind instruction counts of both trees.
#
#   1. BASE is checked out in a temporary git worktree; there and here
#      vale.ko (scripts/build-modules.sh), vale-pktgen (static, with
#      libvale.a) and the Tier-0 forwarding benchmark are built.
#   2. One TCG guest (selftests/vm/vm-run, stock kernel AB_KERNEL, 2
#      vCPUs) runs bench/ab-guest.sh: per round, load the old module, run
#      every case with the old vale-pktgen, unload; the same with the new
#      ones; AB_ROUNDS rounds.  Receivers on vCPU 0, the sender on vCPU 1;
#      on the host, QEMU's two vCPU threads are pinned to cores 0 and 1.
#   3. scripts/bench-instr.sh of each tree (callgrind, host, deterministic).
#   4. bench/ab.py: per case and metric the medians old/new, the ratio of
#      the medians, the range and IQR of the per-round ratios new/old, and
#      whether that spread exceeds the effect (per-round ratios on both
#      sides of 1).
#
# Output in build/bench/ab/: ab.json, ab.md, raw/ (the guest's lines,
# both INSTR outputs, the VM's logs).  Environment:
#   BASE         git ref of the old side (default bf5a01a: main before the
#                user-space and kmod reshape of issue 12 - the ulayout and
#                kmod-layout branches, notifier, vale_port_ops,
#                nl_switch_req - forked from it)
#   AB_KERNEL    guest kernel (default 6.1)
#   AB_ROUNDS    rounds, each old and new once (default 5)
#   AB_ORDER     abab (default: old first every round) or abba (swapped
#                every second round)
#   AB_SECONDS   seconds per point (default 2)
#   AB_LENS      unicast frame lengths (default "64 1500")
#   AB_BATCHES   unicast batches (default "1 64 512")
#   AB_BCAST     broadcast LEN:BATCH points (default "64:512")
#   AB_BCAST_RX  broadcast receivers (default 3)
#   AB_INSTR     0 skips the callgrind part (default 1)
#   AB_KEEP      1 keeps the old tree's worktree (build/bench/ab-base/REV)
#                and reuses it next time (default 0: removed)
#   AB_PIN       0 leaves QEMU's vCPU threads unpinned (default 1)
#   AB_OUT       output directory (default build/bench/ab)
# Settings of bench-instr.sh (INSTR_*) apply to both trees.
set -euo pipefail
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
	sed -n '3,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"
	exit 0
fi
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

base=${BASE:-bf5a01a}
kernel=${AB_KERNEL:-6.1}
out=${AB_OUT:-$top/build/bench/ab}
rounds=${AB_ROUNDS:-5}

die() { echo "bench-ab: $*" >&2; exit 1; }

base_rev=$(git rev-parse --verify -q "$base^{commit}") || die "no commit $base"
new_rev=$(git rev-parse HEAD)
new_dirty=
git diff --quiet HEAD -- kmod uapi lib tools/vale-pktgen tools/common || new_dirty=" (with uncommitted changes)"

mkdir -p "$out"
out=$(cd "$out" && pwd)
raw=$out/raw
rm -rf "$raw"
mkdir -p "$raw/old" "$raw/new"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vale-ab.XXXXXX")
# The old tree: a detached worktree, removed at the end unless AB_KEEP=1
# (then kept in build/bench/ab-base/REV and reused, builds and all).
if [[ ${AB_KEEP:-0} == 1 ]]; then
	wt=$top/build/bench/ab-base/$base_rev
else
	wt=$tmp/base
fi
pinner=
cleanup() {
	[[ -n $pinner ]] && kill "$pinner" 2>/dev/null
	if [[ ${AB_KEEP:-0} != 1 ]]; then
		git -C "$top" worktree remove --force "$wt" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "bench-ab: old $base_rev ($base), new $new_rev$new_dirty" >&2
if [[ ! -e $wt/.git ]]; then
	mkdir -p "$(dirname "$wt")"
	git worktree add -q --detach "$wt" "$base_rev" >&2
fi

# build DIR STAGE: vale.ko, vale-pktgen and the forwarding benchmark of
# the tree at DIR; the two guest files are copied to STAGE.
build() {
	local dir=$1 stage=$2 kver
	kver=$(cd "$dir" && nice -n 10 scripts/build-modules.sh "$kernel") ||
		die "$dir: the module build failed"
	(cd "$dir" && nice -n 10 make -s build/user/tools/vale-pktgen) >&2 ||
		die "$dir: the vale-pktgen build failed"
	mkdir -p "$stage"
	cp "$dir/build/$kver/vale.ko" "$dir/build/user/tools/vale-pktgen" "$stage/"
	echo "$kver"
}
echo "bench-ab: building the old tree ($wt)" >&2
build "$wt" "$tmp/stage/old" >/dev/null
echo "bench-ab: building the new tree" >&2
kver=$(build "$top" "$tmp/stage/new")

# The guest script, with this run's settings in front.
guest=$tmp/ab-guest.sh
: >"$guest"
for v in AB_SECONDS AB_ROUNDS AB_LENS AB_BATCHES AB_BCAST AB_BCAST_RX AB_ORDER; do
	[[ -n ${!v:-} ]] && printf "%s='%s'\n" "$v" "${!v}" >>"$guest"
done
cat bench/ab-guest.sh >>"$guest"

# Only the two staged modules go into the guest (vm-run's /vale holds the
# new one, so its leftover check knows the name vale).
mkdir -p "$tmp/mods"
cp "$tmp/stage/new/vale.ko" "$tmp/mods/"

# Pin QEMU's vCPU threads ("CPU n/TCG") to host cores n, once they exist:
# tx and rx run on different vCPUs in the guest, and each vCPU thread then
# has a core of its own (shared with whatever else the host runs).
pin_vcpus() {
	local p pid t comm n
	for _ in $(seq 1 300); do
		pid=
		for p in $(pgrep -f -- "-initrd $1/initrd"); do
			[[ $(cat /proc/"$p"/comm 2>/dev/null) == qemu-system* ]] && pid=$p
		done
		if [[ -n $pid ]]; then
			n=0
			for t in /proc/"$pid"/task/*; do
				comm=$(cat "$t/comm" 2>/dev/null) || continue
				if [[ $comm =~ ^CPU\ ([0-9]+)/TCG$ ]]; then
					taskset -p -c "${BASH_REMATCH[1]}" "${t##*/}" >/dev/null &&
						n=$((n + 1))
				fi
			done
			if [[ $n -ge 2 ]]; then
				echo "bench-ab: QEMU vCPU threads pinned to host cores 0 and 1" >&2
				echo "$n" >"$raw/pinned"
				return
			fi
		fi
		sleep 1
	done
	echo "bench-ab: QEMU's vCPU threads not found, not pinned" >&2
}

vmtmp=$tmp/vm
mkdir -p "$vmtmp"
ncores=$(nproc)
if [[ ${AB_PIN:-1} == 1 && $ncores -ge 2 ]]; then
	# vm-run builds its initramfs in a mktemp directory under TMPDIR; the
	# pinner finds the QEMU process by that path.
	( for _ in $(seq 1 120); do
		d=$(find "$vmtmp" -maxdepth 1 -name 'vale-vm.*' | head -n 1)
		[[ -n $d ]] && { pin_vcpus "$d"; exit 0; }
		sleep 1
	  done ) &
	pinner=$!
fi

echo "bench-ab: VM, $rounds rounds" >&2
per_variant=$(( $(wc -w <<<"${AB_LENS:-64 1500}") * $(wc -w <<<"${AB_BATCHES:-1 64 512}") +
	$(wc -w <<<"${AB_BCAST:-64:512}") ))
limit=$(( rounds * 2 * per_variant * (${AB_SECONDS:-2} + 8) + 300 ))
st=0
TMPDIR=$vmtmp selftests/vm/vm-run -v --kernel "$kernel" --no-load \
	--modules "$tmp/mods" --timeout $((limit + 300)) --test-timeout "$limit" \
	--out "$raw/vm" --qemu-arg -name --qemu-arg debug-threads=on \
	--file "$tmp/stage/old/vale.ko:/ab/old/vale.ko" \
	--file "$tmp/stage/old/vale-pktgen:/ab/old/vale-pktgen" \
	--file "$tmp/stage/new/vale.ko:/ab/new/vale.ko" \
	--file "$tmp/stage/new/vale-pktgen:/ab/new/vale-pktgen" \
	"$guest" >"$raw/vm.log" 2>&1 || st=$?
[[ -n $pinner ]] && { wait "$pinner" 2>/dev/null || true; pinner=; }
grep '^AB ' "$raw/vm.log" >"$raw/ab.txt" || true
if [[ ! -s $raw/ab.txt ]]; then
	tail -n 40 "$raw/vm.log" >&2
	die "the VM run gave no figures (see $raw/vm.log)"
fi
# A point without a result or a module that did not load fails the run
# (exit 1 at the end), after the report of what was measured.
if [[ $st != 0 ]]; then
	grep -E '^(# round|not ok|FAIL)' "$raw/vm.log" >&2 || true
	echo "bench-ab: the VM run failed (see $raw/vm.log); reporting what it measured" >&2
fi

if [[ ${AB_INSTR:-1} == 1 ]]; then
	echo "bench-ab: callgrind, old tree" >&2
	# An old tree may not know a case the new one has (INSTR_CASES):
	# what it measured is still compared, the rest shows as "-".
	(cd "$wt" && nice -n 10 scripts/bench-instr.sh) >"$raw/old/instr.txt" ||
		echo "bench-ab: bench-instr.sh failed in the old tree; its counts are partial" >&2
	echo "bench-ab: callgrind, new tree" >&2
	nice -n 10 scripts/bench-instr.sh >"$raw/new/instr.txt" ||
		die "bench-instr.sh failed in the new tree"
fi

pinned=no
[[ -s $raw/pinned ]] && pinned=yes
vcpus=$(sed -n 's/.*# vCPUs: \([0-9]*\).*/\1/p' "$raw/vm.log" | head -n 1)
python3 bench/ab.py --guest "$raw/ab.txt" \
	--instr-old "$raw/old/instr.txt" --instr-new "$raw/new/instr.txt" \
	--meta "base=$base" --meta "base_rev=$base_rev" \
	--meta "new_rev=$new_rev$new_dirty" --meta "kernel=$kver" \
	--meta "rounds=$rounds" --meta "order=${AB_ORDER:-abab}" \
	--meta "seconds=${AB_SECONDS:-2}" --meta "vcpus=${vcpus:-?}" \
	--meta "host_cores=$ncores" --meta "vcpu_threads_pinned=$pinned" \
	--meta "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	--meta "load_at_end=$(cut -d' ' -f1-3 /proc/loadavg)" \
	--json "$out/ab.json" --md "$out/ab.md"
cat "$out/ab.md"
[[ $st == 0 ]] || exit 1
