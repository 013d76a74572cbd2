#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vale-port mode: front-end -> vale-vhost -> vale0 -> vale-pktgen and back,
# and between two front-ends with two queue pairs each.
# Runs inside the test VM, where vale.ko is loaded (vm-run loads it around
# every test), e.g.:
#
#   selftests/vm/vm-run \
#     --file build/user/qemu-backend/vale-vhost:/bin/vale-vhost \
#     --file build/user/vhost/hostile:/bin/hostile \
#     --file build/user/tools/vale-pktgen:/bin/vale-pktgen \
#     --file build/user/tools/vale-ctl:/bin/vale-ctl \
#     selftests/vhost/vale-port.sh
#
# The front-end is hostile's well-behaved --pump mode (vhost-user over a
# UNIX socket, rings in a memfd), so no nested QEMU is needed.
#
# Documentation/vm-attach.md: nothing is lost between the guest and the
# switch except what is counted (vale-vhost's tx_drops when the port's tx
# ring stays full, the switch's drop_* of the ports, drop_ring_full at a
# full receiver): every check below balances the books exactly.
. /tests/lib.sh

plan 14

vale-vhost --vm vm1,path=/tmp/vm1.sock,port=vale0:vm1 \
	--vm vm2,path=/tmp/vm2.sock,port=vale0:vm2,queues=2 \
	--vm vm3,path=/tmp/vm3.sock,port=vale0:vm3,queues=2 \
	</dev/null >/tmp/vhost.out 2>/tmp/vhost.log &
vp=$!
sleep 0.5

