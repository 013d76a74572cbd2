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
#     selftests/vhost/vale-port.sh
#
# The front-end is hostile's well-behaved --pump mode (vhost-user over a
# UNIX socket, rings in a memfd), so no nested QEMU is needed.
. /tests/lib.sh

vale-vhost --vm vm1,path=/tmp/vm1.sock,port=vale0:vm1 \
	--vm vm2,path=/tmp/vm2.sock,port=vale0:vm2,queues=2 \
	--vm vm3,path=/tmp/vm3.sock,port=vale0:vm3,queues=2 \
	</dev/null >/tmp/vhost.out 2>/tmp/vhost.log &
vp=$!
sleep 0.5

# guest -> switch: broadcast frames reach another port of vale0
vale-pktgen rx -i vale0:sink -T 3 -j >/tmp/rx.json 2>&1 &
rp=$!
sleep 0.5
ok "front-end sends 20000 frames through vale-vhost" hostile --pump /tmp/vm1.sock 20000
wait $rp
got=$(sed -n 's/.*"packets":\([0-9]*\).*/\1/p' /tmp/rx.json | head -n 1)
diag "vale-pktgen rx on vale0:sink: ${got:-?} packets"
ok "vale0:sink received at least 90% of them" test "${got:-0}" -ge 18000

# switch -> guest: vale-pktgen's broadcasts reach the front-end
hostile --pump /tmp/vm1.sock 1 >/tmp/pump.out 2>&1 &
pp=$!
sleep 0.5
vale-pktgen tx -i vale0:src -n 2000 -R 20000 >/dev/null 2>&1
wait $pp
rcv=$(sed -n 's/.*received \([0-9]*\).*/\1/p' /tmp/pump.out)
diag "front-end received ${rcv:-?} frames from vale0:src"
ok "frames from vale0 reach the guest rx ring" test "${rcv:-0}" -gt 0

# Backpressure: a guest with only 8 rx buffers gets all of a 500-frame
# burst; what does not fit waits in the vale port's rx ring until the guest
# gives buffers back (and its kick resumes vale-vhost).
hostile --pump /tmp/vm1.sock 0 1 8 >/tmp/pump.out 2>&1 &
pp=$!
sleep 0.5
vale-pktgen tx -i vale0:src -n 500 >/dev/null 2>&1
wait $pp
rcv=$(sed -n 's/.*received \([0-9]*\).*/\1/p' /tmp/pump.out)
diag "front-end with 8 rx buffers received ${rcv:-?} of 500 frames"
ok "a guest with 8 rx buffers receives all of a 500-frame burst" test "${rcv:-0}" -eq 500

# Multiqueue: vm2 and vm3 offer two queue pairs, so their ports have two
# tx and two rx rings.  vm2 sends half its frames on each pair; tx ring i
# reaches rx ring i of vm3, which vale-vhost hands to vm3's pair i.
hostile --pump /tmp/vm3.sock 0 2 >/tmp/pump3.out 2>&1 &
pp=$!
sleep 0.5
ok "front-end sends 2000 frames on two queue pairs" hostile --pump /tmp/vm2.sock 2000 2
wait $pp
diag "vm3: $(cat /tmp/pump3.out)"
q0=$(sed -n 's/.*pair 0: \([0-9]*\).*/\1/p' /tmp/pump3.out)
q1=$(sed -n 's/.*pair 1: \([0-9]*\).*/\1/p' /tmp/pump3.out)
# (vale-vhost drops what the guest has no buffer for, as a NIC does: ask
# for half, the point is which pair the frames arrive on)
ok "vm3 received vm2's pair-0 frames on its pair 0" test "${q0:-0}" -ge 500
ok "vm3 received vm2's pair-1 frames on its pair 1" test "${q1:-0}" -ge 500
ok "vm3's pairs carry no more than vm2 sent on each" test "${q0:-0}" -le 1000 -a "${q1:-0}" -le 1000

ok "vale-vhost still running" kill -0 $vp
kill -USR1 $vp
sleep 0.3
tail -n 1 /tmp/vhost.out | sed 's/^/# /'
kill $vp
wait $vp
grep error /tmp/vhost.log | sed 's/^/# /'
done_testing
