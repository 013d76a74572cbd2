#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test tier, one verdict.
#
#   build      modules for every kernel in $KERNELS, user space, tests
#   style      checkpatch on every kernel-side file, SPDX identifiers, the
#              netlink YAML spec against uapi and kmod/netlink.c
#   tier0      host unit tests of kernel logic under ASan/UBSan, fuzzers
#   harness    the VM harness's self-test (it must catch failures)
#   vm         the VM suite on each kernel in $KERNELS
#   tier2      host daemons with real QEMU guests and peers: every
#              selftests/*/run.sh runner outside selftests/vm (vale-vhost,
#              vale-vmpi), each printing TAP
#
# Environment:
#   KERNELS="6.1 6.12 debug"   kernels for the build and VM tiers (debug:
#                        our KASAN/lockdep/kmemleak kernel, testing-debug.md)
#   TIERS="build style tier0 harness vm"   tiers to run
#   VM_TESTS="name ..."  run only these VM tests (file names)
#
# Every result is a line "PASS|FAIL|SKIP name" in build/results/summary;
# the last line printed is "N passed, N failed, N skipped" and the exit
# status is non-zero when anything failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

KERNELS=${KERNELS:-6.1 6.12 debug}
TIERS=${TIERS:-build style tier0 harness vm tier2}
res=$top/build/results
mkdir -p "$res"
summary=$res/summary
failed_logs=()
: >"$summary"
logs=$res/logs
rm -rf "$logs"
mkdir -p "$logs"

record() {	# PASS|FAIL|SKIP name
	printf '%s %s\n' "$1" "$2" | tee -a "$summary"
}

