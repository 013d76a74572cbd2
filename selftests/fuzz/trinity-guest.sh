#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Debian's trinity in the test VM (scripts/fuzz.sh copies it in with
# vm-run --bin; Documentation/fuzzing.md): TRINITY_SECS seconds (default
# 60, counted from its first child) with seed TRINITY_SEED (default 1;
# run again with the next seed when trinity stops itself on its own lock
# check, below), four children, logging off, as root, on descriptors of
# /dev/vale and on netlink sockets.
#
# Its descriptors come from four fd providers:
#   pseudo    the files under -V: a directory of eight nodes of vale's
#             misc device (mode 0666; the directory itself is 0111, which
#             trinity's permission check leaves out), opened once by
#             trinity-main and shared by its children: eight open files
#             of /dev/vale, and the only paths open and openat get;
#   sockets   with every domain but PF_NETLINK excluded (-E): about 50
#             netlink sockets of the protocols the kernel has, generic
#             netlink among them;
#   pipes, testfile   needed only because trinity's ioctl code walks their
#             object lists unconditionally: with either provider off,
#             every ioctl() kills the child before the call (a NULL list
#             head), which is why earlier runs made almost no ioctl.
# A call that takes an fd picks one of the four providers at random.
#
# The calls: open, openat (vale_open; vale_release when the child goes),
# ioctl (vale_ioctl; compat_ioctl from the 32-bit calls where the kernel
# has them), mmap (vale_mmap), poll, ppoll and select (vale_poll), then
# sendmsg, sendto, sendmmsg, setsockopt, getsockopt, bind, connect and
# getsockname on the netlink sockets.  trinity knows none of vale's ioctl
# numbers, so no file is ever registered: the device calls meet the
# unbound-file answers (ENOTTY for an unknown command, ENXIO for mmap,
# EPOLLERR).  Its netlink payloads are random bytes: it builds no netlink
# header and resolves no family, so a message almost never gets past the
# length check of netlink_rcv_skb(), let alone to the vale family.  (read
# and write never reach the module, which has neither; close is a call
# trinity always skips; recvmsg and recvfrom block on sockets with nothing
# queued until trinity's 1-second alarm, a quarter of the calls without
# them.)
#
# Proof that it did so, from /proc while it runs and from trinity's own
# books (--stats: per system call the attempts, successes and errnos,
# printed when it exits):
#   - trinity-main holds files of the vale nodes, and its sockets are all
#     netlink ones (its socket cache: family and protocol of each), at
#     least one NETLINK_GENERIC;
#   - mmap answered ENXIO at least once: vale_mmap's answer, no other fd
#     here gives it (pipes and sockets answer ENODEV, the test files map);
#   - open or openat of the vale nodes succeeded at least once;
#   - ioctl answered ENOTTY at least once (from vale or from the other
#     fds: the statistics do not say which fd);
#   - a send call on the netlink sockets succeeded at least once;
#   - trinity stopped only at our SIGINT (exit 0, "because ctrl-c"), not
#     for a reason of its own and not by a crash.
#
# Root: this trinity's --dropprivs switches to nobody only in what it
# prints and in its file-permission check (nothing calls its
# drop_privs()), so it runs as root with --dangerous, said so;
# --clowntown skips its 10-second "ctrl-c now" countdown.  The verdict
# that matters stays the harness's: no splat in the kernel log, no
# kmemleak report, the module unloading after.
. /tests/lib.sh
secs=${TRINITY_SECS:-60}
seed=${TRINITY_SEED:-1}
[ -x /usr/bin/trinity ] || { skip_all "no /usr/bin/trinity in the guest"; exit 0; }
plan 8

top=/tmp/trinity
victims=$top/victims
run=$top/run
log=$run/log
rm -rf $top
mkdir -p $victims $run || exit 1
devno=$(cat /sys/class/misc/vale/dev) || exit 1
for i in 0 1 2 3 4 5 6 7; do
	mknod $victims/vale$i c "${devno%:*}" "${devno#*:}" || exit 1
	chmod 0666 $victims/vale$i
done
chmod 0111 $victims

# stat_errno SYSCALL ERRNO-TEXT: how many calls of SYSCALL (32- and
# 64-bit together) failed with that errno, from trinity's --stats.
stat_errno() {
	awk -v s="$1:" -v e="    $2:" '
		/^(32|64)bit:$/ { cur = 0; next }
		/^[a-z0-9_]+: \(attempted:/ { cur = ($1 == s); next }
		cur && index($0, e) == 1 { n += $NF }
		END { print n + 0 }' $log
}
# stat_success SYSCALL...: how many calls of these succeeded.
stat_success() {
	for s in "$@"; do
		awk -v s="$s:" '$1 == s && /\(attempted:/ {
			sub(/.*success:/, ""); n += $0 + 0 } END { print n + 0 }' $log
	done | awk '{ n += $1 } END { print n + 0 }'
}

