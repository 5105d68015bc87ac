#!/usr/bin/env python3
"""Hold many slow connections against a running `berth serve` and time scrapes.

Usage: slow_clients.py HOST PORT [--count 1000] [--mode mixed|idle|dribble|tls|keepalive]
                       [--samples 30] [--tls] [--hold 0]
Opens COUNT connections of the given kind (mixed = a quarter of each), then
scrapes /healthz and /metrics SAMPLES times each on fresh connections and
prints p50/p99/max latency and the number of failed scrapes (timeout 5 s).
  idle       connect, send nothing
  dribble    a request head, one byte per second (never finished)
  tls        a TLS ClientHello record header, one byte per second
  keepalive  one full GET /healthz answered, then idle on the kept-alive connection
--tls scrapes over https (certificate not verified). Not a pass/fail test.
"""
import argparse, resource, socket, ssl, sys, threading, time

def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

def open_slow(host, port, mode, out):
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    s.settimeout(10)
    try:
        s.connect((host, port))
    except OSError:
        out["failed_connects"] += 1
        s.close()
        return None
    if mode == "dribble":
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
    elif mode == "tls":
        s.sendall(b"\x16\x03\x01")
    elif mode == "keepalive":
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            s.recv(4096)
        except OSError:
            pass
    s.setblocking(False)
    return s

def dribbler(socks, stop):
    while not stop.is_set():
        for mode, s in socks:
            if mode in ("dribble", "tls"):
                try:
                    s.send(b"X" if mode == "dribble" else b"\x00")
                except OSError:
                    pass
        stop.wait(1.0)

def scrape(host, port, path, use_tls):
    start = time.monotonic()
    try:
        s = socket.create_connection((host, port), timeout=5)
        if use_tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            s = ctx.wrap_socket(s)
        s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode())
        chunks = []  # joined once: appending to bytes is quadratic on a 10 MB page
        while True:
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
        s.close()
        if not b"".join(chunks).startswith(b"HTTP/1.1 200"):
            return None
    except OSError:
        return None
    return time.monotonic() - start

def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host"); ap.add_argument("port", type=int)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--mode", default="mixed")
    ap.add_argument("--samples", type=int, default=30)
    ap.add_argument("--tls", action="store_true")
    ap.add_argument("--hold", type=float, default=0, help="seconds to wait after opening")
    a = ap.parse_args()
    raise_nofile()
    modes = ["idle", "dribble", "tls", "keepalive"] if a.mode == "mixed" else [a.mode]
    out = {"failed_connects": 0}
    socks = []
    start = time.monotonic()
    for i in range(a.count):
        mode = modes[i % len(modes)]
        s = open_slow(a.host, a.port, mode, out)
        if s is not None:
            socks.append((mode, s))
    opened = time.monotonic() - start
    stop = threading.Event()
    t = threading.Thread(target=dribbler, args=(socks, stop), daemon=True)
    t.start()
    time.sleep(a.hold)
    for path in ("/healthz", "/metrics"):
        times, failed = [], 0
        for _ in range(a.samples):
            v = scrape(a.host, a.port, path, a.tls)
            if v is None:
                failed += 1
            else:
                times.append(v)
        print("%d %s connections (opened in %.2f s, %d failed) | %-8s p50 %.1f ms p99 %.1f ms max %.1f ms | %d/%d failed"
              % (len(socks), a.mode, opened, out["failed_connects"], path,
                 percentile(times, 0.5) * 1e3, percentile(times, 0.99) * 1e3,
                 (max(times) if times else float("nan")) * 1e3, failed, a.samples), flush=True)
    stop.set()
    for _, s in socks:
        s.close()

if __name__ == "__main__":
    main()
