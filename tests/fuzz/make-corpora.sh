#!/usr/bin/env bash
# Builds the seed corpus of every fuzz target from what the repository
# already holds, instead of committing thousands of files:
#   - the fixture trees (tests/fixtures/*): cgroup and proc files, mountinfo,
#     namespace link texts and uid/gid maps,
#     cgroup directory paths, the kubelet's log file and directory names;
#   - the string literals of each parser's unit tests (Docker/Podman/CRI-O
#     JSON bodies, web configs, listen addresses, Authorization headers,
#     templates, file texts), adjacent literals joined as the compiler does.
# Usage: tests/fuzz/make-corpora.sh [OUT_DIR]   (default build/fuzz/corpus)
# Writes OUT_DIR/<target>/<sha1 of content>; an existing corpus is kept
# (files the fuzzer added stay), seeds are added.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-build/fuzz/corpus}
mkdir -p "$out"

python3 - "$out" <<'PY'
import hashlib, os, re, sys

out = sys.argv[1]
fx = "tests/fixtures"
tc, te, tl = "tests/collector", "tests/exporter", "tests/cli"

def literals(path):
    """The string literals of a C++ file, adjacent ones concatenated."""
    src = open(path, encoding="utf-8", errors="surrogateescape").read()
    simple = {"n": b"\n", "t": b"\t", "r": b"\r", "\\": b"\\", '"': b'"',
              "'": b"'", "a": b"\a", "b": b"\b", "f": b"\f", "v": b"\v", "?": b"?"}
    result, current, i, n = [], None, 0, len(src)
    def flush():
        nonlocal current
        if current is not None:
            result.append(current)
            current = None
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            i = src.find("\n", i)
            i = n if i < 0 else i
        elif src.startswith("/*", i):
            i = src.find("*/", i)
            i = n if i < 0 else i + 2
        elif c == "'":
            m = re.compile(r"'(\\.|[^'\\])*'").match(src, i)
            i = m.end() if m else i + 1
            flush()
        elif src.startswith('R"', i) and (i == 0 or not (src[i-1].isalnum() or src[i-1] == "_")):
            d_end = src.find("(", i + 2)
            delim = src[i + 2:d_end]
            close = src.find(")" + delim + '"', d_end)
            if close < 0:
                break
            current = (current or b"") + utf8(src[d_end + 1:close])
            i = close + len(delim) + 2
        elif c == '"':
            j, s = i + 1, []
            while j < n and src[j] != '"':
                if src[j] == "\\" and j + 1 < n:
                    e = src[j + 1]
                    if e == "x":
                        m = re.compile(r"[0-9a-fA-F]+").match(src, j + 2)
                        s.append(bytes([int(m.group(0), 16) & 0xFF])); j = m.end(); continue
                    if e in "01234567":
                        m = re.compile(r"[0-7]{1,3}").match(src, j + 1)
                        s.append(bytes([int(m.group(0), 8) & 0xFF])); j = m.end(); continue
                    s.append(simple.get(e, utf8(e))); j += 2; continue
                s.append(utf8(src[j])); j += 1
            current = (current or b"") + b"".join(s)
            i = j + 1
        elif c.isspace():
            i += 1
        else:
            flush()
            i += 1
    flush()
    return [l for l in result if l and not l.endswith((b".cc", b".h"))]

def utf8(text):
    return text.encode("utf-8", "surrogateescape")

def files_under(pattern_dirs, keep=lambda p: True):
    for d in pattern_dirs:
        for root, _, names in os.walk(d):
            for name in names:
                p = os.path.join(root, name)
                if os.path.isfile(p) and not os.path.islink(p) and keep(p):
                    yield open(p, "rb").read()

def fixture_dirs(sub):
    return [os.path.join(fx, f, sub) for f in sorted(os.listdir(fx))
            if os.path.isdir(os.path.join(fx, f, sub))]

def cgroup_paths():
    for top in fixture_dirs("sys/fs/cgroup"):
        roots = [top] + [os.path.join(top, c) for c in os.listdir(top)
                         if os.path.isdir(os.path.join(top, c)) and
                         not os.path.exists(os.path.join(top, c, "cgroup.procs"))]
        for root in roots:
            for d, _, _ in os.walk(root):
                rel = os.path.relpath(d, root)
                yield os.fsencode("/" if rel == "." else "/" + rel)  # any byte

def log_names():
    for d in fixture_dirs("var/log"):
        for root, dirs, names in os.walk(d):
            for name in dirs + names:
                yield os.fsencode(name)

def ns_links():
    for d in fixture_dirs("proc"):
        for root, _, names in os.walk(d):
            if os.path.basename(root) == "ns":
                for name in names:
                    yield os.fsencode(os.readlink(os.path.join(root, name)))

def lits(*paths):
    for p in paths:
        if os.path.exists(p):
            yield from literals(p)

def history_records():
    """The committed history store's records (each segment after its
    header), each record alone, and each payload inflated (a raw frame)."""
    import glob, struct, subprocess
    for path in sorted(glob.glob(f"{fx}/history-v1/*.brs")):
        body = open(path, "rb").read()[24:]
        yield body
        while len(body) >= 24:
            size = struct.unpack_from("<I", body, 4)[0]
            record, body = body[:24 + size], body[24 + size:]
            yield record
            try:
                raw = subprocess.run(["zstd", "-dc"], input=record[24:], capture_output=True,
                                     check=True).stdout
                yield raw
            except (OSError, subprocess.CalledProcessError):
                pass
