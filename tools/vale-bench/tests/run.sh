#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Tier 0 of vale-bench (host, no VM): TAP with its plan on stdout, exit
# status non-zero when a case failed.  scripts/check.sh runs it.
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/test_tier0.py"
