// gzip (RFC 1952) compression with zlib, and the Accept-Encoding check that
// decides whether a response is compressed.
//
// GzipWriter compresses a body handed over in pieces (the streamed /metrics
// page) into a growing string; GzipCompress is the one-piece form. Pure
// functions and per-object state; thread-safe across objects. Failures come
// only from zlib itself (out of memory): nullopt / false.
#ifndef BERTH_EXPORTER_GZIP_H_
#define BERTH_EXPORTER_GZIP_H_

#include <optional>
#include <string>
#include <string_view>

namespace berth::exporter {

// Level 1 (fastest) by default: /metrics text compresses about 10x at ~4 ms/MB.
inline constexpr int kDefaultGzipLevel = 1;

class GzipWriter {
 public:
  // Compressed bytes are appended to `out`, which must outlive the writer.
  explicit GzipWriter(std::string& out, int level = kDefaultGzipLevel);
  ~GzipWriter();
  GzipWriter(const GzipWriter&) = delete;
  GzipWriter& operator=(const GzipWriter&) = delete;

  bool Write(std::string_view data);
  // Ends the stream (trailer with CRC and length); call once, then no Write.
  bool Finish();

 private:
  bool Deflate(std::string_view data, int flush);

  std::string& out_;
  struct State;
  State* state_;  // zlib's z_stream; nullptr when zlib could not start
};

std::optional<std::string> GzipCompress(std::string_view data, int level = kDefaultGzipLevel);

// Inverse, for tests and the benchmark.
std::optional<std::string> GzipDecompress(std::string_view data);

// True when an Accept-Encoding header value accepts gzip: "gzip", "x-gzip"
// or "*" with a q-value above 0 ("gzip;q=0" refuses it).
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_GZIP_H_