def containerd_replies():
    """containerd gRPC replies in protobuf wire format (field numbers of
    containerd's .proto files), each after "<namespace>\\0"."""
    def varint(n):
        out = b""
        while True:
            b, n = n & 0x7F, n >> 7
            out += bytes([b | (0x80 if n else 0)])
            if not n:
                return out
    def ld(field, data):
        return varint(field << 3 | 2) + varint(len(data)) + data
    def label(k, v, field=2):  # a map<string, string> entry
        return ld(field, ld(1, k) + ld(2, v))
    cri = (label(b"io.kubernetes.pod.name", b"web-0") + label(b"io.kubernetes.pod.namespace", b"shop")
           + label(b"io.cri-containerd.kind", b"sandbox"))
    created = ld(8, varint(1 << 3) + varint(1700000000) + varint(2 << 3) + varint(5))
    sandbox = ld(1, b"a" * 64) + cri + ld(3, b"registry.k8s.io/pause:3.9") + ld(6, b"overlayfs") + ld(7, b"a" * 64) + created
    nerd = ld(1, b"b" * 64) + label(b"nerdctl/name", b"web") + ld(3, b"busybox") + ld(5, ld(1, b"spec") + ld(2, b"{}"))
    yield b"k8s.io\0" + ld(1, sandbox) + ld(1, nerd)
    yield b"default\0" + ld(1, ld(1, b"c" * 64) + label(b"bad", b"\xff\xfe"))
    yield b"default\0" + ld(1, nerd)  # a Get reply has the same shape
    yield b"\0" + ld(1, ld(1, b"default")) + ld(1, ld(1, b"k8s.io"))  # namespaces
    def envelope(ns, topic, type_url, payload):
        return b"\0" + ld(2, ns) + ld(3, topic) + ld(4, ld(1, type_url) + ld(2, payload))
    yield envelope(b"k8s.io", b"/containers/create", b"containerd.events.ContainerCreate", ld(1, b"a" * 64) + ld(2, b"img"))
    yield envelope(b"default", b"/containers/update", b"containerd.events.ContainerUpdate",
                   ld(1, b"b" * 64) + ld(2, b"img") + label(b"nerdctl/name", b"web2", 3))
    yield envelope(b"default", b"/containers/delete", b"containerd.events.ContainerDelete", ld(1, b"b" * 64))

seeds = {
    "cgroup_files": [files_under(fixture_dirs("sys/fs/cgroup")),
                     lits(f"{tc}/cgroup_parsers_test.cc", f"{tc}/extra_parsers_test.cc")],
    "proc_files": [files_under(fixture_dirs("proc")), files_under(fixture_dirs("sys/dev")),
                   lits(f"{tc}/proc_parsers_test.cc", f"{tc}/process_list_test.cc",
                        f"{te}/self_metrics_test.cc")],
    "mountinfo": [files_under(fixture_dirs("proc"), lambda p: p.endswith("mountinfo")),
                  lits(f"{tc}/cgroup_layout_test.cc", f"{tc}/proc_parsers_test.cc")],
    "namespaces": [ns_links(),
                   files_under(fixture_dirs("proc"), lambda p: p.endswith(("uid_map", "gid_map"))),
                   lits(f"{tc}/namespaces_test.cc")],
    "cgroup_path": [cgroup_paths(), lits(f"{tc}/discovery_test.cc")],
    "docker_json": [lits(f"{tc}/docker_parsers_test.cc", f"{tc}/docker_metadata_test.cc",
                         f"{tc}/docker_events_test.cc", f"{tc}/unix_http_client_test.cc")],
    "podman_json": [lits(f"{tc}/podman_metadata_test.cc", f"{tc}/podman_parsers_test.cc")],
    "crio_json": [lits(f"{tc}/crio_metadata_test.cc", f"{tc}/crio_parsers_test.cc")],
    "kubelet_log_names": [log_names(), lits(f"{tc}/kubelet_metadata_test.cc",
                                            f"{tc}/kubelet_log_names_test.cc")],
    "nerdctl_names": [lits(f"{tc}/nerdctl_metadata_test.cc"),
                      [b"default\0web\0" + b"ab" * 32 + b"\n", b"shop\0api\0" + b"0" * 64]],
    "containerd_replies": [containerd_replies()],
    "web_config": [lits(f"{te}/web_config_test.cc")],
    "listen_address": [lits(f"{te}/listen_address_test.cc")],
    "basic_auth": [lits(f"{te}/basic_auth_test.cc")],
    "http_request": [lits(f"{te}/http_request_test.cc", f"{te}/http_server_test.cc")],
    "go_template": [lits(f"{tl}/stats_output_test.cc", f"{tl}/go_template_test.cc",
                         f"{tl}/docker_templates/single_cases.inc",
                         f"{tl}/docker_templates/table_cases.inc")],
    "utf8_text": [lits(f"{tc}/utf8_text_test.cc"), cgroup_paths()],
    "history_frames": [history_records()],
}
for target, sources in seeds.items():
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    count = 0
    for source in sources:
        for data in source:
            if not data or len(data) > 65536:
                continue
            path = os.path.join(d, hashlib.sha1(data).hexdigest())
            if not os.path.exists(path):
                open(path, "wb").write(data)
            count += 1
    print(f"{target}: {count} seeds, {len(os.listdir(d))} files")
PY
