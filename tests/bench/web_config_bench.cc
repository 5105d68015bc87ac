// What --web.config.file's live reload costs: WebConfigReloader::Refresh()
// runs for every new connection and every request and stats the config and
// each file it names. Figures for a config with basic auth only (one file)
// and one with TLS and a client CA (config, cert, key, CA: four files), when
// nothing changed (the steady state) -- to set against a scrape's cost
// (serve_bench). The certificates are made with the openssl command.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "exporter/web_settings.h"

namespace {

std::string MakeDir() {
  char dir[] = "/tmp/berth-web-config-bench.XXXXXX";
  if (mkdtemp(dir) == nullptr) std::abort();
  return dir;
}

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::unique_ptr<berth::exporter::WebConfigReloader> Load(const std::string& path) {
  std::string error;
  auto reloader = berth::exporter::WebConfigReloader::Load(path, &error);
  if (!reloader) {
    std::fprintf(stderr, "web config %s: %s\n", path.c_str(), error.c_str());
    std::abort();
  }
  return reloader;
}

void RunRefresh(benchmark::State& state, berth::exporter::WebConfigReloader& reloader) {
  for (auto _ : state) benchmark::DoNotOptimize(reloader.Refresh());
  state.SetItemsProcessed(state.iterations());
}

void BM_RefreshBasicAuthOnly(benchmark::State& state) {
  const std::string dir = MakeDir();
  // bcrypt of "secret", cost 4 (bcrypt is paid per request with credentials, not here).
  Write(dir + "/web.yml",
        "basic_auth_users:\n  alice: $2b$04$J0N8vjog8P4YLrLAK7xOZuz.9ivhSN5eoe1OMORWDiIYXJ1EZ2iFy\n");
  auto reloader = Load(dir + "/web.yml");
  RunRefresh(state, *reloader);
  std::system(("rm -rf " + dir).c_str());
}
BENCHMARK(BM_RefreshBasicAuthOnly);

void BM_RefreshTlsWithClientCa(benchmark::State& state) {
  const std::string dir = MakeDir();
  const std::string make =
      "cd " + dir +
      " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key"
      " -out ca.crt -days 2 -subj /CN=bench-ca"
      " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key"
      " -out server.crt -days 2 -subj /CN=localhost) >/dev/null 2>&1";
  if (std::system(("(" + make).c_str()) != 0) {
    state.SkipWithError("openssl could not make the certificates");
    return;
  }
  Write(dir + "/web.yml", "tls_server_config:\n  cert_file: " + dir + "/server.crt\n  key_file: " +
                              dir + "/server.key\n  client_ca_file: " + dir +
                              "/ca.crt\n  client_auth_type: RequireAndVerifyClientCert\n");
  auto reloader = Load(dir + "/web.yml");
  RunRefresh(state, *reloader);
  std::system(("rm -rf " + dir).c_str());
}
BENCHMARK(BM_RefreshTlsWithClientCa);

}  // namespace

BENCHMARK_MAIN();
