# SPDX-License-Identifier: GPL-2.0
#
# Load and unload vale.ko and vmpi.ko 20 times in one boot: the module
# loads, /dev/vale exists exactly while vale.ko is loaded, the misc device
# is not leaked, and unloading always succeeds.
. /tests/lib.sh

plan 6
misc_count() { grep -c " $1\$" /proc/misc; }

for mod in vale vmpi; do
	bad=0
	for i in $(seq 1 20); do
		if ! insmod /vale/$mod.ko; then
			bad=1; diag "$mod: insmod failed at round $i"; break
		fi
		if [ $mod = vale ]; then
			[ -c /dev/vale ] || { bad=1; diag "no /dev/vale at round $i"; }
			[ "$(misc_count vale)" = 1 ] || { bad=1; diag "misc count $(misc_count vale)"; }
		fi
		if ! rmmod $mod; then
			bad=1; diag "$mod: rmmod failed at round $i"; break
		fi
		if [ $mod = vale ]; then
			[ ! -e /dev/vale ] || { bad=1; diag "/dev/vale left at round $i"; }
			[ "$(misc_count vale)" = 0 ] || { bad=1; diag "misc device leaked"; }
		fi
		grep -q "^$mod " /proc/modules && { bad=1; diag "$mod still listed"; }
		[ $bad = 0 ] || break
	done
	is $bad 0 "$mod: 20 load/unload rounds"
done

insmod /vale/vale.ko
is "$(stat -c '%a' /dev/vale)" 660 "/dev/vale has mode 0660"
is "$(stat -c '%U' /dev/vale)" root "/dev/vale owned by root"
dmesg | grep -q 'vale: version .* loaded' ; is $? 0 "vale logs its version"
rmmod vale
dmesg | grep -q 'vmpi: version .* loaded' ; is $? 0 "vmpi logs its version"
done_testing
