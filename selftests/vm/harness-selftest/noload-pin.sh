# SPDX-License-Identifier: GPL-2.0
# Harness self-test: loads a module that holds a reference on itself; the
# harness must find it still loaded after the test and fail the test.
echo "1..1"
if insmod /vale/vale_selftest_warn.ko warn=0 pin=1; then
	echo "ok 1 - loaded a module that cannot unload"
else
	echo "not ok 1 - loaded a module that cannot unload"
fi
