// The recent figures of each container that the detail view draws as
// sparklines: CPU %, memory and network (rx + tx per second), one sample per
// refresh, the newest last, at most `capacity` samples (4 minutes at 1 s).
// Containers that left the snapshot are forgotten.
//
// Ownership: owns its series. Thread-safety: one thread. Errors: none.
#ifndef BERTH_CLI_TOP_HISTORY_H_
#define BERTH_CLI_TOP_HISTORY_H_

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cli/top_rows.h"

namespace berth::cli {

struct Series {
  std::vector<std::optional<double>> cpu_percent, mem_bytes, net_bytes_per_second;
};

class History {
 public:
  explicit History(size_t capacity = 240) : capacity_(capacity) {}

  // Appends one sample per row (container rows from BuildRows); drops the
  // series of ids not in `rows`.
  void Add(const std::vector<TopRow>& rows);
  // The series of a container id, or nullptr.
  const Series* Find(const std::string& id) const;
  size_t size() const { return series_.size(); }

 private:
  size_t capacity_;
  std::unordered_map<std::string, Series> series_;
};

}  // namespace berth::cli

#endif  // BERTH_CLI_TOP_HISTORY_H_
