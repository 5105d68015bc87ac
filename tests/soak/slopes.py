#!/usr/bin/env python3
"""Growth of RSS and descriptors over time, the number of containers held apart.

    slopes.py WARMUP_SECONDS < SAMPLES

SAMPLES: one line per second, "SECONDS RSS_KB FDS CONTAINERS". berth keeps
descriptors (and some memory) per container, so under churn both figures
follow the container count; a leak grows with time whatever the count. So
each figure y is fitted by least squares as y = a + slope * t + per * n over
the samples from WARMUP_SECONDS on, and the slope is the leak rate. (When
the count never changed, per is 0 and the fit is the plain line y = a + slope * t.)

Prints: rss_kb_per_min rss_kb_per_container fds_per_min fds_per_container
samples first_rss last_rss first_fds last_fds — or "nan ..." with fewer
than 10 samples.
"""
import sys


def fit(ts, ns, ys):
    """(slope per second, per container) of y = a + slope * t + per * n."""
    k = len(ts)
    mt, mn, my = sum(ts) / k, sum(ns) / k, sum(ys) / k
    stt = sum((t - mt) ** 2 for t in ts)
    snn = sum((n - mn) ** 2 for n in ns)
    stn = sum((t - mt) * (n - mn) for t, n in zip(ts, ns))
    sty = sum((t - mt) * (y - my) for t, y in zip(ts, ys))
    sny = sum((n - mn) * (y - my) for n, y in zip(ns, ys))
    det = stt * snn - stn * stn
    if snn == 0 or abs(det) < 1e-9 * stt * snn:
        return sty / stt, 0.0
    return (sty * snn - sny * stn) / det, (sny * stt - sty * stn) / det


def main():
    warmup = float(sys.argv[1])
    rows = []
    for line in sys.stdin:
        parts = line.split()
        if len(parts) == 4 and float(parts[0]) >= warmup:
            rows.append(tuple(float(p) for p in parts))
    if len(rows) < 10:
        print(f"nan nan nan nan {len(rows)} 0 0 0 0")
        return 0
    ts, rss, fds, ns = zip(*rows)
    rss_slope, rss_per = fit(ts, ns, rss)
    fd_slope, fd_per = fit(ts, ns, fds)
    print(f"{60 * rss_slope:.1f} {rss_per:.1f} {60 * fd_slope:.2f} {fd_per:.2f} {len(rows)} "
          f"{rss[0]:.0f} {rss[-1]:.0f} {fds[0]:.0f} {fds[-1]:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
