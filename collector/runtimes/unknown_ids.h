// UnknownIds: the negative cache of a metadata follower (Docker, Podman,
// CRI-O, containerd): container ids of this runtime's shape that the engine
// did not know when last asked (another engine's containers, a second
// dockerd's, leftover cgroups), so that meeting them again in the next
// sample does not ask the engine again (a list per sample, issue 14).
//
// An id stays remembered until Forget(id) (an event named it), Clear() (the
// event stream (re)connected: events may have been missed; or a list proved
// the engine's view changed), or `retry` passed since it was remembered (the
// slow timer: one more question per `retry`, all ids remembered together
// coming due together). Retain() drops ids that are no longer present, so
// the set is bounded by the host's cgroups; past kMaxIds new ids are not
// remembered (they cost a question each sample, as before).
//
// Thread-safety: none; the owner guards it (the followers hold it under the
// mutex their event thread shares). Never throws beyond std::bad_alloc.
#ifndef BERTH_COLLECTOR_RUNTIMES_UNKNOWN_IDS_H_
#define BERTH_COLLECTOR_RUNTIMES_UNKNOWN_IDS_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace berth::collector {

class UnknownIds {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr size_t kMaxIds = 65536;

  explicit UnknownIds(std::chrono::milliseconds retry) : retry_(retry) {}

  // The engine did not know `id` at `now`. Remembering it again keeps the
  // first time (the slow timer does not restart while nothing changed).
  void Remember(std::string_view id, Clock::time_point now);
  // Remembered and its retry not yet due at `now`: do not ask about it.
  bool Contains(std::string_view id, Clock::time_point now) const;
  void Forget(std::string_view id);
  void Clear() { ids_.clear(); }
  // Keeps only the ids for which `present(id)` is true.
  void Retain(const std::function<bool(const std::string&)>& present);
  size_t size() const { return ids_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::chrono::milliseconds retry_;
  std::unordered_map<std::string, Clock::time_point, Hash, std::equal_to<>> ids_;  // remembered at
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_RUNTIMES_UNKNOWN_IDS_H_
