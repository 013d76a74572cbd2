#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness's own test: run deliberately broken tests through vm-run and
# check that each one fails the run for the right reason, and that a good
# test passes.  Prints TAP (the plan at the end).
#
# Usage: run.sh [--kernel 6.1|6.12|debug] [--only CASE,...] [vm-run options]
# Cases (one VM run each): basic warn badlog hard noboot scanerr good
# kmemleak; and tap (no VM: make check's rules for the TAP of other
# programs).  kmemleak needs the debug kernel and skips on any other.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
vmrun=$top/selftests/vm/vm-run
kernel=6.1 only= args=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--kernel) kernel=$2; args+=("$1" "$2"); shift 2 ;;
	--only) only=,$2,; shift 2 ;;
	*) args+=("$1"); shift ;;
	esac
done
out=$top/build/vm/harness-selftest/$kernel
mkdir -p "$out"
n=0 fails=0

wanted() { [[ -z $only || $only == *",$1,"* ]]; }

report() {	# good description log
	n=$((n + 1))
	if [[ $1 == 1 ]]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		sed 's/^/# /' "$3" | tail -n 15
		fails=$((fails + 1))
	fi
}

# check DESCRIPTION WANT-STATUS PATTERN LOG STATUS: the run's status is
# WANT-STATUS and PATTERN is in its log.
check() {
	local desc=$1 want=$2 pattern=$3 log=$4 status=$5 good=0
	[[ $status == "$want" ]] && grep -Eq -- "$pattern" "$log" && good=1
	[[ $good == 1 ]] || desc+=" (status $status, want $want; pattern '$pattern')"
	report $good "$desc" "$log"
}

# check_not DESCRIPTION PATTERN LOG: PATTERN is not in the log.
check_not() {
	local good=1
	grep -Eq -- "$2" "$3" && good=0
	[[ $good == 1 ]] || set -- "$1 (unwanted '$2' is there)" "$2" "$3"
	report $good "$1" "$3"
}

run() {	# name, vm-run args...
	local name=$1; shift
	local st=0
	"$vmrun" --out "$out/$name" "${args[@]}" "$@" >"$out/$name.log" 2>&1 || st=1
	echo $st
}

t=$here
if wanted basic; then
	st=$(run basic --no-load "$t/noload-pass.sh" "$t/noload-exit.sh" \
		"$t/noload-notok.sh" "$t/noload-hang.sh:3" "$t/noload-forge.sh" \
		"$t/noload-forge-tty.sh" "$t/noload-noplan.sh" "$t/noload-silent.sh" \
		"$t/noload-short.sh" "$t/noload-late-plan.sh" "$t/noload-skipall.sh" \
		"$t/noload-pin.sh")
	log=$out/basic.log
	check "a failing run exits non-zero" 1 '^[0-9]+ passed, [1-9][0-9]* failed' "$log" "$st"
	check "a passing test passes" 1 '^PASS .*/noload-pass.sh: true is true' "$log" "$st"
	check_not "... and its plan holds" '^FAIL .*/noload-pass.sh' "$log"
	check "a non-zero exit fails" 1 '^FAIL .*/noload-exit.sh \(exit: 3\)' "$log" "$st"
	check "a 'not ok' line fails" 1 '^FAIL .*/noload-notok.sh: deliberately failing' "$log" "$st"
	check "a hanging test's tasks are listed before it is killed" 1 \
		'^# \| # vm-run: noload-hang.sh still running after 3s' "$log" "$st"
	check "... with their kernel stacks" 1 '^# \| #     .*nanosleep' "$log" "$st"
	check "'ok' lines of a failing test still count" 1 '^PASS .*/noload-notok.sh: fine' "$log" "$st"
	check "a hanging test is killed and fails" 1 '^FAIL .*/noload-hang.sh \(exit: timeout\)' "$log" "$st"
	check "the run continues after a hang" 1 '^PASS .*/kernel-log' "$log" "$st"
	check "a forged end marker in a test's output does not hide its 'not ok'" 1 \
		'^FAIL .*/noload-forge.sh: after the forged markers' "$log" "$st"
	check "... its lines count for the test that printed them" 1 \
		'^PASS .*/noload-forge.sh: a result of a test that does not exist' "$log" "$st"
	check_not "... and they report no test of their own" '^(PASS|FAIL) [^ ]*/noload-ghost.sh' "$log"
	check "a marker a test writes to the side channel itself is not a marker" 1 \
		'^FAIL .*/noload-forge-tty.sh: after a marker forged on /dev/ttyS1' "$log" "$st"
	check "results without a plan fail" 1 '^FAIL .*/noload-noplan.sh: no plan \(1 results' "$log" "$st"
	check "a test with no TAP at all fails" 1 '^FAIL .*/noload-silent.sh: no plan \(no TAP output\)' "$log" "$st"
	check "fewer results than planned fail" 1 '^FAIL .*/noload-short.sh: planned 3, got 2' "$log" "$st"
	check "... and lib.sh's done_testing fails the test" 1 '^FAIL .*/noload-short.sh \(exit: 1\)' "$log" "$st"
	check "more results than a plan at the end fail" 1 \
		'^FAIL .*/noload-late-plan.sh: planned 2, got 3' "$log" "$st"
	check "a plan of 1..0 with a reason is one skip" 1 \
		'^SKIP .*/noload-skipall.sh \(nothing to run: harness self-test: nothing to do here\)' "$log" "$st"
	check "a module a test leaves loaded fails the test" 1 \
		'^FAIL .*/noload-pin.sh \(exit: unload-failed:vale_selftest_warn\)' "$log" "$st"
