#include "cli/top_history.h"

#include <unordered_set>

namespace berth::cli {

namespace {

void Push(std::vector<std::optional<double>>& v, std::optional<double> x, size_t capacity) {
  if (capacity == 0) return;
  if (v.size() >= capacity) v.erase(v.begin(), v.begin() + (v.size() - capacity + 1));
  v.push_back(x);
}

}  // namespace

void History::Add(const std::vector<TopRow>& rows) {
  std::unordered_set<std::string> seen;
  for (const TopRow& r : rows) {
    if (r.is_group) continue;
    seen.insert(r.id);
    Series& s = series_[r.id];
    Push(s.cpu_percent, r.cpu_percent, capacity_);
    std::optional<double> mem;
    if (r.mem_bytes) mem = static_cast<double>(*r.mem_bytes);
    Push(s.mem_bytes, mem, capacity_);
    std::optional<double> net;
    if (r.net_rx_bytes_per_second || r.net_tx_bytes_per_second) {
      net = r.net_rx_bytes_per_second.value_or(0) + r.net_tx_bytes_per_second.value_or(0);
    }
    Push(s.net_bytes_per_second, net, capacity_);
  }
  for (auto it = series_.begin(); it != series_.end();) {
    it = seen.count(it->first) ? std::next(it) : series_.erase(it);
  }
}

const Series* History::Find(const std::string& id) const {
  auto it = series_.find(id);
  return it == series_.end() ? nullptr : &it->second;
}

}  // namespace berth::cli
