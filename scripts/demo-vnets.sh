#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo-vnets: boot the test VM, make two "hosts" (network namespaces
# hA and hB joined by an underlay veth), apply
# Documentation/examples/vnets.yaml on each with vale-net (two VNets, red
# and blue, with the same addresses, across the hosts over vxlan), show
# traffic inside each VNet and none between them, print the phase times,
# destroy.  DEMO_KERNEL=6.12 for the other kernel.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kernel=${DEMO_KERNEL:-6.1}

echo "demo-vnets: building (modules for $kernel, vale-net, vale-ctl)..."
make -s all KERNEL="$kernel" >/dev/null
for b in vale-net vale-ctl vnet-frames; do
	[[ -x build/user/tools/$b ]] || { echo "demo-vnets: no build/user/tools/$b" >&2; exit 1; }
done

guest=$(mktemp -d)
trap 'rm -rf "$guest"' EXIT
cat >"$guest/demo-vnets.sh" <<'GUEST'
. /tests/lib.sh
plan 5
kmod_load veth; kmod_load vxlan
ip netns add hA; ip netns add hB
ip -n hA link add uA type veth peer name uB netns hB
ip -n hA addr add 192.168.77.1/24 dev uA; ip -n hA link set uA up
ip -n hB addr add 192.168.77.2/24 dev uB; ip -n hB link set uB up
echo "== host A: vale-net --netns hA apply vnets.yaml"
vale-net --netns hA apply /vnets.yaml; a=$?
echo "== host B: vale-net --netns hB apply vnets.yaml"
vale-net --netns hB apply /vnets.yaml; b=$?
ok "applied on both hosts" [ "$a$b" = 00 ]
echo "== host A: vale-net --netns hA show"
vale-net --netns hA show
echo "== inside red: web (host A) pings db (host B)"
ok "red web -> red db across hosts" ip netns exec vn.red.web ping -c 3 -W 3 10.0.0.2
echo "== inside blue: the same addresses, another VNet"
ok "blue web -> blue db across hosts" ip netns exec vn.blue.web ping -c 3 -W 3 10.0.0.2
echo "== between them: every node sends forged frames, every node sniffs"
for v in red blue; do for n in web db; do
	ip netns exec vn.$v.$n vnet-frames sniff eth0 5 >/tmp/s.$v.$n &
done; done
sleep 1
for v in red blue; do for n in web db; do
	ip netns exec vn.$v.$n vnet-frames send eth0 $v-$n 10 >/dev/null
done; done
wait
cross=0
for v in red blue; do for n in web db; do
	echo "   $v $n received: $(tr '\n' ' ' </tmp/s.$v.$n)"
	cross=$((cross + $(grep -vc "^$v-" /tmp/s.$v.$n)))
done; done
is "$cross" 0 "no frame crossed between red and blue"
vale-net --netns hA destroy red >/dev/null && vale-net --netns hA destroy blue >/dev/null &&
	vale-net --netns hB destroy red >/dev/null && vale-net --netns hB destroy blue >/dev/null
ok "destroyed on both hosts" [ "$(vale-ctl switch show | grep -c valenet)" = 0 ]
ip netns del hA; ip netns del hB
done_testing
GUEST

mkdir -p build/vm
echo "demo-vnets: booting Debian's $kernel kernel in QEMU (TCG) with vale.ko..."
st=0
selftests/vm/vm-run -v --kernel "$kernel" --out build/vm/demo-vnets \
	--file build/user/tools/vale-net:/bin/vale-net \
	--file build/user/tools/vale-ctl:/bin/vale-ctl \
	--file build/user/tools/vnet-frames:/bin/vnet-frames \
	--file Documentation/examples/vnets.yaml:/vnets.yaml \
	"$guest/demo-vnets.sh:180" >build/vm/demo-vnets.log 2>&1 || st=$?
grep -v -e '^PASS' -e '^[0-9]* passed' -e '^# vm-run' build/vm/demo-vnets.log | sed 's/^/  /'
if [[ $st != 0 ]]; then
	echo "demo-vnets: failed; see build/vm/demo-vnets.log" >&2
	exit 1
fi
echo "demo-vnets: two VNets over two hosts, traffic inside each, none between them"