# ports: vale0's ports (vale_ports); pstat PORT KEY and pdrops PORT:
# port_stat and port_drops of the file $pj; vstat VM KEY: vhost_stat of
# this test's vale-vhost (/tests/lib.sh)
ports() { vale_ports vale0; }
pstat() { port_stat "$pj" "$@"; }
pdrops() { port_drops "$pj" "$@"; }
vstat() { vhost_stat $vp /tmp/vhost.out "$@"; }
# wait_line FILE PATTERN SECS
wait_line() {
	_i=0
	while [ $_i -lt $(($3 * 10)) ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
# field FILE WORD: the number after WORD in FILE
field() { sed -n "s/.* $2 \([0-9]*\).*/\1/p" "$1" | head -n 1; }

# guest -> switch: 20000 broadcast frames reach another port of vale0;
# every one is received by vale0:sink or counted as a drop.
pj=/tmp/ports1.json
rm -f /tmp/hold1
vale-pktgen rx -i vale0:sink -j >/tmp/rx.json 2>&1 &
rp=$!
sleep 0.5
hostile --pump /tmp/vm1.sock 20000 1 255 /tmp/hold1 >/tmp/pump1.out 2>&1 &
pp=$!
wait_line /tmp/pump1.out '^sent' 120
ok "front-end sends 20000 frames through vale-vhost" grep -q '^sent 20000 ' /tmp/pump1.out
sleep 0.5
ports >$pj
vdrop=$(vstat vm1 tx_drops)
kill -INT $rp
wait $rp
touch /tmp/hold1
wait $pp
got=$(sed -n 's/.*"packets":\([0-9]*\).*/\1/p' /tmp/rx.json | head -n 1)
sdrop=$(pdrops sink) vmdrop=$(pdrops vm1)
diag "$(cat $pj)"
diag "vale-pktgen rx on vale0:sink: ${got:-?} packets; drops: vale-vhost tx ${vdrop:-?}, vale0:vm1 ${vmdrop:-?}, vale0:sink ${sdrop:-?}"
is "$(pstat vm1 tx_packets)" "$((20000 - ${vdrop:-0}))" \
	"vale0:vm1 transmitted every frame vale-vhost did not count as a drop"
is "$((${got:-0} + ${vdrop:-0} + ${vmdrop:-0} + ${sdrop:-0}))" 20000 \
	"vale0:sink received + every counted drop == 20000 sent"
is "$(pstat sink rx_packets)" "${got:-x}" "vale0:sink's rx_packets == what vale-pktgen rx counted"

# switch -> guest: vale-pktgen's 2000 broadcasts reach the front-end; a
# frame that does not fit waits in vale0:vm1's rx ring, so only a full ring
# (drop_ring_full of vale0:vm1) may lose any.
pj=/tmp/ports2.json
rm -f /tmp/hold2
hostile --pump /tmp/vm1.sock 1 1 255 /tmp/hold2 >/tmp/pump2.out 2>&1 &
pp=$!
sleep 0.5
pgtx() { vale-pktgen tx "$@" >/tmp/tx2.out 2>&1; }
ok "vale-pktgen sends 2000 frames into vale0" pgtx -i vale0:src -n 2000 -R 20000
wait_line /tmp/pump2.out '^sent' 120
ports >$pj
vdrop=$(vstat vm1 rx_drops)
touch /tmp/hold2
wait $pp
rcv=$(field /tmp/pump2.out received)
rdrop=$(pstat vm1 drop_ring_full)
diag "front-end received ${rcv:-?} frames from vale0:src; vale0:vm1 drop_ring_full ${rdrop:-?}, vale-vhost rx_drops ${vdrop:-?}"
is "$((${rcv:-0} + ${rdrop:-0} + ${vdrop:-0}))" 2000 \
	"front-end received + vale0:vm1 drop_ring_full + vale-vhost rx_drops == 2000 sent"
is "$(pstat vm1 rx_packets)" "$((${rcv:-0} + 0))" "vale0:vm1's rx_packets == frames the front-end received"

# Backpressure: a guest with only 8 rx buffers gets all of a 500-frame
# burst; what does not fit waits in the vale port's rx ring until the guest
# gives buffers back (and its kick resumes vale-vhost).
hostile --pump /tmp/vm1.sock 0 1 8 >/tmp/pump.out 2>&1 &
pp=$!
sleep 0.5
vale-pktgen tx -i vale0:src -n 500 >/dev/null 2>&1
wait $pp
rcv=$(field /tmp/pump.out received)
diag "front-end with 8 rx buffers received ${rcv:-?} of 500 frames"
ok "a guest with 8 rx buffers receives all of a 500-frame burst" test "${rcv:-0}" -eq 500

# Multiqueue: vm2 and vm3 offer two queue pairs, so their ports have two
# tx and two rx rings.  vm2 sends half its frames on each pair; tx ring i
# reaches rx ring i of vm3, which vale-vhost hands to vm3's pair i.  vm3
# gives every buffer back at once: nothing may be lost unless counted.
pj=/tmp/ports3.json
rm -f /tmp/hold3
hostile --pump /tmp/vm3.sock 0 2 255 /tmp/hold3 >/tmp/pump3.out 2>&1 &
pp=$!
sleep 0.5
ok "front-end sends 2000 frames on two queue pairs" hostile --pump /tmp/vm2.sock 2000 2
wait_line /tmp/pump3.out '^sent' 120
ports >$pj
vdrop=$(vstat vm2 tx_drops)
touch /tmp/hold3
wait $pp
diag "vm3: $(cat /tmp/pump3.out)"
q0=$(sed -n 's/.*pair 0: \([0-9]*\).*/\1/p' /tmp/pump3.out)
q1=$(sed -n 's/.*pair 1: \([0-9]*\).*/\1/p' /tmp/pump3.out)
rdrop=$(pdrops vm3) tdrop=$(pdrops vm2)
diag "drops: vale-vhost vm2 tx ${vdrop:-?}, vale0:vm2 ${tdrop:-?}, vale0:vm3 ${rdrop:-?}"
is "$((${q0:-0} + ${q1:-0} + ${vdrop:-0} + ${tdrop:-0} + ${rdrop:-0}))" 2000 \
	"vm3 received + every counted drop == 2000 sent by vm2"
is "$(field /tmp/pump3.out numbered) $(field /tmp/pump3.out duplicates)" "$((${q0:-0} + ${q1:-0})) 0" \
	"vm3 received only vm2's numbered frames, each once"
is "$(field /tmp/pump3.out misrouted)" 0 "every frame arrived on the pair it was sent on"
ok "vm3's pairs carry no more than vm2 sent on each" test "${q0:-0}" -le 1000 -a "${q1:-0}" -le 1000

ok "vale-vhost still running" kill -0 $vp
kill -USR1 $vp
sleep 0.3
tail -n 1 /tmp/vhost.out | sed 's/^/# /'
kill $vp
wait $vp
grep error /tmp/vhost.log | sed 's/^/# /'
done_testing
