#!/usr/bin/env python3
"""A synthetic cgroup v2 host for `berth top` whose counters move.

  top_synthetic_host.py make DIR N     writes DIR as a rootfs with N Docker
                                       containers (docker-<id>.scope, each with
                                       one process in its own netns), using
                                       the file shapes of tests/fixtures/generate.py
  top_synthetic_host.py bump DIR N SECONDS
                                       every second, for SECONDS, advances
                                       /proc/stat and every container's
                                       cpu.stat, memory.current, io.stat and
                                       net/dev in place (same inode, so kept
                                       file descriptors see the change)

Used by tests/bench/top_cpu_bench.sh; every figure changes every second, so
every frame of the list view differs (the worst case for redraw cost).
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import generate as g  # noqa: E402

FIRST_PID = 200000
USER_HZ = 100


def cid(i):
    return "%012x%052x" % (0xbe7000000000 + i, i)


def proc_stat(step, n):
    # 2 CPUs; user time grows with the containers' load, idle with the rest.
    user = 58990 + step * 60
    idle = 56332 + step * 140
    return ("cpu  %d 429 28591 %d 999 0 371 0 0 0\ncpu0 %d 81 13364 %d 167 0 114 0 0 0\n"
            "cpu1 %d 348 15227 %d 831 0 257 0 0 0\nbtime 1795337408\n") % (
        user, idle, user // 2, idle // 2, user // 2, idle // 2)


def container_files(i, step):
    usage = 1000000 + step * (1000 + 997 * (i % 50))  # usec: 0.1 % .. 5 % of a core
    mem = (8 + i % 64) * 1048576 + step * 4096 * (i % 7)
    cpu = g.cpu_stat_v2(usage, usage * 2 // 3, usage // 3, 100 + step * 10, step * (i % 3), step * 50)
    io = "254:0 rbytes=%d wbytes=%d rios=%d wios=%d dbytes=0 dios=0\n" % (
        4096 * step * (i % 5), 8192 * step * (i % 3), step, step)
    net = g.net_dev([("eth0", 1500 * step * (i % 11), step, 0, 0, 700 * step, step, 0, 0),
                     ("lo", 0, 0, 0, 0, 0, 0, 0, 0)])
    return cpu, "%d\n" % mem, io, net


def make(root, n):
    t = g.Tree(os.path.abspath(root))
    g.host_proc(t, g.MOUNTINFO_V2, hostname="synthetic-200")
    t.write("proc/stat", proc_stat(0, n))
    t.write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
    g.v2_host_root(t)
    g.v2_plain(t, "/system.slice/docker.service", [880])
    for i in range(n):
        pid = FIRST_PID + i
        path = "/system.slice/docker-%s.scope" % cid(i)
        cpu, mem, io, net = container_files(i, 0)
        c = dict(g.HOSTNET, procs=[pid], cpu=(1, 1, 0), mem_current=0,
                 mem_max=str(256 * 1048576), pids_current=1, io=[])
        g.v2_container(t, path, c)
        d = "sys/fs/cgroup" + path
        t.write(d + "/cpu.stat", cpu)
        t.write(d + "/memory.current", mem)
        t.write(d + "/io.stat", io)
        g.process(t, pid, "app", 120000 + i, "net:[%d]" % (4026533000 + i),
                  [("eth0", 0, 0, 0, 0, 0, 0, 0, 0)])
        t.write("proc/%d/net/dev" % pid, net)
        t.write("proc/%d/status" % pid, "Name:\tapp\nUid:\t0\t0\t0\t0\n")
        t.write("proc/%d/cmdline" % pid, "app\0--serve\0")


def rewrite(path, text):
    # In place: the same inode, so a descriptor berth keeps open sees it.
    with open(path, "r+") as f:
        f.seek(0)
        f.write(text)
        f.truncate()


def bump(root, n, seconds):
    start = time.monotonic()
    step = 0
    while time.monotonic() - start < seconds:
        step += 1
        rewrite(os.path.join(root, "proc/stat"), proc_stat(step, n))
        for i in range(n):
            d = os.path.join(root, "sys/fs/cgroup/system.slice/docker-%s.scope" % cid(i))
            cpu, mem, io, net = container_files(i, step)
            rewrite(d + "/cpu.stat", cpu)
            rewrite(d + "/memory.current", mem)
            rewrite(d + "/io.stat", io)
            rewrite(os.path.join(root, "proc/%d/net/dev" % (FIRST_PID + i)), net)
        time.sleep(max(0.0, start + step - time.monotonic()))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == "bump":
        bump(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    else:
        sys.exit(__doc__)
