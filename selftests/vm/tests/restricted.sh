#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# restricted: a restricted switch refuses dynamic ports (-EPERM); an
# administrator creates ports over netlink, optionally owned; only the
# owner (or CAP_NET_ADMIN) may open one; unprivileged netlink mutations are
# refused; admin-created switches persist until deleted.
# Users vale1 (1001) and vale2 (1002) come from the guest's /etc/passwd.
. /tests/lib.sh

VC=/bin/vale-ctl
PG=/bin/vale-pktgen
if [ ! -x $VC ] || [ ! -x $PG ]; then
	plan 1
	skip "restricted switches" "needs /bin/vale-ctl and /bin/vale-pktgen"
	done_testing
	exit
fi
plan 39
as() {	# as UID CMD...: run without capabilities as UID
	_u=$1; shift
	if [ "$_u" = 0 ]; then "$@"; return; fi
	# busybox su: from root to another uid, every capability is dropped
	case $_u in 1001) _n=vale1 ;; 1002) _n=vale2 ;; *) return 99 ;; esac
	su -s /bin/sh "$_n" -c "$*"
}
# open PORT as UID: vale-pktgen opens the port, sends one frame, exits
open_as() { as "$2" $PG tx -i "$1" -n 1 >/tmp/open.out 2>&1; }
# What libvale says for the errnos VALE_IOC_REGISTER returns here.
EPERM="operation not permitted (restricted switch or port owned by another user)"
EBUSY="port already in use or file already bound"
# refused_as PORT UID TEXT: opening PORT as UID fails with TEXT, the
# errno the docs name (control-plane.md, "Restricted switches").
refused_as() {
	if open_as "$1" "$2"; then
		diag "opened $1 as uid $2"
		return 1
	fi
	grep -qxF "vale-pktgen: cannot open $1: $3" /tmp/open.out && return 0
	diag "$(cat /tmp/open.out)"
	return 1
}
# ctl_refused TEXT CMD...: vale-ctl CMD fails (exit 1) printing exactly
# TEXT, the errno and extack message of kmod/netlink.c.
ctl_refused() {
	_want=$1; shift
	_got=$($VC "$@" 2>&1)
	_rc=$?
	[ $_rc = 1 ] && [ "$_got" = "$_want" ] && return 0
	diag "exit $_rc, got: $_got"
	diag "want: $_want"
	return 1
}

chmod 0666 /dev/vale

ok "switch add valer restricted on" $VC switch add valer restricted on
ok "switch add valer again fails" ctl_refused \
	"vale-ctl: switch add: File exists: switch exists" switch add valer
msg=$($VC switch add valer 2>&1); diag "$msg"
case $msg in *"switch exists"*) r=0 ;; *) r=1 ;; esac
is "$r" 0 "with the kernel's reason"
is "$($VC -j switch show valer)" \
	'[{"name":"valer","restricted":true,"persistent":true,"lookup":"learning","batch":512,"ports":0,"nrules":0,"npairs":0,"pairs":[]}]' \
	"switch show --json"

nok "root cannot open an undeclared port of a restricted switch" open_as valer:x 0
ok "the refusal is EPERM" grep -qxF "vale-pktgen: cannot open valer:x: $EPERM" /tmp/open.out
ok "nor can vale1 (EPERM)" refused_as valer:x 1001 "$EPERM"

ok "port add valer:p1 uid 1001" $VC port add valer:p1 uid 1001
ok "port add valer:g2 gid 1002" $VC port add valer:g2 gid 1002
ok "port add valer:any (no owner)" $VC port add valer:any
ok "port add valer:p1 again fails (EEXIST)" ctl_refused \
	"vale-ctl: port add: File exists: port exists" port add valer:p1

ok "vale1 opens its port" open_as valer:p1 1001
ok "vale2 may not open vale1's port (EPERM)" refused_as valer:p1 1002 "$EPERM"
ok "vale2 opens the port of its group" open_as valer:g2 1002
ok "vale1 may not open group 1002's port (EPERM)" refused_as valer:g2 1001 "$EPERM"
ok "root (CAP_NET_ADMIN) opens vale1's port" open_as valer:p1 0
ok "anybody opens an unowned admin port" open_as valer:any 1002

# a port stays open while pktgen runs: delete is refused meanwhile
as 1001 $PG rx -i valer:p1 -T 3 >/dev/null 2>&1 &
rxpid=$!
sleep 1
ok "port del refuses an open port (EBUSY)" ctl_refused \
	"vale-ctl: port del: Device or resource busy: port is open through /dev/vale: it goes when closed" \
	port del valer:p1
ok "switch del refuses a switch with open ports (EBUSY)" ctl_refused \
	"vale-ctl: switch del: Device or resource busy: switch has ports open through /dev/vale" \
	switch del valer
ok "vale1 may not open it twice (EBUSY)" refused_as valer:p1 1001 "$EBUSY"
wait $rxpid

# unprivileged mutations
for cmd in "switch add valeu" "switch del valer" "set valer batch 8" \
	   "port add valer:u" "port del valer:any" "attach valer lo" \
	   "detach lo"; do
	as 1001 $VC $cmd >/tmp/u.out 2>&1
	rc=$?
	# GENL_ADMIN_PERM: -EPERM from the genetlink core, no extack
	case $cmd in
	switch*|port*) what=$(echo "$cmd" | cut -d' ' -f1-2) ;;
	*) what=${cmd%% *} ;;
	esac
	is "$rc:$(cat /tmp/u.out)" "1:vale-ctl: $what: Operation not permitted" \
		"unprivileged '$cmd' refused with EPERM"
done
ok "unprivileged show works" as 1001 $VC switch show valer
is "$($VC -j switch show valer)" \
	'[{"name":"valer","restricted":true,"persistent":true,"lookup":"learning","batch":512,"ports":0,"nrules":0,"npairs":0,"pairs":[]}]' \
	"nothing changed"

$VC set valer restricted off batch 64 lookup p2p 2>&1 | while read -r l; do diag "$l"; done
ok "set valer restricted off batch 64 lookup p2p" \
	$VC set valer restricted off batch 64 lookup p2p
is "$($VC -j switch show valer)" \
	'[{"name":"valer","restricted":false,"persistent":true,"lookup":"p2p","batch":64,"ports":0,"nrules":0,"npairs":0,"pairs":[]}]' \
	"set took effect"
ok "unrestricted: vale2 opens a dynamic port" open_as valer:dyn 1002
ok "the owner check still applies (EPERM)" refused_as valer:p1 1002 "$EPERM"

is "$($VC switch show | grep -c valer)" 1 "the admin switch persists without ports"
ok "port del valer:p1" $VC port del valer:p1
ok "switch del valer" $VC switch del valer
is "$($VC switch show | grep -c valer)" 0 "gone"
ok "switch del of a missing switch fails (ENOENT)" ctl_refused \
	"vale-ctl: switch del: No such file or directory: no such switch" \
	switch del valer
ok "dynamic switches still work" open_as valed:x 1001
chmod 0660 /dev/vale
done_testing
