#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot the test VM, load vale.ko, create switch vale0 by opening
# two ports on it, send frames from one to the other with vale-pktgen for
# a few seconds and print the rate.  DEMO_KERNEL=6.12 to use the other
# kernel, DEMO_SECONDS to change the duration.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kernel=${DEMO_KERNEL:-6.1}
secs=${DEMO_SECONDS:-4}

echo "demo: building (modules for $kernel, libvale, vale-pktgen)..."
make -s all KERNEL="$kernel" >/dev/null

guest=$(mktemp -d)
trap 'rm -rf "$guest"' EXIT
cat >"$guest/demo.sh" <<GUEST
. /tests/lib.sh
plan 1
echo "guest: \$(uname -r), vale.ko loaded: \$(grep -c '^vale ' /proc/modules) module"
ls -l /dev/vale
vale-pktgen rx -i vale0:rx -d $((secs + 3)) -T 2 -j >/tmp/rx.json &
sleep 0.5
echo "guest: vale-pktgen tx -i vale0:tx -l 60 -b 512 -d $secs"
vale-pktgen tx -i vale0:tx -l 60 -b 512 -d $secs -D 02:00:00:00:00:02
wait
echo "DEMO-RX \$(cat /tmp/rx.json)"
ok "demo ran" test -s /tmp/rx.json
done_testing
GUEST

mkdir -p build/vm
echo "demo: booting Debian's $kernel kernel in QEMU (TCG) with vale.ko..."
st=0
selftests/vm/vm-run -v --kernel "$kernel" --out build/vm/demo \
	--file build/user/tools/vale-pktgen:/bin/vale-pktgen \
	"$guest/demo.sh:120" >build/vm/demo.log 2>&1 || st=$?
grep -v -e '^DEMO-RX' -e '^PASS' -e '^[0-9]* passed' build/vm/demo.log |
	sed 's/^/  /'
rx=$(sed -n 's/^DEMO-RX //p' build/vm/demo.log)
if [[ $st != 0 || -z $rx ]]; then
	echo "demo: failed; see build/vm/demo.log and build/vm/demo/console.log" >&2
	exit 1
fi
python3 - "$rx" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
full = d.get("port_stats", {}).get("drop_ring_full", 0)
print("demo: vale0:tx -> vale0:rx: %.3f Mpps (%.3f Gbit/s) received, "
      "%d packets, %.1f per sync; %d dropped because the receiver's ring "
      "was full" % (d["pps"] / 1e6, d["gbps"], d["packets"], d["avg_batch"],
                    full))
PY
