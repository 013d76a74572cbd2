#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Debian's trinity in the test VM (scripts/fuzz.sh copies it in with
# vm-run --bin): TRINITY_SECS seconds (default 30) on /dev/vale, then the
# same on netlink sockets, both as user nobody (trinity refuses root;
# --dropprivs switches to nobody after start-up).
#
#   /dev/vale: the victim file (-V); every other fd provider is off, so
#     ioctl, mmap, read, write, poll, fcntl, dup and close get descriptors
#     of /dev/vale (unbound ones: trinity opens the file itself and knows
#     none of vale's ioctl numbers, so nothing is registered and the calls
#     meet the "not bound" checks, ENXIO and POLLERR).
#   netlink: trinity's socket provider (every domain it can open, netlink
#     and generic netlink among them; "-P PF_NETLINK" made it create no
#     socket at all on the debug kernel) with random messages sent,
#     received and option calls: trinity builds no generic netlink header of its own
#     and never resolves a family, so a message reaches the vale family
#     only when its random type hits the family's id.
#
# The verdict that matters is the harness's: no splat in the kernel log
# and the module unloading after.  The results here say that trinity
# started, dropped root and ran calls, so that a run that did nothing
# cannot pass.
. /tests/lib.sh
secs=${TRINITY_SECS:-30}
[ -x /usr/bin/trinity ] || { skip_all "no /usr/bin/trinity in the guest"; exit 0; }
plan 6
chmod 0666 /dev/vale
dir=/tmp/trinity
mkdir -p $dir && chmod 0777 $dir && cd $dir || exit 1

stopped_itself() {
	grep -E "Bailing main loop because|Couldn't fork|Giving up" "$1" |
		grep -qv 'ctrl-c'
}

# run NAME ARGS...: trinity for $secs seconds, then SIGINT, then SIGKILL
# for whatever of it is left (its children by pid, from /proc).
run() {
	name=$1; shift
	/usr/bin/trinity --dropprivs -q -l off -C 2 "$@" >$dir/$name.log 2>&1 &
	main=$!
	# Its start-up (fd providers, socket cache) takes tens of seconds
	# under TCG: the time counts from its first child on.
	i=0
	while [ $i -lt 120 ] && ! grep -qs '^trinity-c' /proc/[0-9]*/comm; do
		sleep 1; i=$((i + 1))
	done
	sleep "$secs"
	kill -INT $main 2>/dev/null
	i=0
	while kill -0 $main 2>/dev/null && [ $i -lt 10 ]; do
		sleep 1; i=$((i + 1))
	done
	for p in /proc/[0-9]*; do
		case $(cat $p/comm 2>/dev/null) in
		trinity*) kill -KILL ${p#/proc/} 2>/dev/null ;;
		esac
	done
	wait $main 2>/dev/null
	sed 's/^/# | /' $dir/$name.log | tail -n 15
	ok "$name: trinity dropped root" grep -q 'Going to run as user nobody' $dir/$name.log
	ok "$name: trinity ran system calls" \
		grep -qE 'Ran [1-9][0-9]* syscalls|[1-9][0-9]* iterations' $dir/$name.log
	# It stops on its own only for a reason of its own (a tainted
	# kernel, children it cannot fork): anything but our ctrl-c.
	nok "$name: trinity stopped only when told to" stopped_itself $dir/$name.log
}

run dev-vale -V /dev/vale \
	--disable-fds=sockets,pipes,perf,epoll,eventfd,pseudo,timerfd,testfile,memfd,drm \
	-c ioctl -c mmap -c read -c write -c poll -c fcntl -c dup -c close
run netlink \
	--disable-fds=pipes,perf,epoll,eventfd,pseudo,timerfd,testfile,memfd,drm \
	-c sendmsg -c sendto -c recvmsg -c recvfrom -c setsockopt -c getsockopt \
	-c bind -c connect
done_testing
