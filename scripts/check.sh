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
#   package    Debian packages, lintian, DKMS for 6.1 and 6.12, install and
#              purge in a clean root, systemd units, the netlink spec
#              against the kernel's YNL schema (scripts/package-check.sh)
#   vm         the VM suite on each kernel in $KERNELS (on 6.12 with the
#              modules DKMS built in the package tier)
#   fuzz       scripts/fuzz.sh --check on the debug kernel: vale-kfuzz
#              (fixed seed) and trinity (Documentation/fuzzing.md)
#   tier2      host daemons with real QEMU guests and peers: every
#              selftests/*/run.sh runner outside selftests/vm (vale-vhost,
#              vale-vmpi), each printing TAP
#
# Environment:
#   KERNELS="6.1 6.12 debug"   kernels for the build and VM tiers (debug:
#                        our KASAN/lockdep/kmemleak kernel, testing-debug.md)
#   TIERS="build style tier0 harness package vm fuzz tier2"   tiers to run
#   VM_TESTS="name ..."  run only these VM tests (file names)
#
# scripts/check.sh --tap-results PREFIX FILE STATUS runs nothing: it prints
# the results tap_results() makes of FILE (a program's TAP output) and
# STATUS (its exit status), for the harness self-test.
#
# Every result is a line "PASS|FAIL|SKIP name" in build/results/summary;
# the last line printed is "N passed, N failed, N skipped" and the exit
# status is non-zero when anything failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

KERNELS=${KERNELS:-6.1 6.12 debug}
TIERS=${TIERS:-build style tier0 harness package vm fuzz tier2}
res=$top/build/results
# check.sh --tap-results PREFIX FILE STATUS: only turn one program's TAP
# into results, printed (the harness self-test checks the rules with it).
tapmode=0
if [[ ${1:-} == --tap-results && $# == 4 ]]; then
	tapmode=1
	res=$(mktemp -d "${TMPDIR:-/tmp}/vale-tap.XXXXXX")
	trap 'rm -rf "$res"' EXIT
fi
mkdir -p "$res"
summary=$res/summary
tagged=$res/tiers
failed_logs=()
: >"$summary"
: >"$tagged"
logs=$res/logs
rm -rf "$logs"
mkdir -p "$logs"

record() {	# PASS|FAIL|SKIP name
	printf '%s %s\n' "$1" "$2" | tee -a "$summary"
	printf '%s\t%s\t%s\t%s\n' "$tier" "$tkernel" "$1" "$2" >>"$tagged"
}

# The tier and kernel the results recorded now belong to (closing table).
tier=- tkernel=-
at() { tier=$1 tkernel=${2:--}; }

# Turn the TAP a program printed into results ("prefix: description").
# The program declares how many results it prints ("1..N", first or
# last): a count other than the plan fails ("planned N, got M"), and so do
# results without a plan ("no plan") and a program that printed no result
# at all, whatever its exit status: a runner that lost its suite, or
# died before printing anything, never passes.  "1..0 # SKIP reason"
# with no results is one skip.
tap_results() {	# prefix file status
	local prefix=$1 file=$2 st=$3 line desc nres=0 nfail=0 plan= nplan=0
	local planline= bad=0 reason
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
		"1.."*)
			if [[ $line =~ ^1\.\.([0-9]+) ]]; then
				plan=${BASH_REMATCH[1]} planline=$line
				nplan=$((nplan + 1))
			fi
			;;
		"Bail out!"*)
			nfail=$((nfail + 1))
			record FAIL "$prefix: bail out:${line#Bail out!}"
			;;
		esac
	done <"$file"
	[[ $nfail != 0 ]] && bad=1
	if [[ $st != 0 && $nfail == 0 ]]; then
		if [[ $nres == 0 && -z $plan ]]; then
			record FAIL "$prefix (exit status $st, no results; see $file)"
		else
			record FAIL "$prefix (exit status $st; see $file)"
		fi
		bad=1
	fi
	if [[ $nplan -gt 1 ]]; then
		record FAIL "$prefix: more than one plan ($nplan plan lines; see $file)"
		bad=1
	elif [[ -n $plan ]]; then
		if [[ $plan != "$nres" ]]; then
			record FAIL "$prefix: planned $plan, got $nres (see $file)"
			bad=1
		elif [[ $plan == 0 && $st == 0 ]]; then
			reason=$(sed -nE 's/^1\.\.0 *# *(SKIP|skip) *//p' <<<"$planline")
			record SKIP "$prefix (nothing to run${reason:+: $reason})"
		fi
	elif [[ $nres != 0 ]]; then
		record FAIL "$prefix: no plan ($nres results, no 1..N line; see $file)"
		bad=1
	elif [[ $st == 0 ]]; then
		record FAIL "$prefix: no results (no TAP; see $file)"
		bad=1
	fi
	[[ $bad == 1 ]] && failed_logs+=("$file")
	return 0
}

