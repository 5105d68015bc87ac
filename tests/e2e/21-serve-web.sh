#!/usr/bin/env bash
# `berth serve` web layer, over a fixture tree (no Docker needed):
#   - basic auth from --web.config.file (bcrypt): 401 without, 200 with;
#   - TLS with a CA made here by openssl: curl --cacert succeeds, plain HTTP
#     and an untrusting client fail; TLS + basic auth together;
#   - exporter-toolkit TLS keys: client_allowed_sans (a CA-signed client
#     certificate without the SAN is refused), cipher_suites, min/max_version,
#     http_server_config.headers; TLS10 refused at startup in one line;
#   - reload: a rotated certificate is served without a restart, a broken
#     config keeps the old settings (logged once);
#   - IPv6 loopback ([::1]) and the default dual-stack ":port" on both families;
#   - gzip when asked; the landing page, /healthz, JSON API;
#   - a busy port, an invalid address, an unreadable config, bad TLS files,
#     an unknown collector group: one line on stderr and exit 1, nothing served.
# Env: BERTH_BIN. Exit 0 pass, 77 skip, else fail.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BERTH_BIN=${BERTH_BIN:-$ROOT/build/release/cli/berth}
FIXTURE=$ROOT/tests/fixtures/v2-docker-systemd
PY=$(command -v python3 || true)

# shellcheck source=lib/require.sh
source "$(dirname "$0")/lib/require.sh"
require_tools curl openssl "$PY"
require_berth
[ -d "$FIXTURE" ] || { echo "SKIP: no fixture tree $FIXTURE"; exit 77; }

tmp=$(mktemp -d /tmp/berth-serve-web.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT  # run cleanup on a signal too
fail() { echo "FAIL: $*"; for f in "$tmp"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -5 "$f"; }; done; exit 1; }
# shellcheck source=lib/http.sh
source "$ROOT/tests/e2e/lib/http.sh"

