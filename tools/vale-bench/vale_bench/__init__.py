# SPDX-License-Identifier: GPL-2.0
"""vale-bench: compare inter-container and VM networking mechanisms.

One module per concern: params (sweep syntax), runfile (run-file loading
and validation), stats (mean, spread, confidence intervals), machine (what
the run ran on), deploy (namespaces, CPU sets, cleanup), topology (who
talks to whom), transports (the mechanisms), endpoint (running
vale-bench-ep), runner (the sweep), results (the tree), summary, plots,
progress, vm (booting the test VM from the host), cli.
"""
VERSION = "1"
