// gzip (RFC 1952) compression with zlib, and the Accept-Encoding check that
// decides whether a response is compressed.
//
// Pure functions; thread-safe. GzipCompress returns nullopt only if zlib
// itself fails (out of memory).
#ifndef BERTH_EXPORTER_GZIP_H_
#define BERTH_EXPORTER_GZIP_H_

#include <optional>
#include <string>
#include <string_view>

namespace berth::exporter {

// Level 1 (fastest) by default: /metrics text compresses about 10x at ~4 ms/MB.
std::optional<std::string> GzipCompress(std::string_view data, int level = 1);

// Inverse, for tests and the benchmark.
std::optional<std::string> GzipDecompress(std::string_view data);

// True when an Accept-Encoding header value accepts gzip: "gzip", "x-gzip"
// or "*" with a q-value above 0 ("gzip;q=0" refuses it).
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_GZIP_H_