if [[ $tapmode == 1 ]]; then
	tap_results "$2" "$3" "$4"
	exit 0
fi

has_tier() { [[ " $TIERS " == *" $1 "* ]]; }

section() { printf '\n=== %s\n' "$*"; }

# --- build ---------------------------------------------------------------
if has_tier build; then
	section "build"
	at build
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
	at style
	st=0
	scripts/checkpatch.sh >"$logs/checkpatch.log" 2>&1 || st=$?
	tap_results "style" "$logs/checkpatch.log" "$st"
	st=0
	scripts/spdx-check.sh >"$logs/spdx.log" 2>&1 || st=$?
	tap_results "style" "$logs/spdx.log" "$st"
	st=0
	at spec
	python3 selftests/spec/check-spec.py >"$logs/spec.log" 2>&1 || st=$?
	tap_results "spec" "$logs/spec.log" "$st"
fi

# --- tier 0 --------------------------------------------------------------
if has_tier tier0; then
	section "tier 0 (host, ASan/UBSan)"
	at tier0
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
	# vale-bench (Python): sweep syntax, run files, result tree, CI math,
	# plots (tools/vale-bench/tests/run.sh).
	st=0
	timeout 300 tools/vale-bench/tests/run.sh >"$logs/tier0-vale-bench.log" 2>&1 || st=$?
	tap_results "tier0: vale-bench" "$logs/tier0-vale-bench.log" "$st"
	# make bench-ab's comparison (bench/ab.py) on fixed inputs.
	st=0
	timeout 60 python3 bench/test_ab.py >"$logs/tier0-bench-ab.log" 2>&1 || st=$?
	tap_results "tier0: bench-ab" "$logs/tier0-bench-ab.log" "$st"
	# make bench's chain analysis (bench/chain.py) on fixed inputs.
	st=0
	timeout 60 python3 bench/test_chain.py >"$logs/tier0-bench-chain.log" 2>&1 || st=$?
	tap_results "tier0: bench-chain" "$logs/tier0-bench-chain.log" "$st"
fi

# --- harness self-test ---------------------------------------------------
if has_tier harness; then
	section "VM harness self-test"
	# On the first stock kernel of $KERNELS (its modules are built).
	hk=6.1
	for k in $KERNELS; do
		[[ $k != debug ]] && { hk=$k; break; }
	done
	at harness "$hk"
	st=0
	selftests/vm/harness-selftest/run.sh --kernel "$hk" >"$logs/harness.log" 2>&1 || st=$?
	tap_results "harness" "$logs/harness.log" "$st"
	# kmemleak exists only on the debug kernel: its case runs there
	# (one short boot) and skips in the run above.
	if [[ " $KERNELS " == *" debug "* ]]; then
		at harness debug
		st=0
		selftests/vm/harness-selftest/run.sh --kernel debug --only kmemleak \
			>"$logs/harness-debug.log" 2>&1 || st=$?
		tap_results "harness (debug)" "$logs/harness-debug.log" "$st"
	fi
fi

# --- package -------------------------------------------------------------
if has_tier package; then
	section "package (Debian packages, DKMS, clean root, YNL schema)"
	at package host
	st=0
	timeout 1800 scripts/package-check.sh >"$logs/package.log" 2>&1 || st=$?
	tap_results "package" "$logs/package.log" "$st"
fi

