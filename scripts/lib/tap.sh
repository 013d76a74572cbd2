# SPDX-License-Identifier: GPL-2.0
#
# TAP results for the host-side runners (sourced by bash scripts):
#
#   ok STATUS DESCRIPTION [LOG]   result n+1, "ok" when STATUS is 0, else
#                                 "not ok" (counted in nfail) with the
#                                 last 25 lines of LOG, if given
#   skip DESCRIPTION REASON       result n+1, skipped
#
# n and nfail are the caller's counts (start at 0 here).
n=0 nfail=0

ok() {
	n=$((n + 1))
	if [[ $1 == 0 ]]; then
		echo "ok $n - $2"
		return 0
	fi
	echo "not ok $n - $2"
	nfail=$((nfail + 1))
	if [[ -n ${3:-} && -f $3 ]]; then
		tail -n 25 "$3" | sed 's/^/# /'
	fi
}

skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
