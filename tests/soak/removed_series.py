#!/usr/bin/env python3
"""Checks that Prometheus holds no sample of a removed container past one scrape.

    removed_series.py PROMETHEUS_URL REMOVED_FILE

REMOVED_FILE has one line per `docker rm`: "EPOCH_SECONDS CONTAINER_ID NAME"
(EPOCH taken when the command returned). A scraped series carries the
timestamp of its scrape's start, the same as that scrape's `up` sample. The
first scrape that began after the removal may still carry the container (its
collection can predate the removal); any later scrape must not. So for each
removed container: its last sample (any container_* series whose id label
holds the container id) must be no later than the first `up{job="berth"}`
sample after the removal.

Prints one line per violation and a summary line last; exit 1 on any
violation, or when no removed container was ever seen (the check would be
empty), 2 when Prometheus cannot be asked.
"""
import json
import sys
import time
import urllib.parse
import urllib.request


def query(base, promql, at):
    url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": promql, "time": f"{at:.3f}"})
    with urllib.request.urlopen(url, timeout=30) as reply:
        body = json.load(reply)
    if body.get("status") != "success":
        raise RuntimeError(f"{promql}: {body}")
    return body["data"]["result"]


def main():
    base, removed_file = sys.argv[1], sys.argv[2]
    removals = []
    with open(removed_file) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                removals.append((float(parts[0]), parts[1], parts[2] if len(parts) > 2 else ""))
    if not removals:
        print("no removals to check")
        return 1
    now = time.time()
    window = int(now - min(t for t, _, _ in removals)) + 120
    try:
        up = query(base, f'up{{job="berth"}}[{window}s]', now)
        scrapes = sorted(float(ts) for series in up for ts, _ in series["values"])
        violations, seen = 0, 0
        for removed_at, container_id, name in removals:
            result = query(base, f'{{__name__=~"container_.+",id=~".*{container_id}.*"}}[{window}s]', now)
            stamps = [float(ts) for series in result for ts, _ in series["values"]]
            if not stamps:
                continue  # lived between two scrapes: never seen
            seen += 1
            after = [s for s in scrapes if s > removed_at]
            if not after:
                print(f"{name}: no scrape after its removal at {removed_at:.3f}")
                violations += 1
                continue
            last = max(stamps)
            if last > after[0]:
                late = sum(1 for s in scrapes if after[0] < s <= last)
                print(f"{name} ({container_id[:12]}): samples {last - removed_at:.2f} s after docker rm, "
                      f"{late} scrape(s) past the first one after it")
                violations += 1
    except (OSError, RuntimeError, ValueError, KeyError) as error:
        print(f"cannot ask Prometheus: {error}")
        return 2
    print(f"{len(removals)} removed, {seen} seen by Prometheus, {violations} with samples past one scrape")
    return 1 if violations or seen == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
