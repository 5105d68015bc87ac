#include "exporter/web_settings.h"

#include <sys/stat.h>

#include <spdlog/spdlog.h>

#include "exporter/tls_context.h"

namespace berth::exporter {

std::shared_ptr<const WebSettings> BuildWebSettings(const WebConfig& config, std::string* error) {
  auto settings = std::make_shared<WebSettings>();
  if (config.tls) {
    settings->tls = BuildTlsContext(*config.tls, error);
    if (settings->tls == nullptr) return nullptr;
  }
  settings->auth = std::make_shared<BasicAuth>(config.basic_auth_users);
  for (const auto& [name, value] : config.http.headers) {
    settings->extra_headers += name + ": " + value + "\r\n";
  }
  return settings;
}

bool WebConfigReloader::Stamp::operator==(const Stamp& other) const {
  return path == other.path && exists == other.exists && device == other.device &&
         inode == other.inode && size == other.size && mtime.tv_sec == other.mtime.tv_sec &&
         mtime.tv_nsec == other.mtime.tv_nsec && ctime.tv_sec == other.ctime.tv_sec &&
         ctime.tv_nsec == other.ctime.tv_nsec;
}

WebConfigReloader::Stamp WebConfigReloader::StampOf(const std::string& path) {
  Stamp stamp;
  stamp.path = path;
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return stamp;
  stamp.exists = true;
  stamp.device = info.st_dev;
  stamp.inode = info.st_ino;
  stamp.size = info.st_size;
  stamp.mtime = info.st_mtim;
  stamp.ctime = info.st_ctim;
  return stamp;
}

std::vector<WebConfigReloader::Stamp> WebConfigReloader::StampsOf(const std::string& config_path,
                                                                  const WebConfig* config) {
  std::vector<Stamp> stamps{StampOf(config_path)};
  if (config != nullptr && config->tls) {
    for (const std::string* file : {&config->tls->cert_file, &config->tls->key_file,
                                    &config->tls->client_ca_file}) {
      if (!file->empty()) stamps.push_back(StampOf(*file));
    }
  }
  return stamps;
}

WebConfigReloader::WebConfigReloader(std::shared_ptr<const WebSettings> fixed)
    : current_(std::move(fixed)) {}

std::unique_ptr<WebConfigReloader> WebConfigReloader::Load(const std::string& path,
                                                           std::string* error) {
  const Stamp config_stamp = StampOf(path);  // before reading: a later write is seen as a change
  std::optional<WebConfig> config = LoadWebConfig(path, error);
  if (!config) return nullptr;
  std::vector<Stamp> stamps = StampsOf(path, &*config);
  stamps.front() = config_stamp;
  std::shared_ptr<const WebSettings> settings = BuildWebSettings(*config, error);
  if (settings == nullptr) return nullptr;
  auto reloader = std::make_unique<WebConfigReloader>(std::move(settings));
  reloader->path_ = path;
  reloader->stamps_ = std::move(stamps);
  return reloader;
}

std::shared_ptr<const WebSettings> WebConfigReloader::Refresh() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (path_.empty()) return current_;
  std::vector<Stamp> now;
  now.reserve(stamps_.size());
  bool changed = false;
  for (const Stamp& old : stamps_) {
    now.push_back(StampOf(old.path));
    changed = changed || !(now.back() == old);
  }
  if (!changed) return current_;

  std::string error;
  std::optional<WebConfig> config = LoadWebConfig(path_, &error);
  std::shared_ptr<const WebSettings> settings;
  if (config) {
    std::vector<Stamp> named = StampsOf(path_, &*config);  // before the files are read
    named.front() = now.front();
    now = std::move(named);
    if (config->tls.has_value() != (current_->tls != nullptr)) {
      error = "web config file " + path_ + ": switching TLS " + (config->tls ? "on" : "off") +
              " needs a restart";
    } else {
      settings = BuildWebSettings(*config, &error);
    }
  }
  stamps_ = std::move(now);  // a failed version is not tried again until a file changes
  if (settings == nullptr) {
    spdlog::warn("keeping the previous web settings: {}", error);
    return current_;
  }
  spdlog::info("web config file {} re-read (TLS {}, basic auth {})", path_,
               settings->tls ? "on" : "off", settings->auth->enabled() ? "on" : "off");
  current_ = std::move(settings);
  return current_;
}

}  // namespace berth::exporter
