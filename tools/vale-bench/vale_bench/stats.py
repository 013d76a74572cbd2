# SPDX-License-Identifier: GPL-2.0
"""Mean, standard deviation, 95 % confidence interval (Student t),
median and spread of the repetitions of a point."""

import math

# Two-sided 95 % quantiles of Student's t, t(0.975, df), df = 1..30.
_T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
         2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101,
         2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052,
         2.048, 2.045, 2.042]


def t975(df):
    """t(0.975, df); beyond the table the normal quantile with the
    first-order correction (1.96 + 2.4/df is within 0.1 % for df > 30)."""
    if df < 1:
        raise ValueError("t quantile needs df >= 1")
    if df <= len(_T975):
        return _T975[df - 1]
    return 1.959964 + 2.4 / df


def median(xs):
    s = sorted(xs)
    n = len(s)
    if n == 0:
        return None
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2.0


def summarize(xs):
    """{n, mean, stddev, ci95, median, min, max, spread}: ci95 the
    half-width of the 95 % interval of the mean (None for n < 2), stddev
    the sample standard deviation, spread (max - min) / median."""
    xs = [float(x) for x in xs]
    n = len(xs)
    if n == 0:
        return {"n": 0, "mean": None, "stddev": None, "ci95": None,
                "median": None, "min": None, "max": None, "spread": None}
    mean = sum(xs) / n
    if n > 1:
        sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1))
        ci = t975(n - 1) * sd / math.sqrt(n)
    else:
        sd, ci = 0.0, None
    med = median(xs)
    spread = (max(xs) - min(xs)) / med if med else None
    return {"n": n, "mean": mean, "stddev": sd, "ci95": ci, "median": med,
            "min": min(xs), "max": max(xs), "spread": spread}


def ratio(ours, theirs):
    """Median ratio of two alternated series with its spread: the ratio
    of the medians, the range of per-round ratios, and whether the spread
    exceeds the effect: the per-round ratios fall on both sides of 1 (some
    rounds say the opposite of the median)."""
    rs = [a / b for a, b in zip(ours, theirs) if b]
    if not rs:
        return None
    mo, mt = median(ours), median(theirs)
    r = mo / mt if mt else None
    lo, hi = min(rs), max(rs)
    spread = hi - lo
    return {"ratio": r, "rounds": len(rs), "min": lo, "max": hi,
            "spread": spread,
            "spread_exceeds_effect": r is None or lo <= 1.0 <= hi}
