// WebSettings: what one version of the web config file means to the HTTP
// server, ready to use: the TLS context (none: plain HTTP), the basic auth
// users, the extra response headers. Immutable once built.
//
// WebConfigReloader: the current WebSettings of a --web.config.file. Like
// exporter-toolkit, which reads the file on every request and the
// certificates on every handshake, Refresh() (called for each new connection
// and each request) stats the config file and the files it names (cert, key,
// client CA) and rebuilds when one changed (inode, size, mtime or ctime, so a
// Kubernetes secret's symlink swap counts). A new version that cannot be used
// (bad YAML, a key that does not match, TLS switched on or off, which needs a
// restart) keeps the previous settings and is logged once, with why; it is
// tried again when a file changes again. Connections already open keep the
// context they were accepted with.
//
// Thread-safety: every member may be called from any thread.
#ifndef BERTH_EXPORTER_WEB_SETTINGS_H_
#define BERTH_EXPORTER_WEB_SETTINGS_H_

#include <openssl/types.h>
#include <sys/types.h>

#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exporter/basic_auth.h"
#include "exporter/web_config.h"

namespace berth::exporter {

struct WebSettings {
  std::shared_ptr<SSL_CTX> tls;     // nullptr: plain HTTP
  std::shared_ptr<BasicAuth> auth;  // never null
  std::string extra_headers;        // "Name: value\r\n" per configured header
};

// nullptr and a one-line *error when a TLS file cannot be used.
std::shared_ptr<const WebSettings> BuildWebSettings(const WebConfig& config, std::string* error);

class WebConfigReloader {
 public:
  // Fixed settings, never re-read.
  explicit WebConfigReloader(std::shared_ptr<const WebSettings> fixed);
  // Reads `path` and what it names; nullptr and a one-line *error when unusable.
  static std::unique_ptr<WebConfigReloader> Load(const std::string& path, std::string* error);

  // The settings to use now, re-read first if a file changed.
  std::shared_ptr<const WebSettings> Refresh();

 private:
  struct Stamp {
    std::string path;
    bool exists = false;
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    timespec mtime{};
    timespec ctime{};
    bool operator==(const Stamp& other) const;
  };
  static Stamp StampOf(const std::string& path);
  static std::vector<Stamp> StampsOf(const std::string& config_path, const WebConfig* config);

  std::string path_;  // "" when fixed
  std::mutex mutex_;
  std::shared_ptr<const WebSettings> current_;
  std::vector<Stamp> stamps_;  // of the files behind current_ (or the last failed try)
};

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_WEB_SETTINGS_H_
