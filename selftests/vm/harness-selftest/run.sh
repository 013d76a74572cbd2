#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness's own test: run deliberately broken tests through vm-run and
# check that each one fails the run for the right reason, and that a good
# test passes.  Prints TAP.  Usage: run.sh [--kernel 6.1]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
vmrun=$top/selftests/vm/vm-run
out=$top/build/vm/harness-selftest
mkdir -p "$out"
n=0 fails=0

check() {	# description, command (status), then grep pattern on the log
	local desc=$1 want=$2 pattern=$3 log=$4 status=$5
	n=$((n + 1))
	if [[ $status == "$want" ]] && grep -Eq -- "$pattern" "$log"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc (status $status, want $want; pattern '$pattern')"
		sed 's/^/# /' "$log" | tail -n 15
		fails=$((fails + 1))
	fi
}

run() {	# name, vm-run args...
	local name=$1; shift
	local st=0
	"$vmrun" --out "$out/$name" "$@" >"$out/$name.log" 2>&1 || st=1
	echo $st
}

st=$(run basic "$@" --no-load "$here/noload-pass.sh" "$here/noload-exit.sh" \
	"$here/noload-notok.sh" "$here/noload-hang.sh:3")
log=$out/basic.log
check "a failing run exits non-zero" 1 '^[0-9]+ passed, [1-9][0-9]* failed' "$log" "$st"
check "a passing test passes" 1 '^PASS .*/noload-pass.sh: true is true' "$log" "$st"
check "a non-zero exit fails" 1 '^FAIL .*/noload-exit.sh \(exit: 3\)' "$log" "$st"
check "a 'not ok' line fails" 1 '^FAIL .*/noload-notok.sh: deliberately failing' "$log" "$st"
check "a hanging test's tasks are listed before it is killed" 1 \
	'^# \| # vm-run: noload-hang.sh still running after 3s' "$log" "$st"
check "... with their kernel stacks" 1 '^# \| #     .*nanosleep' "$log" "$st"
check "'ok' lines of a failing test still count" 1 '^PASS .*/noload-notok.sh: fine' "$log" "$st"
check "a hanging test is killed and fails" 1 '^FAIL .*/noload-hang.sh \(exit: timeout\)' "$log" "$st"
check "the run continues after a hang" 1 '^PASS .*/kernel-log' "$log" "$st"

st=$(run warn "$@" --no-load "$here/noload-warn.sh" "$here/noload-pass.sh")
log=$out/warn.log
check "a kernel warning fails the run" 1 '^FAIL .*/kernel-log' "$log" "$st"
check "tests after a panic are reported as not finished" 1 \
	'^FAIL .*/noload-pass.sh \(did not finish' "$log" "$st"

st=$(run badlog "$@" --no-load "$here/noload-badlog.sh")
log=$out/badlog.log
check "a splat in the kernel log fails a passing test" 1 '^FAIL .*/kernel-log' "$log" "$st"

st=$(run hard "$@" --no-load --timeout 12 "$here/noload-hang.sh:600")
log=$out/hard.log
check "the hard VM timeout fires" 1 '^FAIL .*/vm \(hard timeout' "$log" "$st"

st=$(run noboot "$@" --no-load --boot-timeout 1 "$here/noload-pass.sh")
log=$out/noboot.log
check "a boot that never reaches /init is retried once" 1 'boot 2 did not reach /init' "$log" "$st"
check "then its tests fail as not finished" 1 '^FAIL .*/noload-pass.sh \(did not finish' "$log" "$st"

st=$(run good "$@" --no-load "$here/noload-pass.sh")
log=$out/good.log
check "an all-good run exits zero" 0 '^[0-9]+ passed, 0 failed' "$log" "$st"

echo "1..$n"
[[ $fails == 0 ]]
