#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fuzzers of vale.ko in the test VM (Documentation/fuzzing.md): vale-kfuzz,
# the sequence fuzzer (selftests/fuzz/), and Debian's trinity on /dev/vale
# and netlink sockets (selftests/fuzz/trinity-guest.sh), in one boot of
# the debug kernel (KASAN, lockdep, kmemleak): the harness's kernel-log
# scan and kmemleak report are the oracle, with vale-kfuzz's own
# invariants and the module unload after each test.
#
#   scripts/fuzz.sh [--check] [--duration SECS] [--seed S] [--programs N]
#                   [--trinity-secs S] [--kernel K] [--only kfuzz|trinity]
#                   [--summary FILE]
#
#   --check          the fixed run of make check: seed 1, 10 programs
#                    (about 40 s), then trinity with seed 1 for 50 s
#                    (TRINITY_CHECK_SECS=S changes that, 0: none), in one
#                    boot
#   --duration SECS  vale-kfuzz runs batches for SECS seconds (make fuzz:
#                    DURATION, default 600); the seed is the time of day
#                    unless --seed is given, and is printed first
#   --programs N     a fixed number of programs instead (replay: --seed S
#                    --programs 1 runs program S alone)
#   --seed S         also trinity's seed (-s): its start-up, which fds and
#                    sockets it makes, is the same for the same seed
#   --trinity-secs S trinity's time on /dev/vale and netlink sockets,
#                    counted from its first child (default 60; 0: no
#                    trinity)
#   --kernel K       guest kernel (default debug)
#   --summary FILE   vm-run appends its PASS/FAIL/SKIP lines to FILE
#
# The exit status is vm-run's: non-zero when any result failed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

kernel=debug seed= programs= duration=${DURATION:-600} tsecs=60 only= summary=
while (($#)); do
	case $1 in
	--check) seed=1 programs=10 tsecs=${TRINITY_CHECK_SECS:-50}; shift ;;
	--duration) duration=$2; programs=; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--programs) programs=$2; shift 2 ;;
	--trinity-secs) tsecs=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--summary) summary=$2; shift 2 ;;
	-h|--help) sed -n '3,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
	*) echo "fuzz.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[[ -n $seed ]] || seed=$(date +%s)

scripts/build-modules.sh "$kernel" >/dev/null
make -s -j2 build/user/fuzz/vale-kfuzz

out=build/fuzz
mkdir -p "$out"
args=(--kernel "$kernel" --out "build/vm/fuzz-$kernel")
[[ -n $summary ]] && args+=(--summary "$summary")
tests=() total=0

if [[ -z $only || $only == kfuzz ]]; then
	if [[ -n $programs ]]; then
		run="--seed $seed --programs $programs --batch 5"
		limit=$((programs * 30 + 120))
	else
		run="--seed $seed --duration $duration"
		limit=$((duration + 300))
	fi
	echo "# vale-kfuzz $run"
	printf '#!/bin/sh\nexec /bin/vale-kfuzz %s\n' "$run" >"$out/kfuzz.sh"
	args+=(--file build/user/fuzz/vale-kfuzz:/bin/vale-kfuzz)
	tests+=("$out/kfuzz.sh:$limit")
	total=$((total + limit))
fi
if [[ (-z $only || $only == trinity) && $tsecs != 0 ]]; then
	if [[ -x /usr/bin/trinity ]]; then
		args+=(--bin /usr/bin/trinity)
	fi
	echo "# trinity --seed $seed, ${tsecs}s"
	printf '#!/bin/sh\nTRINITY_SECS=%s TRINITY_SEED=%s\n. /bin/vale-trinity.sh\n' \
		"$tsecs" "$seed" >"$out/trinity.sh"
	args+=(--file selftests/fuzz/trinity-guest.sh:/bin/vale-trinity.sh)
	# start-up (up to 120 s), the run, its exit (up to 20 s)
	limit=$((tsecs + 240))
	tests+=("$out/trinity.sh:$limit")
	total=$((total + limit))
fi
exec selftests/vm/vm-run "${args[@]}" --timeout $((total + 600)) "${tests[@]}"