# alive PID: PID runs (a zombie, exited but not yet waited for, does not).
alive() {
	[ -e "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"
}

others=UNSPEC,UNIX,INET,AX25,IPX,APPLETALK,NETROM,BRIDGE,ATMPVC,X25,INET6,ROSE
others=$others,NETBEUI,SECURITY,KEY,PACKET,ASH,ECONET,ATMSVC,RDS,SNA,IRDA,PPPOX
others=$others,WANPIPE,LLC,IB,MPLS,CAN,TIPC,BLUETOOTH,IUCV,RXRPC,ISDN,PHONET
others=$others,IEEE802154,CAIF,ALG,NFC,VSOCK,KCM,QIPCRTR,SMC,XDP
# One run of trinity for up to $1 seconds after its first child: sets
# started, rc and the time it ran (ran); its output is in $log.
trinity_once() {
	rm -f $log $run/trinity.socketcache $run/fds
	cd $run || exit 1
	/usr/bin/trinity --dangerous --clowntown -q -l off --stats -C 4 -s "$seed" \
		-V $victims --enable-fds=pseudo,pipes,testfile,sockets -E $others \
		-c open -c openat -c ioctl -c mmap -c poll -c ppoll -c select \
		-c sendmsg -c sendto -c sendmmsg -c setsockopt -c getsockopt \
		-c bind -c connect -c getsockname >$log 2>&1 &
	main=$!
	# Its start-up (the files, about 50 sockets) takes seconds to tens of
	# seconds under TCG: the time counts from its first child on.
	started=0 i=0
	while [ $i -lt 120 ] && alive $main; do
		if grep -qs '^trinity-c' /proc/[0-9]*/comm; then
			started=1
			break
		fi
		sleep 1; i=$((i + 1))
	done
	diag "trinity's start-up: ${i}s"
	ls -l /proc/$main/fd/ >$run/fds 2>/dev/null
	ran=0
	while [ $started = 1 ] && [ $ran -lt "$1" ] && alive $main; do
		sleep 1; ran=$((ran + 1))
	done
	kill -INT $main 2>/dev/null
	i=0
	while alive $main && [ $i -lt 20 ]; do
		sleep 1; i=$((i + 1))
	done
	for p in /proc/[0-9]*; do
		case $(cat "$p/comm" 2>/dev/null) in
		trinity*) kill -KILL "${p#/proc/}" 2>/dev/null ;;
		esac
	done
	wait $main
	rc=$?
	cd /
}

# trinity sometimes stops by itself on a check of the locks it shares with
# its children ("locking catastrophe", its bookkeeping, not the kernel's):
# then it runs again, with the next seed, for the time that is left, at
# most three times; the results are those of the last run.
left=$secs attempt=1
while :; do
	trinity_once $left
	left=$((left - ran))
	grep -q 'Bailing main loop because some kind of locking catastrophe' $log ||
		break
	diag "run $attempt: trinity stopped itself after ${ran}s (locking catastrophe)"
	[ $attempt -lt 3 ] && [ $left -gt 10 ] || break
	attempt=$((attempt + 1)) seed=$((seed + 1))
done
cd /
diag "trinity-main: exit status $rc, ${i}s after SIGINT"
grep -E '^\[main\] (.*seed|Enabled|Ran|Bailing)' $log | sed 's/^/# | /'
sed -n '/^32bit:$/,$p' $log | sed 's/^/# | /'

nvfd=$(grep -c " -> $victims/vale[0-7]\$" $run/fds)
nsock=$(grep -c ' -> socket:' $run/fds)
# What trinity created, from its socket cache: family, type and protocol
# of each socket, three 32-bit words (/proc/net/netlink would list only
# bound sockets).
od -An -tu4 -v $run/trinity.socketcache 2>/dev/null |
	awk '{ for (i = 1; i <= NF; i++) w[n++] = $i }
	     END { for (i = 0; i + 2 < n; i += 3) print w[i], w[i + 2] }' >$run/sockets
nnl=$(awk '$1 == 16' $run/sockets | wc -l)
ngen=$(awk '$1 == 16 && $2 == 16' $run/sockets | wc -l)
diag "trinity-main held $(grep -c ' -> ' $run/fds) fds, $nvfd of the vale nodes," \
	"$nsock sockets; its socket cache: $(wc -l <$run/sockets) sockets," \
	"$nnl netlink, by protocol:" \
	"$(awk '{ print $2 }' $run/sockets | sort -n | uniq -c | awk '{ printf " %s(x%s)", $2, $1 }')"

ok "trinity started its children" [ $started = 1 ]
ok "trinity-main holds files of the vale nodes ($nvfd)" [ "$nvfd" -ge 1 ]
netlink_only() { [ "$nsock" -ge 1 ] && [ "$nnl" = "$nsock" ] && [ "$ngen" -ge 1 ]; }
ok "its $nsock sockets are netlink ones, $ngen NETLINK_GENERIC" netlink_only
n=$(stat_errno mmap 'No such device or address')
ok "mmap reached vale_mmap ($n answered ENXIO)" [ "$n" -ge 1 ]
n=$(stat_success open openat)
ok "open and openat of the vale nodes succeeded ($n)" [ "$n" -ge 1 ]
n=$(stat_errno ioctl 'Inappropriate ioctl for device')
ok "ioctl reached the drivers ($n answered ENOTTY)" [ "$n" -ge 1 ]
n=$(stat_success sendmsg sendto sendmmsg)
ok "netlink: messages sent ($n sendmsg/sendto/sendmmsg succeeded)" [ "$n" -ge 1 ]
diag "poll, ppoll and select that returned: $(stat_success poll ppoll select)"
# Exit 0 and "because ctrl-c", our SIGINT, rather than a reason of its own
# (a tainted kernel, children it could not fork) or a crash (exit 139, and
# a segfault line the harness's scan fails on).
told_to() { [ $rc = 0 ] && grep -q 'Bailing main loop because ctrl-c' $log; }
ok "trinity stopped only when told to" told_to
done_testing