fi

if wanted warn; then
	st=$(run warn --no-load "$t/noload-warn.sh" "$t/noload-pass.sh")
	log=$out/warn.log
	check "a kernel warning fails the run" 1 '^FAIL .*/kernel-log' "$log" "$st"
	check "... and the test that caused it" 1 '^FAIL .*/noload-warn.sh: kernel-log \(' "$log" "$st"
	check "tests after a panic are reported as not finished" 1 \
		'^FAIL .*/noload-pass.sh \(did not finish' "$log" "$st"
fi

if wanted badlog; then
	st=$(run badlog --no-load "$t/noload-badlog.sh" "$t/noload-pass.sh" \
		"$t/noload-hung.sh" "$t/noload-segv.sh" "$t/noload-traps.sh" \
		"$t/noload-benign.sh" "$t/noload-benign-splat.sh")
	log=$out/badlog.log
	check "a splat in the kernel log fails a passing test" 1 '^FAIL .*/kernel-log' "$log" "$st"
	check "... it fails the test during which it was logged" 1 \
		'^FAIL .*/noload-badlog.sh: kernel-log \(BUG: vale harness self-test fake splat\)' "$log" "$st"
	check_not "... and no other test" '^FAIL .*/noload-pass.sh' "$log"
	check "a hung task fails" 1 '^FAIL .*/noload-hung.sh: kernel-log \(INFO: task' "$log" "$st"
	check "a user-space segfault fails" 1 '^FAIL .*/noload-segv.sh: kernel-log \(vale-vhost\[4242\]: segfault at' "$log" "$st"
	check "a user-space trap fails" 1 '^FAIL .*/noload-traps.sh: kernel-log \(traps: vale-vmpi' "$log" "$st"
	check_not "benign lines and expected allocation failures pass" '^FAIL .*/noload-benign.sh' "$log"
	check "a splat next to benign lines still fails" 1 \
		'^FAIL .*/noload-benign-splat.sh: kernel-log \(BUG: KASAN' "$log" "$st"
fi

if wanted hard; then
	# (On a loaded machine the limit may strike during the boot: that
	# is a hard timeout too, never retried.)
	st=$(run hard --no-load --timeout 12 "$t/noload-hang.sh:600")
	log=$out/hard.log
	check "the hard VM timeout fires" 1 '^FAIL .*/vm \(hard timeout' "$log" "$st"
fi

if wanted noboot; then
	st=$(run noboot --no-load --boot-timeout 1 "$t/noload-pass.sh")
	log=$out/noboot.log
	check "a boot that never reaches /init is retried once" 1 'boot 2 did not reach /init' "$log" "$st"
	check "then its tests fail as not finished" 1 '^FAIL .*/noload-pass.sh \(did not finish' "$log" "$st"