# --- VM suite ------------------------------------------------------------
# The VM tests for kernel $1.  Fault-injection tests (failnth_*) need
# CONFIG_FAULT_INJECTION, which only our debug kernel has (they skip on
# every stock kernel): they are scheduled on debug only, unless VM_TESTS
# names them.
first_stock() {	# the first kernel of KERNELS that is not debug
	local k
	for k in $KERNELS; do
		[[ $k != debug ]] && { echo "$k"; return; }
	done
}

vm_tests() {	# kernel
	local t name
	for t in selftests/vm/tests/*.c selftests/vm/tests/*.sh; do
		[[ -e $t ]] || continue
		name=$(basename "$t")
		if [[ -n ${VM_TESTS:-} && " $VM_TESTS " != *" ${name%.c} "* &&
		      " $VM_TESTS " != *" $name "* ]]; then
			continue
		fi
		if [[ $name == failnth_* && $1 != debug && -z ${VM_TESTS:-} ]]; then
			continue
		fi
		# ynl_cli.sh runs in a boot of its own (below).
		[[ $name == ynl_cli.sh ]] && continue
		# Tests of user-space tools (vale-bench-ep, vale-net) that add
		# no kernel path of their own: once, on the first stock kernel.
		if [[ ($name == bench_ep.sh || $name == vnet_*) &&
		      $1 != "$(first_stock)" && -z ${VM_TESTS:-} ]]; then
			continue
		fi
		case $t in
		*.c) echo "build/user/vm-tests/${name%.c}" ;;
		*) echo "$t" ;;
		esac
	done
}

if has_tier vm; then
	tests=()
	# Static tools the tests run inside the guest.
	files=()
	for f in tools/vale-pktgen:vale-pktgen tools/vale-bench-ep-static:vale-bench-ep \
		 tools/vale-ctl:vale-ctl qemu-backend/vale-vhost:vale-vhost \
		 tools/vale-net:vale-net tools/vnet-frames:vnet-frames \
		 vhost/hostile:hostile; do
		src=build/user/${f%%:*}
		[[ -x $src ]] && files+=(--file "$src:/bin/${f#*:}")
	done
	# bench_ep.sh's AF_XDP checks: the dynamic vale-bench-ep (guest path
	# /build/user/tools/vale-bench-ep) and the BPF objects libxdp loads.
	if [[ -x build/user/tools/vale-bench-ep ]]; then
		files+=(--bin build/user/tools/vale-bench-ep)
		for o in xdp-dispatcher.o xsk_def_xdp_prog.o xsk_def_xdp_prog_5.3.o; do
			o=/usr/lib/x86_64-linux-gnu/bpf/$o
			[[ -e $o ]] && files+=(--file "$o:$o")
		done
	fi
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
	# ynl_cli.sh: the kernel's YNL client in the guest needs Python, YNL
	# and the spec (scripts/ynl.sh, cached); without them it skips.  It
	# runs in a boot of its own after each stock kernel's suite: after the
	# whole suite, Python in the guest once spun in page faults for
	# minutes (soft lockups) where the same test alone takes a minute.
	ynl_files=()
	if [[ -z ${VM_TESTS:-} || " $VM_TESTS " == *" ynl_cli.sh "* ]] &&
	   eval "$(scripts/ynl.sh 2>"$logs/ynl.log")"; then
		ynl_files=(--file "$YNL_GUEST:/ynl.tar"
			   --file Documentation/netlink/vale.yaml:/ynl/vale.yaml
			   --file build/user/tools/vale-pktgen:/bin/vale-pktgen)
	fi
	extra=("${tests[@]}")
	for k in $KERNELS; do
		section "VM suite on $k"
		at vm "$k"
		mapfile -t tests < <(vm_tests "$k")
		tests+=("${extra[@]}")
		before=$(wc -l <"$summary")
		st=0
		# On 6.12 the suite loads the vale.ko and vmpi.ko that DKMS
		# built from the vale-dkms and vmpi-dkms packages (package
		# tier): the packaged build is the one tested, not a copy.
		mods=()
		if [[ $k == 6.12 ]] && has_tier package; then
			kv=$(scripts/kernel.sh 6.12 2>/dev/null | sed -n 's/^KVER=//p')
			if [[ -n $kv && -f build/pkg/modules/$kv/$kv/updates/dkms/vale.ko ]]; then
				mods=(--modules "build/pkg/modules/$kv")
			else
				record FAIL "vm: $k: no DKMS-built modules from the package tier"
			fi
		fi
		# KASAN, lockdep and kmemleak make the debug kernel several
		# times slower: its tests get longer limits.
		limit=300
		[[ $k == debug ]] && limit=1200
		# netdev_churn's attach/detach cycles under traffic (100; 25 on
		# debug) take up to 470 s on a loaded machine: twice the limit.
		for i in "${!tests[@]}"; do
			[[ ${tests[i]} == */netdev_churn.sh ]] &&
				tests[i]+=":$((2 * limit))"
		done
		selftests/vm/vm-run --kernel "$k" "${mods[@]}" --timeout 3600 \
			--test-timeout "$limit" --summary "$summary" "${files[@]}" \
			"${tests[@]}" >"$logs/vm-$k.log" 2>&1 || st=$?
		sed -E 's/^([0-9]+ passed, )/# vm-run: \1/' "$logs/vm-$k.log"
		# vm-run wrote its results into the summary itself.
		tail -n +"$((before + 1))" "$summary" |
			awk -v t=vm -v k="$k" '{ v = $1; sub(/^[A-Z]+ /, ""); print t "\t" k "\t" v "\t" $0 }' >>"$tagged"
		[[ $st != 0 ]] && failed_logs+=("$logs/vm-$k.log")
		if [[ $st != 0 ]] && ! grep -q '^FAIL' "$logs/vm-$k.log"; then
			record FAIL "vm: $k (vm-run exit $st)"
		elif [[ $(wc -l <"$summary") == "$before" ]]; then
			record FAIL "vm: $k (vm-run reported no result)"
		fi
		if [[ ${#ynl_files[@]} != 0 && $k != debug ]]; then
			before=$(wc -l <"$summary")
			st=0
			selftests/vm/vm-run --kernel "$k" "${mods[@]}" --timeout 900 \
				--out "build/vm/ynl-$k" --summary "$summary" "${ynl_files[@]}" \
				selftests/vm/tests/ynl_cli.sh:"$limit" >"$logs/vm-ynl-$k.log" 2>&1 || st=$?
			sed -E 's/^([0-9]+ passed, )/# vm-run: \1/' "$logs/vm-ynl-$k.log"
			tail -n +"$((before + 1))" "$summary" |
				awk -v t=vm -v k="$k" '{ v = $1; sub(/^[A-Z]+ /, ""); print t "\t" k "\t" v "\t" $0 }' >>"$tagged"
			[[ $st != 0 ]] && failed_logs+=("$logs/vm-ynl-$k.log")
			if [[ $st != 0 ]] && ! grep -q '^FAIL' "$logs/vm-ynl-$k.log"; then
				record FAIL "vm: $k ynl_cli.sh (vm-run exit $st)"
			elif [[ $(wc -l <"$summary") == "$before" ]]; then
				record FAIL "vm: $k ynl_cli.sh (vm-run reported no result)"
			fi
		fi
	done
fi

# --- fuzzers on the debug kernel (Documentation/fuzzing.md) --------------
if has_tier fuzz; then
	section "fuzz (vale-kfuzz, trinity) on the debug kernel"
	at fuzz debug
	if [[ " $KERNELS " == *" debug "* ]]; then
		before=$(wc -l <"$summary")
		st=0
		scripts/fuzz.sh --check --summary "$summary" >"$logs/fuzz.log" 2>&1 || st=$?
		sed -E 's/^([0-9]+ passed, )/# vm-run: \1/' "$logs/fuzz.log"
		tail -n +"$((before + 1))" "$summary" |
			awk -v t=fuzz -v k=debug '{ v = $1; sub(/^[A-Z]+ /, ""); print t "\t" k "\t" v "\t" $0 }' >>"$tagged"
		[[ $st != 0 ]] && failed_logs+=("$logs/fuzz.log")
		if [[ $st != 0 ]] && ! grep -q '^FAIL' "$logs/fuzz.log"; then
			record FAIL "fuzz (fuzz.sh exit $st)"
		elif [[ $(wc -l <"$summary") == "$before" ]]; then
			record FAIL "fuzz (fuzz.sh reported no result)"
		fi
	else
		record SKIP "fuzz (debug not in KERNELS)"
	fi
fi

# --- Tier 2: host daemons, real QEMU guests ------------------------------
if has_tier tier2; then
	for r in selftests/*/run.sh; do
		[[ -x $r && $r != selftests/vm/* ]] || continue
		name=$(basename "$(dirname "$r")")
		section "Tier 2: $name"
		at tier2 6.1
		st=0
		timeout 1800 "$r" >"$logs/tier2-$name.log" 2>&1 || st=$?
		tap_results "tier2: $name" "$logs/tier2-$name.log" "$st"
	done
	# vale-bench's smoke sweep: the framework boots the VM itself.
	if [[ -z ${VM_TESTS:-} || " $VM_TESTS " == *" vale-bench-smoke "* ]]; then
		section "Tier 2: vale-bench smoke"
		at tier2 6.1
		st=0
		timeout 900 tools/vale-bench/tests/smoke.sh >"$logs/tier2-vale-bench.log" 2>&1 || st=$?
		tap_results "tier2: vale-bench" "$logs/tier2-vale-bench.log" "$st"
	fi
	# The VMPI guest side also runs on the debug kernel: its probe is
	# swept with fault injection there (testing-debug.md).
	if [[ " $KERNELS " == *" debug "* && -x selftests/vmpi/run.sh ]]; then
		section "Tier 2: vmpi on the debug kernel"
		at tier2 debug
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

# The closing table: per tier and kernel, how many distinct checks stand
# behind the results (result names once the kernel release in them, such
# as "6.1.0-57-amd64/", is removed), and their verdicts.  The VM suite runs
# once per kernel: "all kernels" counts its distinct checks once.  Build,
# style, SPDX and spec results (one per file or per spec item) are listed
# apart from the behaviour checks.
closing_table() {
	awk -F'\t' '
	function row(key, t, k) {
		printf "%-9s %-12s %9d %7d %7d %8d\n", t, k, dist[key], pass[key], fail[key], skip[key]
	}
	function add(key, v, name) {
		if (!(key in dist)) { order[++nkeys] = key }
		if (!((key, name) in seen)) { seen[key, name] = 1; dist[key]++ }
		if (v == "PASS") pass[key]++
		else if (v == "FAIL") fail[key]++
		else if (v == "SKIP") skip[key]++
	}
	{
		name = $4
		gsub(/[0-9]+\.[0-9]+(\.[0-9]+)?[-+][A-Za-z0-9.+_-]*\//, "", name)
		add($1 SUBSEP $2, $3, name)
		if ($1 == "vm") {
			add("vm" SUBSEP "all kernels", $3, name)
			if (!($2 in vmk)) { vmk[$2] = 1; nvmk++ }
		}
		if ($1 == "build" || $1 == "style" || $1 == "spec") ntext++
	}
	END {
		split("tier0 harness package vm fuzz tier2", beh, " ")
		split("build style spec", txt, " ")
		printf "%-9s %-12s %9s %7s %7s %8s\n", "tier", "kernel", "distinct", "passed", "failed", "skipped"
		for (g = 1; g <= 2; g++) {
			if (g == 2 && ntext) print "--- build and text checks (per file / spec item, not behaviour) ---"
			nt = g == 1 ? 6 : 3
			for (i = 1; i <= nt; i++) {
				t = g == 1 ? beh[i] : txt[i]
				for (j = 1; j <= nkeys; j++) {
					split(order[j], p, SUBSEP)
					if (p[1] == t && p[2] != "all kernels") row(order[j], p[1], p[2])
				}
				if (t == "vm" && nvmk > 1)
					row("vm" SUBSEP "all kernels", "vm", "all kernels")
			}
		}
	}' "$tagged"
}
section "closing report"
closing_table
echo
if [[ $nskip != 0 ]]; then
	echo "$npass passed, $nfail failed, $nskip skipped"
else
	echo "$npass passed, $nfail failed"
fi
[[ $nfail == 0 && $npass != 0 ]]
