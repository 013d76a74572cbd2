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
	skip "restricted switches" "needs /bin/vale-ctl and /bin/vale-pktgen"
	done_testing
	exit
fi
as() {	# as UID CMD...: run without capabilities as UID
	_u=$1; shift
	if [ "$_u" = 0 ]; then "$@"; return; fi
	# busybox su: from root to another uid, every capability is dropped
	case $_u in 1001) _n=vale1 ;; 1002) _n=vale2 ;; *) return 99 ;; esac
	su -s /bin/sh "$_n" -c "$*"
}
# open PORT as UID: vale-pktgen opens the port, sends one frame, exits
open_as() { as "$2" $PG tx -i "$1" -n 1 >/tmp/open.out 2>&1; }

chmod 0666 /dev/vale

ok "switch add valer restricted on" $VC switch add valer restricted on
nok "switch add valer again fails" $VC switch add valer
msg=$($VC switch add valer 2>&1); diag "$msg"
case $msg in *"switch exists"*) r=0 ;; *) r=1 ;; esac
is "$r" 0 "with the kernel's reason"
is "$($VC -j switch show valer)" \
	'[{"name":"valer","restricted":true,"persistent":true,"lookup":"learning","batch":512,"ports":0}]' \
	"switch show --json"

nok "root cannot open an undeclared port of a restricted switch" open_as valer:x 0
grep -q "Operation not permitted\|EPERM\|not permitted" /tmp/open.out
ok "the refusal is EPERM" [ $? = 0 ]
nok "nor can vale1" open_as valer:x 1001

ok "port add valer:p1 uid 1001" $VC port add valer:p1 uid 1001
ok "port add valer:g2 gid 1002" $VC port add valer:g2 gid 1002
ok "port add valer:any (no owner)" $VC port add valer:any
nok "port add valer:p1 again fails" $VC port add valer:p1

ok "vale1 opens its port" open_as valer:p1 1001
nok "vale2 may not open vale1's port" open_as valer:p1 1002
ok "vale2 opens the port of its group" open_as valer:g2 1002
nok "vale1 may not open group 1002's port" open_as valer:g2 1001
ok "root (CAP_NET_ADMIN) opens vale1's port" open_as valer:p1 0
ok "anybody opens an unowned admin port" open_as valer:any 1002

# a port stays open while pktgen runs: delete is refused meanwhile
as 1001 $PG rx -i valer:p1 -T 3 >/dev/null 2>&1 &
rxpid=$!
sleep 1
nok "port del refuses an open port" $VC port del valer:p1
nok "switch del refuses a switch with open ports" $VC switch del valer
nok "vale1 may not open it twice" open_as valer:p1 1001
wait $rxpid

# unprivileged mutations
for cmd in "switch add valeu" "switch del valer" "set valer batch 8" \
	   "port add valer:u" "port del valer:any" "attach valer lo" \
	   "detach lo"; do
	as 1001 $VC $cmd >/tmp/u.out 2>&1
	rc=$?
	grep -q "Operation not permitted" /tmp/u.out
	is "$rc:$?" "1:0" "unprivileged '$cmd' refused with EPERM"
done
ok "unprivileged show works" as 1001 $VC switch show valer
is "$($VC -j switch show valer)" \
	'[{"name":"valer","restricted":true,"persistent":true,"lookup":"learning","batch":512,"ports":0}]' \
	"nothing changed"

$VC set valer restricted off batch 64 lookup p2p 2>&1 | while read -r l; do diag "$l"; done
ok "set valer restricted off batch 64 lookup p2p" \
	$VC set valer restricted off batch 64 lookup p2p
is "$($VC -j switch show valer)" \
	'[{"name":"valer","restricted":false,"persistent":true,"lookup":"p2p","batch":64,"ports":0}]' \
	"set took effect"
ok "unrestricted: vale2 opens a dynamic port" open_as valer:dyn 1002
nok "the owner check still applies" open_as valer:p1 1002

is "$($VC switch show | grep -c valer)" 1 "the admin switch persists without ports"
ok "port del valer:p1" $VC port del valer:p1
ok "switch del valer" $VC switch del valer
is "$($VC switch show | grep -c valer)" 0 "gone"
nok "switch del of a missing switch fails" $VC switch del valer
ok "dynamic switches still work" open_as valed:x 1001
chmod 0660 /dev/vale
done_testing