# Turn the TAP a program printed into results ("prefix: description").
tap_results() {	# prefix file status
	local prefix=$1 file=$2 st=$3 line desc nres=0 nfail=0
	while IFS= read -r line; do
		case $line in
		"ok "*|"not ok "*)
			desc=$(sed -E 's/^(not )?ok [0-9]+ (- )?//' <<<"$line")
			nres=$((nres + 1))
			if [[ $line == not\ ok* ]]; then
				nfail=$((nfail + 1))
				record FAIL "$prefix: $desc"
			elif [[ $line =~ \#\ *(SKIP|skip) ]]; then
				record SKIP "$prefix: $desc"
			else
				record PASS "$prefix: $desc"
			fi
			;;
		esac
	done <"$file"
	[[ $st != 0 || $nfail != 0 ]] && failed_logs+=("$file")
	if [[ $st != 0 && $nfail == 0 ]]; then
		record FAIL "$prefix (exit status $st; see $file)"
	elif [[ $nres == 0 ]]; then
		record PASS "$prefix"
	fi
}

has_tier() { [[ " $TIERS " == *" $1 "* ]]; }

section() { printf '\n=== %s\n' "$*"; }

# --- build ---------------------------------------------------------------
if has_tier build; then
	section "build"
	ok=1
	for k in $KERNELS; do
		if scripts/build-modules.sh "$k" >"$logs/build-$k.log" 2>&1; then
			record PASS "build: modules for $k ($(tail -n1 "$logs/build-$k.log"))"
		else
			record FAIL "build: modules for $k (see $logs/build-$k.log)"
			tail -n 30 "$logs/build-$k.log"
			ok=0
		fi
	done
	if make -s user >"$logs/build-user.log" 2>&1; then
		record PASS "build: user space (-Wall -Wextra -Werror)"
	else
		record FAIL "build: user space (see $logs/build-user.log)"
		tail -n 30 "$logs/build-user.log"
		ok=0
	fi
	if [[ $ok == 0 ]]; then
		TIERS=${TIERS//vm/}
	fi
fi

# --- style ---------------------------------------------------------------
if has_tier style; then
	section "style"
	st=0
	scripts/checkpatch.sh >"$logs/checkpatch.log" 2>&1 || st=$?
	tap_results "style" "$logs/checkpatch.log" "$st"
	st=0
	scripts/spdx-check.sh >"$logs/spdx.log" 2>&1 || st=$?
	tap_results "style" "$logs/spdx.log" "$st"
	st=0
	python3 selftests/spec/check-spec.py >"$logs/spec.log" 2>&1 || st=$?
	tap_results "spec" "$logs/spec.log" "$st"
fi

# --- tier 0 --------------------------------------------------------------
if has_tier tier0; then
	section "tier 0 (host, ASan/UBSan)"
	for t in build/user/tier0/*; do
		[[ -x $t && -f $t ]] || continue
		name=$(basename "$t")
		case $name in
		fuzz_*)
			# A fixed number of runs from an empty corpus: the
			# fuzzer must find no crash, leak or UB report.
			st=0
			mkdir -p "$res/corpus/$name"
			"$t" -runs="${FUZZ_RUNS:-200000}" -seed=1 \
				"$res/corpus/$name" >"$logs/tier0-$name.log" 2>&1 || st=$?
			if [[ $st == 0 ]]; then
				record PASS "tier0: $name (${FUZZ_RUNS:-200000} runs)"
			else
				record FAIL "tier0: $name (see $logs/tier0-$name.log)"
				tail -n 30 "$logs/tier0-$name.log"
			fi
			;;
		*)
			st=0
			timeout 300 "$t" >"$logs/tier0-$name.log" 2>&1 || st=$?
			tap_results "tier0: $name" "$logs/tier0-$name.log" "$st"
			;;
		esac
	done
fi

# --- harness self-test ---------------------------------------------------
if has_tier harness; then
	section "VM harness self-test"
	st=0
	selftests/vm/harness-selftest/run.sh >"$logs/harness.log" 2>&1 || st=$?
	tap_results "harness" "$logs/harness.log" "$st"
fi

# --- VM suite ------------------------------------------------------------
vm_tests() {
	local t name
	for t in selftests/vm/tests/*.c selftests/vm/tests/*.sh; do
		[[ -e $t ]] || continue
		name=$(basename "$t")
		if [[ -n ${VM_TESTS:-} && " $VM_TESTS " != *" ${name%.c} "* &&
		      " $VM_TESTS " != *" $name "* ]]; then
			continue
		fi
		case $t in
		*.c) echo "build/user/vm-tests/${name%.c}" ;;
		*) echo "$t" ;;
		esac
	done
}

if has_tier vm; then
	mapfile -t tests < <(vm_tests)
	# Static tools the tests run inside the guest.
	files=()
	for f in tools/vale-pktgen:vale-pktgen tools/vale-bench-static:vale-bench \
		 tools/vale-ctl:vale-ctl qemu-backend/vale-vhost:vale-vhost \
		 vhost/hostile:hostile; do
		src=build/user/${f%%:*}
		[[ -x $src ]] && files+=(--file "$src:/bin/${f#*:}")
	done
	# vale-vhost's vale-port mode needs vale.ko: it runs in the VM suite.
	[[ -z ${VM_TESTS:-} || " $VM_TESTS " == *" vale-port.sh "* ]] &&
		tests+=(selftests/vhost/vale-port.sh)
	# The same with DPDK testpmd (net_virtio_user) as the front-end:
	# testpmd and its libraries, plus the two plugins it loads with -d
	# (the test skips without them).
	if [[ -z ${VM_TESTS:-} || " $VM_TESTS " == *" vale-port-testpmd.sh "* ]]; then
		tests+=(selftests/vhost/vale-port-testpmd.sh)
		if [[ -x /usr/bin/dpdk-testpmd ]]; then
			files+=(--bin /usr/bin/dpdk-testpmd)
			for p in /usr/lib/x86_64-linux-gnu/dpdk/pmds-*/librte_{net_virtio,mempool_ring}.so.*.*; do
				[[ -f $p ]] && files+=(--file "$p:$p")
			done
		fi
	fi
	for k in $KERNELS; do
		section "VM suite on $k"
		st=0
		# KASAN, lockdep and kmemleak make the debug kernel several
		# times slower: its tests get longer limits.
		limit=300
		[[ $k == debug ]] && limit=1200
		selftests/vm/vm-run --kernel "$k" --timeout 3600 \
			--test-timeout "$limit" --summary "$summary" "${files[@]}" \
			"${tests[@]}" >"$logs/vm-$k.log" 2>&1 || st=$?
		sed -E 's/^([0-9]+ passed, )/# vm-run: \1/' "$logs/vm-$k.log"
		[[ $st != 0 ]] && failed_logs+=("$logs/vm-$k.log")
		if [[ $st != 0 ]] && ! grep -q '^FAIL' "$logs/vm-$k.log"; then
			record FAIL "vm: $k (vm-run exit $st)"
		fi
	done
fi

# --- Tier 2: host daemons, real QEMU guests ------------------------------
if has_tier tier2; then
	for r in selftests/*/run.sh; do
		[[ -x $r && $r != selftests/vm/* ]] || continue
		name=$(basename "$(dirname "$r")")
		section "Tier 2: $name"
		st=0
		timeout 1800 "$r" >"$logs/tier2-$name.log" 2>&1 || st=$?
		tap_results "tier2: $name" "$logs/tier2-$name.log" "$st"
	done
	# The VMPI guest side also runs on the debug kernel: its probe is
	# swept with fault injection there (testing-debug.md).
	if [[ " $KERNELS " == *" debug "* && -x selftests/vmpi/run.sh ]]; then
		section "Tier 2: vmpi on the debug kernel"
		st=0
		timeout 2400 selftests/vmpi/run.sh --kernel debug \
			>"$logs/tier2-vmpi-debug.log" 2>&1 || st=$?
		tap_results "tier2: vmpi (debug)" "$logs/tier2-vmpi-debug.log" "$st"
	fi
fi

# --- verdict -------------------------------------------------------------
npass=$(grep -c '^PASS' "$summary")
nfail=$(grep -c '^FAIL' "$summary")
nskip=$(grep -c '^SKIP' "$summary")
if [[ $nfail != 0 ]]; then
	section "failures"
	grep '^FAIL' "$summary"
	# What the failing programs printed besides their passes, so that
	# the end of this output alone explains a failure.
	for f in "${failed_logs[@]}"; do
		section "from $f"
		grep -avE '^(ok |PASS )' "$f" | tail -n 60
	done
fi
echo
if [[ $nskip != 0 ]]; then
	echo "$npass passed, $nfail failed, $nskip skipped"
else
	echo "$npass passed, $nfail failed"
fi
[[ $nfail == 0 && $npass != 0 ]]