# start NAME ARGS... : runs berth serve in the background, waits for its
# "listening" log line, sets PORT from it.
start() {
  local name=$1; shift
  "$BERTH_BIN" serve --path.rootfs "$FIXTURE" --docker.socket "" "$@" >"$tmp/$name.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    grep -q 'listening on' "$tmp/$name.log" && break
    kill -0 "${PIDS[-1]}" 2>/dev/null || fail "$name: berth serve exited"
    sleep 0.1
  done
  PORT=$(grep -o 'listening on [^ "]*' "$tmp/$name.log" | head -1 | grep -o '[0-9]*$')
  [ -n "$PORT" ] || fail "$name: no listening line"
}
http_code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# --- basic auth -----------------------------------------------------------
hash=$("$PY" -W ignore -c 'import crypt; print(crypt.crypt("s3cret", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 6)))' 2>/dev/null)
case $hash in \$2*) ;; *) echo "SKIP: python3 crypt has no bcrypt"; exit 77 ;; esac
printf 'basic_auth_users:\n  prom: %s\n' "$hash" >"$tmp/auth.yml"
start auth --web.listen-address 127.0.0.1:0 --web.config.file "$tmp/auth.yml"
[ "$(http_code "http://127.0.0.1:$PORT/metrics")" = 401 ] || fail "no credentials: want 401"
[ "$(http_code -u prom:wrong "http://127.0.0.1:$PORT/metrics")" = 401 ] || fail "wrong password: want 401"
[ "$(http_code -u prom:s3cret "http://127.0.0.1:$PORT/metrics")" = 200 ] || fail "right password: want 200"
curl -s -D - -o /dev/null "http://127.0.0.1:$PORT/" | grep -qi '^WWW-Authenticate: Basic' || fail "no WWW-Authenticate"
echo "ok: basic auth 401/401/200"

# --- TLS ------------------------------------------------------------------
(
  cd "$tmp" &&
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=berth-e2e-ca &&
  openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost &&
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n' >ext.cnf &&
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile ext.cnf
) >"$tmp/openssl.out" 2>&1 || { cat "$tmp/openssl.out"; fail "openssl could not make a test CA"; }
printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n' >"$tmp/tls.yml"
start tls --web.listen-address 127.0.0.1:0 --web.config.file "$tmp/tls.yml"
curl -fsS --cacert "$tmp/ca.crt" "https://localhost:$PORT/metrics" >"$tmp/tls-metrics.txt" || fail "TLS scrape with --cacert"
grep -q '^container_cpu_usage_seconds_total{' "$tmp/tls-metrics.txt" || fail "TLS scrape body"
for _ in 1 2 3; do curl -fsS --cacert "$tmp/ca.crt" -o /dev/null "https://127.0.0.1:$PORT/healthz" || fail "repeated TLS handshake"; done
curl -fsS -o /dev/null "https://127.0.0.1:$PORT/healthz" 2>/dev/null && fail "a client without the CA trusted the server"
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && fail "plain HTTP answered on the TLS port"
curl -fsS --tls-max 1.1 --cacert "$tmp/ca.crt" -o /dev/null "https://127.0.0.1:$PORT/healthz" 2>/dev/null && fail "TLS 1.1 accepted (min_version defaults to TLS12)"
printf 'tls_server_config:\n  cert_file: %s/server.crt\n  key_file: %s/server.key\n  min_version: TLS13\nbasic_auth_users:\n  prom: %s\n' "$tmp" "$tmp" "$hash" >"$tmp/both.yml"
start both --web.listen-address '[::1]:0' --web.listen-address 127.0.0.1:0 --web.config.file "$tmp/both.yml"
v6port=$PORT
v4port=$(grep -o 'listening on .*' "$tmp/both.log" | grep -o '127.0.0.1:[0-9]*' | cut -d: -f2)
[ "$(http_code --cacert "$tmp/ca.crt" "https://127.0.0.1:$v4port/metrics")" = 401 ] || fail "TLS without credentials: want 401"
[ "$(http_code --cacert "$tmp/ca.crt" -u prom:s3cret "https://127.0.0.1:$v4port/metrics")" = 200 ] || fail "TLS + auth: want 200"
[ "$(http_code --cacert "$tmp/ca.crt" -u prom:s3cret "https://[::1]:$v6port/metrics")" = 200 ] || fail "TLS + auth over IPv6: want 200"
echo "ok: TLS with a test CA (curl --cacert), TLS + basic auth, IPv4 and IPv6"

# --- exporter-toolkit TLS keys --------------------------------------------
issue() {  # NAME SAN: a CA-signed certificate NAME.crt/NAME.key
  (
    cd "$tmp" &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" &&
    printf 'subjectAltName=%s\n' "$2" >"$1.ext" &&
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days 2 -extfile "$1.ext"
  ) >"$tmp/openssl.out" 2>&1 || { cat "$tmp/openssl.out"; fail "openssl could not issue $1"; }
}
issue prom 'DNS:prom.example.org'
issue other 'DNS:other.example.org,IP:127.0.0.1'
printf '%s\n' 'tls_server_config:' '  cert_file: server.crt' '  key_file: server.key' '  client_ca_file: ca.crt' \
  '  client_auth_type: RequireAndVerifyClientCert' '  client_allowed_sans: [prom.example.org]' \
  'http_server_config:' '  headers:' '    X-Frame-Options: deny' '    Strict-Transport-Security: max-age=31536000' >"$tmp/mtls.yml"
start mtls --web.listen-address 127.0.0.1:0 --web.config.file "$tmp/mtls.yml"
[ "$(http_code --cacert "$tmp/ca.crt" --cert "$tmp/prom.crt" --key "$tmp/prom.key" "https://127.0.0.1:$PORT/metrics")" = 200 ] ||
  fail "client certificate with an allowed SAN: want 200"
code=$(http_code --cacert "$tmp/ca.crt" --cert "$tmp/other.crt" --key "$tmp/other.key" "https://127.0.0.1:$PORT/metrics")
[ "$code" = 000 ] || fail "client certificate without an allowed SAN: got HTTP $code, want the handshake refused"
[ "$(http_code --cacert "$tmp/ca.crt" "https://127.0.0.1:$PORT/metrics")" = 000 ] || fail "no client certificate: want refused"
curl -fsS -D "$tmp/mtls.headers" -o /dev/null --cacert "$tmp/ca.crt" --cert "$tmp/prom.crt" --key "$tmp/prom.key" \
  "https://127.0.0.1:$PORT/healthz" || fail "mTLS /healthz"
grep -q '^X-Frame-Options: deny' "$tmp/mtls.headers" || fail "configured header X-Frame-Options missing"
grep -q '^Strict-Transport-Security: max-age=31536000' "$tmp/mtls.headers" || fail "configured header Strict-Transport-Security missing"
echo "ok: client_allowed_sans 200 vs refused, configured headers sent"

printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]\n' >"$tmp/cipher.yml"
start cipher --web.listen-address 127.0.0.1:0 --web.config.file "$tmp/cipher.yml"
s_client() { timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$tmp/ca.crt" "$@" </dev/null >"$tmp/s_client.out" 2>&1; }
s_client -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 && fail "a cipher outside cipher_suites was accepted"
s_client -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384 || { cat "$tmp/s_client.out"; fail "the configured cipher was refused"; }
grep -q 'Cipher is ECDHE-RSA-AES256-GCM-SHA384' "$tmp/s_client.out" || fail "s_client did not negotiate the configured cipher"
s_client -tls1_3 && fail "TLS 1.3 accepted with max_version TLS12"
[ "$(http_code --tls-max 1.2 --cacert "$tmp/ca.crt" "https://127.0.0.1:$v4port/healthz")" = 000 ] || fail "TLS 1.2 accepted with min_version TLS13"
echo "ok: cipher_suites and min/max_version enforced (openssl s_client, curl --tls-max)"

# --- reload: certificate rotation and a broken config ----------------------
cp "$tmp/server.crt" "$tmp/live.crt" && cp "$tmp/server.key" "$tmp/live.key" || fail "copy live cert"
printf 'tls_server_config:\n  cert_file: live.crt\n  key_file: live.key\n' >"$tmp/live.yml"
start live --web.listen-address 127.0.0.1:0 --web.config.file "$tmp/live.yml"
serial() { s_client -servername localhost && openssl x509 -noout -serial <"$tmp/s_client.out"; }
old_serial=$(serial) || fail "live: no serial"
issue rotated 'DNS:localhost,IP:127.0.0.1'
cp "$tmp/rotated.key" "$tmp/live.key.new" && mv "$tmp/live.key.new" "$tmp/live.key" || fail "rotate key"
cp "$tmp/rotated.crt" "$tmp/live.crt.new" && mv "$tmp/live.crt.new" "$tmp/live.crt" || fail "rotate cert"
new_serial=$(serial) || fail "live: no serial after the rotation"
[ "$new_serial" != "$old_serial" ] || fail "rotated certificate not served without a restart ($old_serial)"
[ "$new_serial" = "$(openssl x509 -noout -serial -in "$tmp/rotated.crt")" ] || fail "served $new_serial, not the rotated certificate"
curl -fsS --cacert "$tmp/ca.crt" -o /dev/null "https://127.0.0.1:$PORT/healthz" || fail "scrape after the rotation"
printf 'tls_server_config: [broken\n' >"$tmp/live.yml"
for _ in 1 2 3; do
  curl -fsS --cacert "$tmp/ca.crt" -o /dev/null "https://127.0.0.1:$PORT/healthz" || fail "a broken config stopped serving"
done
[ "$(grep -c 'keeping the previous web settings' "$tmp/live.log")" = 1 ] || { cat "$tmp/live.log"; fail "the broken config is not logged exactly once"; }
grep 'keeping the previous web settings' "$tmp/live.log" | grep -q 'YAML' || fail "the log line does not say why"
[ "$(serial)" = "$new_serial" ] || fail "a broken config changed the certificate"
echo "ok: rotation served without a restart, a broken config keeps the old (logged once)"

# --- IPv6 and dual stack, gzip, endpoints ---------------------------------
port=$(free_port)
start dual --web.listen-address ":$port"
[ "$PORT" = "$port" ] || fail "dual: logged port $PORT, want $port"
curl -fsS -g -o /dev/null "http://[::1]:$port/healthz" || fail "IPv6 loopback scrape on :port"
curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" || fail "IPv4 scrape on :port"
# (to a file, not a pipe: grep -q leaves early and curl's failed write would fail the pipeline)
curl -fsS -g -o "$tmp/v6.txt" "http://[::1]:$port/metrics" && grep -q '^machine_cpu_cores ' "$tmp/v6.txt" || fail "IPv6 /metrics body"
curl -fsS -D "$tmp/headers" -H 'Accept-Encoding: gzip' -o "$tmp/m.gz" "http://127.0.0.1:$port/metrics" || fail "gzip scrape"
grep -qi '^Content-Encoding: gzip' "$tmp/headers" || fail "no Content-Encoding: gzip"
gzip -dc "$tmp/m.gz" >"$tmp/m.txt" && grep -q '^# TYPE container_memory_working_set_bytes gauge$' "$tmp/m.txt" || fail "gzip body"
curl -fsS "http://127.0.0.1:$port/" | grep -q 'href="/metrics"' || fail "landing page"
[ "$(curl -fsS "http://127.0.0.1:$port/healthz")" = ok ] || fail "/healthz"
[ "$(http_code "http://127.0.0.1:$port/api/v1/containers/does-not-exist")" = 404 ] || fail "API 404"
echo "ok: dual stack :port on IPv4 and IPv6, gzip, landing page, healthz, API 404"

# --- startup errors: one line, exit 1 --------------------------------------
expect_error() {  # WHAT PATTERN ARGS...
  local what=$1 pattern=$2; shift 2
  timeout 10 "$BERTH_BIN" serve --path.rootfs "$FIXTURE" --docker.socket "" "$@" >"$tmp/err.out" 2>"$tmp/err.txt"
  local rc=$?
  [ "$rc" = 1 ] || fail "$what: exit $rc, want 1 ($(cat "$tmp/err.txt"))"
  [ "$(wc -l <"$tmp/err.txt")" = 1 ] || { cat "$tmp/err.txt"; fail "$what: want exactly one line on stderr"; }
  grep -q "$pattern" "$tmp/err.txt" || fail "$what: stderr '$(cat "$tmp/err.txt")' lacks '$pattern'"
}
expect_error "busy port" "Address already in use" --web.listen-address "127.0.0.1:$port"
expect_error "invalid address" "invalid listen address" --web.listen-address "127.0.0.1"
expect_error "bad port" "invalid listen address" --web.listen-address "127.0.0.1:99999"
expect_error "unreadable config" "cannot read web config file" --web.listen-address 127.0.0.1:0 --web.config.file "$tmp/missing.yml"
printf 'tls_server_config:\n  cert_file: nothere.crt\n  key_file: server.key\n' >"$tmp/badtls.yml"
expect_error "missing cert" "cannot load cert_file" --web.listen-address 127.0.0.1:0 --web.config.file "$tmp/badtls.yml"
printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: ca.key\n' >"$tmp/mismatch.yml"
expect_error "mismatched key" "does not match" --web.listen-address 127.0.0.1:0 --web.config.file "$tmp/mismatch.yml"
printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS99\n' >"$tmp/badver.yml"
expect_error "bad min_version" "invalid min_version" --web.listen-address 127.0.0.1:0 --web.config.file "$tmp/badver.yml"
printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS10\n' >"$tmp/tls10.yml"
expect_error "min_version TLS10" "min_version TLS10 cannot be honoured" --web.listen-address 127.0.0.1:0 --web.config.file "$tmp/tls10.yml"
printf 'http_server_config:\n  headers:\n    Content-Type: text/html\n' >"$tmp/badheader.yml"
expect_error "header not allowed" "can not be configured" --web.listen-address 127.0.0.1:0 --web.config.file "$tmp/badheader.yml"
printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  cipher_suites: [RC4]\n' >"$tmp/badcipher.yml"
expect_error "unknown cipher" "unknown cipher" --web.listen-address 127.0.0.1:0 --web.config.file "$tmp/badcipher.yml"
expect_error "unknown group" "unknown collector group" --web.listen-address 127.0.0.1:0 --collector.disable cpu,gpu
expect_error "bad log format" "log.format" --web.listen-address 127.0.0.1:0 --log.format xml
echo "ok: startup errors are one line and exit 1"

# --- signals ---------------------------------------------------------------
start term --web.listen-address 127.0.0.1:0 --log.format json
grep -q '"level":"info"' "$tmp/term.log" || fail "--log.format json"
kill -TERM "${PIDS[-1]}"
wait "${PIDS[-1]}"; rc=$?
[ "$rc" = 0 ] || fail "exit $rc on SIGTERM, want 0"
echo "PASS"
