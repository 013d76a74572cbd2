# SPDX-License-Identifier: GPL-2.0
#
# TAP helpers for shell tests run inside the test VM (busybox sh).
#   . /tests/lib.sh
#   plan 3; ok "name" cmd args...; is "$a" "$b" "name"; done_testing
#
# Every test declares its plan (plan N, before the first result) and ends
# with done_testing, which fails when the number of results differs from the
# plan or no plan was declared.  vm-run fails a test whose TAP has no plan or
# a result count other than the plan.  A test that has nothing to run says
# skip_all REASON (the plan 1..0 with the reason) and exits.
# At the end: helpers the vale-vhost tests (selftests/vhost/vale-port*.sh)
# and bench/vm-switch.sh share: stop_int, vale_ports, port_stat,
# port_drops, vhost_stat.

_tap_n=0
_tap_fail=0
_tap_plan=

# plan N: declare that N results follow.  Once only, before the first.
plan() {
	if [ -n "$_tap_plan" ]; then
		echo "# plan: declared twice ($_tap_plan, then $1)"
		_tap_fail=$((_tap_fail + 1))
		return 1
	fi
	_tap_plan=$1
	echo "1..$1"
}

# skip_all REASON: nothing here can run; the whole test is one skip.
skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

_tap_result() {	# status description
	_tap_n=$((_tap_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_fail=$((_tap_fail + 1))
	fi
}

# ok DESCRIPTION COMMAND...: passes when COMMAND succeeds.
ok() {
	_d=$1; shift
	"$@"; _tap_result $? "$_d"
}

# nok DESCRIPTION COMMAND...: passes when COMMAND fails.
nok() {
	_d=$1; shift
	if "$@"; then _tap_result 1 "$_d"; else _tap_result 0 "$_d"; fi
}

# is GOT WANT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then
		_tap_result 0 "$3"
	else
		echo "# got '$1', want '$2'"
		_tap_result 1 "$3"
	fi
}

skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP ${2:-}"; }

diag() { echo "# $*"; }

# done_testing: the test's status: fails on a "not ok", a missing plan or
# a count other than the plan.
done_testing() {
	if [ -z "$_tap_plan" ]; then
		echo "# done_testing: no plan declared (plan N before the first result); $_tap_n results"
		return 1
	fi
	if [ "$_tap_n" != "$_tap_plan" ]; then
		echo "# done_testing: planned $_tap_plan, got $_tap_n"
		return 1
	fi
	[ $_tap_fail = 0 ]
}

# busybox sh runs its own applets before looking at PATH: make the real
# iproute2 programs win.
ip() { /usr/bin/ip "$@"; }
bridge() { /usr/sbin/bridge "$@"; }

# kmod_load NAME: make kernel module NAME available.  Succeeds when it is
# already there (loaded, or built in: /sys/module/NAME, which built-in
# drivers without parameters lack, or modules.builtin) or modprobe loads it.
kmod_load() {
	_u=$(echo "$1" | tr - _)
	_h=$(echo "$1" | tr _ -)
	[ -d "/sys/module/$_u" ] && return 0
	grep -qE "(^|/)($_u|$_h)\.ko\$" "/lib/modules/$(uname -r)/modules.builtin" \
		2>/dev/null && return 0
	modprobe "$1"
}

# stop_int PID: SIGINT (dpdk-testpmd then prints its accumulated statistics
# and exits), up to 20 s for PID to end, then SIGKILL; reaps PID.
stop_int() {
	kill -INT "$1" 2>/dev/null
	_si=0
	while kill -0 "$1" 2>/dev/null && [ $_si -lt 40 ]; do
		sleep 0.5
		_si=$((_si + 1))
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# vale_ports SWITCH: vale-ctl's JSON of SWITCH's ports, one object per line
vale_ports() {
	vale-ctl -j port show "$1" | sed 's/,{"switch"/\
{"switch"/g'
}
# port_stat FILE PORT KEY: counter KEY of PORT in FILE (vale_ports' output)
port_stat() {
	grep "\"name\":\"$2\"" "$1" | sed -n "s/.*\"$3\":\([0-9]*\).*/\1/p"
}
# port_drops FILE PORT: the sum of every drop_* counter of PORT in FILE
port_drops() {
	_s=0
	for _v in $(grep "\"name\":\"$2\"" "$1" | grep -o '"drop_[a-z_]*":[0-9]*' |
		    sed 's/.*://'); do
		_s=$((_s + _v))
	done
	echo $_s
}
# vhost_stat PID OUT VM KEY: counter KEY of VM of the vale-vhost PID, whose
# stdout is the file OUT (SIGUSR1 makes it print its JSON there)
vhost_stat() {
	kill -USR1 "$1"
	sleep 0.3
	tail -n 1 "$2" | sed 's/,{"name"/\
{"name"/g' | grep "\"name\":\"$3\"" | sed -n "s/.*\"$4\":\([0-9]*\).*/\1/p"
}
