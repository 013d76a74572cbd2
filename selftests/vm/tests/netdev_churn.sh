#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# netdev_churn: attach and detach a veth while traffic flows through it, and
# delete attached devices, 100 times each (25 on the debug kernel); then the module's slab usage and
# the ports are back to where they were (the harness also rmmods vale.ko
# after the test and fails it if that is refused; the console is scanned
# for warnings).
. /tests/lib.sh

VC=/bin/vale-ctl
PG=/bin/vale-pktgen
if [ ! -x $VC ] || [ ! -x $PG ]; then
	plan 1
	skip "netdev churn" "needs /bin/vale-ctl and /bin/vale-pktgen"
	done_testing
	exit
fi
kmod_load veth || { plan 1; skip "netdev churn" "no veth"; done_testing; exit; }
# KASAN, lockdep and kmemleak make a cycle about twelve times slower (100
# cycles took 622 s on the debug kernel): 25 there still take every path.
case $(uname -r) in *-vale-debug) N=${N:-25} ;; esac
N=${N:-100}
plan 13

# No spontaneous IPv6 multicast from the many new devices: a veth with both
# ends on the switch is a loop, and a loop floods what enters it forever.
sysctl -qw net.ipv6.conf.default.disable_ipv6=1
sysctl -qw net.ipv6.conf.all.disable_ipv6=1

slabs() { awk '$1 ~ /^(kmalloc-|skbuff)/ { s += $2 } END { print s }' /proc/slabinfo; }

ip netns add nsc
ip link add c1 type veth peer name c1p
ip link set c1p netns nsc
ip -n nsc addr add 10.9.0.1/24 dev c1p
ip -n nsc link set c1p up
ip link set c1 up
$VC switch add valec

# nsc_stat COUNTER: a counter of device c1p in namespace nsc
nsc_stat() { ip netns exec nsc cat "/sys/class/net/c1p/statistics/$1"; }
# gen_in: frames the switch took for valec:gen (delivered or ring full)
gen_in() {
	$VC -j port show valec:gen | sed -n \
	    's/.*"rx_packets":\([0-9]*\).*"drop_ring_full":\([0-9]*\).*/\1 \2/p' |
	    { read -r _r _f; echo $((${_r:-0} + ${_f:-0})); }
}

# Traffic both ways while c1 is attached: broadcasts from a vale port go
# out through c1 to c1p; ARP requests for an address nobody has (every
# 50 ms: neighbour probes that fast, and pings that restart them) come in
# from c1p through c1 and flood to valec:gen.
ip netns exec nsc sysctl -qw net.ipv4.neigh.c1p.retrans_time_ms=50
$PG tx -i valec:gen -l 60 -R 2000 -d 600 >/dev/null 2>&1 &
tx=$!
# exec: $pg must be the ping itself (ip is a shell function in lib.sh)
sh -c 'exec /usr/bin/ip netns exec nsc ping -i 0.05 -W 1 10.9.0.99' \
	>/dev/null 2>&1 &
pg=$!
i=0
while [ $i -lt 50 ] && ! $VC port show valec:gen >/dev/null 2>&1; do
	sleep 0.1
	i=$((i + 1))
done
before=$(slabs)
out0=$(nsc_stat rx_packets)
in0=$(gen_in)
fail=0
i=0
while [ $i -lt $N ]; do
	$VC attach valec c1 || fail=$((fail + 1))
	$VC detach c1 || fail=$((fail + 1))
	i=$((i + 1))
done
out1=$(nsc_stat rx_packets)
in1=$(gen_in)
is "$fail" 0 "$N attach/detach cycles under traffic"
# Under traffic: both sources ran through the whole loop, and frames
# crossed c1 both ways while it was attached (at 2000 frames/s out, at
# least one per cycle on average; at 20 ARP requests/s in, at least 10).
ok "the generator and the pings ran throughout" kill -0 $tx $pg
out=$((out1 - out0))
in=$((in1 - in0))
diag "while attached: $out frames out through c1, $in in from c1"
ok "frames went out through c1 during the cycles ($out)" [ $out -ge $N ]
ok "frames came in from c1 during the cycles ($in)" [ $in -ge 10 ]
# The loops below must not get broadcasts to flood: stop the generator.
kill $tx 2>/dev/null
wait $tx 2>/dev/null

fail=0
i=0
while [ $i -lt $N ]; do
	ip link add d$i type veth peer name d${i}p || fail=$((fail + 1))
	ip link set d$i up
	ip link set d${i}p up
	$VC attach valec d$i || fail=$((fail + 1))
	$VC attach valec d${i}p || fail=$((fail + 1))	# a loop
	if [ $((i % 2)) = 0 ]; then
		ip link del d$i || fail=$((fail + 1))
	else
		ip link set d${i}p netns nsc || fail=$((fail + 1))
		ip link del d$i || fail=$((fail + 1))
	fi
	i=$((i + 1))
done
is "$fail" 0 "$N attached veth pairs deleted or moved (loop through the switch)"
ports=$($VC port show valec | grep -c netdev)
is "$ports" 0 "no netdev port left"

$VC attach valec c1
# One attempt: a second one would fail anyway (already attached) and hide
# a first that wrongly succeeded.
$VC attach valec lo 2>/tmp/lo.err
is "$?" 1 "loopback cannot be attached"
diag "$(cat /tmp/lo.err)"
is "$(cat /tmp/lo.err)" \
	"vale-ctl: attach: Operation not supported: not an Ethernet device" \
	"refused with EOPNOTSUPP and the kernel's reason"
is "$($VC port show valec | grep -c '^valec:lo ')" 0 "lo is not a port"
ip link set c1 mtu 1000
ip link set c1 down
ip link set c1 up
ok "MTU change and down/up keep the port" sh -c "$VC port show valec:c1 >/dev/null"
kill $pg 2>/dev/null	# the ping keeps nsc alive
wait
ip netns del nsc		# deletes c1p, c1 goes with it (asynchronously)
i=0
while [ $i -lt 300 ] && $VC port show valec | grep -q netdev; do
	sleep 0.2
	i=$((i + 1))
done
diag "$($VC port show valec)"
is "$($VC port show valec | grep -c netdev)" 0 "the port went with the device ($((i / 5)) s)"
ok "switch del" $VC switch del valec
sleep 1
after=$(slabs)
diag "kmalloc/skbuff slab objects: $before before, $after after"
ok "no big slab growth" [ "$after" -lt $((before + 2000)) ]
done_testing
