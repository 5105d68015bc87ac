#include "exporter/gzip.h"

#include <zlib.h>

#include <cstdlib>

#include "collector/parse_util.h"

namespace berth::exporter {

using collector::parse::EqualsIgnoreCase;
using collector::parse::Trim;

struct GzipWriter::State {
  z_stream stream{};
};

GzipWriter::GzipWriter(std::string& out, int level) : out_(out), state_(new State) {
  // 15 window bits + 16: gzip wrapper instead of zlib's.
  if (deflateInit2(&state_->stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    delete state_;
    state_ = nullptr;
  }
}

GzipWriter::~GzipWriter() {
  if (state_ != nullptr) deflateEnd(&state_->stream);
  delete state_;
}

bool GzipWriter::Write(std::string_view data) { return Deflate(data, Z_NO_FLUSH); }

bool GzipWriter::Finish() { return Deflate({}, Z_FINISH); }

bool GzipWriter::Deflate(std::string_view data, int flush) {
  if (state_ == nullptr) return false;
  z_stream& stream = state_->stream;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  // Output grows as it comes: compressed text is a small fraction of the
  // input, so no deflateBound()-sized (and zero-filled) buffer up front.
  char chunk[64 * 1024];
  for (;;) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof chunk;
    const int rc = deflate(&stream, flush);
    if (rc == Z_STREAM_ERROR) return false;
    out_.append(chunk, sizeof chunk - stream.avail_out);
    if (flush == Z_FINISH) {
      if (rc == Z_STREAM_END) return true;
    } else if (stream.avail_in == 0 && stream.avail_out != 0) {
      return true;
    }
  }
}

std::optional<std::string> GzipCompress(std::string_view data, int level) {
  std::string out;
  out.reserve(data.size() / 8 + 64);
  GzipWriter writer(out, level);
  if (!writer.Write(data) || !writer.Finish()) return std::nullopt;
  return out;
}

std::optional<std::string> GzipDecompress(std::string_view data) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 32) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[65536];
  int rc = Z_OK;
  while (rc == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(buffer, sizeof(buffer) - stream.avail_out);
  }
  inflateEnd(&stream);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

bool AcceptsGzip(std::string_view accept_encoding) {
  bool star = false;
  bool gzip = false;
  bool gzip_listed = false;
  while (!accept_encoding.empty()) {
    const size_t comma = accept_encoding.find(',');
    std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding = comma == std::string_view::npos ? std::string_view()
                                                      : accept_encoding.substr(comma + 1);
    const size_t semicolon = item.find(';');
    const std::string_view coding = Trim(item.substr(0, semicolon));
    double q = 1.0;
    if (semicolon != std::string_view::npos) {
      std::string_view params = Trim(item.substr(semicolon + 1));
      if (params.size() > 2 && (params[0] == 'q' || params[0] == 'Q') && params[1] == '=') {
        q = std::strtod(std::string(params.substr(2)).c_str(), nullptr);
      }
    }
    if (EqualsIgnoreCase(coding, "gzip") || EqualsIgnoreCase(coding, "x-gzip")) {
      gzip_listed = true;
      gzip = q > 0;
    } else if (coding == "*") {
      star = q > 0;
    }
  }
  return gzip_listed ? gzip : star;
}

}  // namespace berth::exporter