fi

if wanted scanerr; then
	# The kernel-log scan's filter (the only awk program that knows
	# "vale-failnth") fails: the run must fail, not pass on an empty scan.
	fake=$out/fake-bin
	mkdir -p "$fake"
	cat >"$fake/awk" <<'FAKE'
#!/bin/bash
[[ "$*" == *vale-failnth* ]] && { echo "awk: deliberately broken" >&2; exit 2; }
exec /usr/bin/awk "$@"
FAKE
	chmod +x "$fake/awk"
	st=$(PATH=$fake:$PATH run scanerr --no-load "$t/noload-pass.sh")
	log=$out/scanerr.log
	check "a kernel-log scan that errors fails the run" 1 \
		'^FAIL .*/kernel-log \(the scan of .* failed\)' "$log" "$st"
fi

if wanted good; then
	st=$(run good --no-load "$t/noload-pass.sh" "$t/noload-benign.sh")
	log=$out/good.log
	check "an all-good run exits zero" 0 '^[0-9]+ passed, 0 failed' "$log" "$st"
	check "... benign kernel-log lines included" 0 '^PASS .*/noload-benign.sh: wrote benign lines' "$log" "$st"
fi

if wanted tap; then
	# No VM: the plan rules of make check's tap_results() (Tier-2
	# runners, style and spec scripts, tier-0 programs, this script).
	d=$out/tap
	mkdir -p "$d"
	tapcase() {	# name status, TAP on stdin: what check.sh makes of it
		cat >"$d/$1.tap"
		"$top/scripts/check.sh" --tap-results "$1" "$d/$1.tap" "$2" >"$d/$1.out" 2>&1
		cat "$d/$1.out" >>"$d/all.out"
	}
	: >"$d/all.out"
	printf '1..2\nok 1 - a\nok 2 - b\n' | tapcase good 0
	printf 'ok 1 - a\nok 2 - b\n1..2\n' | tapcase late 0
	printf '1..3\nok 1 - a\nok 2 - b\n' | tapcase short 0
	printf 'ok 1 - a\nok 2 - b\nok 3 - c\n1..2\n' | tapcase long 0
	printf 'ok 1 - a\n' | tapcase noplan 0
	printf '# building...\n' | tapcase empty 0
	: | tapcase died 1
	printf '1..0 # SKIP no QEMU 10\n' | tapcase skipall 0
	log=$d/all.out
	check "tap_results: a plan that holds passes" 0 '^PASS good: b' "$log" 0
	check_not "... with no failure" '^FAIL (good|late)' "$log"
	check "... a plan at the end too" 0 '^PASS late: b' "$log" 0
	check "tap_results: fewer results than planned fail" 0 '^FAIL short: planned 3, got 2' "$log" 0
	check "tap_results: more results than planned fail" 0 '^FAIL long: planned 2, got 3' "$log" 0
	check "tap_results: results without a plan fail" 0 '^FAIL noplan: no plan \(1 results' "$log" 0
	check "tap_results: a runner with no result fails" 0 '^FAIL empty: no results' "$log" 0
	check_not "... and never passes" '^PASS (empty|died)' "$log"
	check "tap_results: a runner that dies before printing anything fails" 0 \
		'^FAIL died \(exit status 1, no results' "$log" 0
	check "tap_results: 1..0 # SKIP is one skip" 0 '^SKIP skipall \(nothing to run: no QEMU 10\)' "$log" 0
fi

if wanted kmemleak; then
	if [[ $kernel == debug ]]; then
		st=$(run kmemleak --no-load "$t/noload-leak.sh")
		log=$out/kmemleak.log
		check "a leaked allocation fails the run (kmemleak)" 1 \
			'^FAIL .*/kmemleak \([1-9][0-9]* unreferenced objects' "$log" "$st"
		check "... its test itself passed" 1 '^PASS .*/noload-leak.sh: unload it' "$log" "$st"
	else
		n=$((n + 1))
		echo "ok $n - a leaked allocation fails the run (kmemleak) # SKIP needs the debug kernel (--kernel debug): kernel $kernel has no kmemleak"
	fi
fi

echo "1..$n"
[[ $fails == 0 ]]
