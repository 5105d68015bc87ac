// The curses side of `berth top`: owns the terminal while the view runs.
// Start() puts it in full-screen mode (cbreak, no echo, keypad, hidden
// cursor); the destructor (or Stop()) restores it, so leaving by `q`, by an
// exception or after SIGINT/SIGTERM always gives the terminal back.
// Paint() draws whole frames of ScreenLines into stdscr and flushes them with
// wnoutrefresh + doupdate: curses sends only the cells that changed, in one
// write per frame; an identical frame is not sent at all. Each line is sent
// as collector::TerminalText (valid UTF-8, controls as U+FFFD).
//
// Ownership: one TopScreen per process (curses has one stdscr).
// Thread-safety: main thread only. Errors: Start() returns false with a
// message when the terminal cannot be initialised (unknown TERM).
#ifndef BERTH_CLI_TOP_SCREEN_H_
#define BERTH_CLI_TOP_SCREEN_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cli/top_layout.h"

namespace berth::cli {

class TopScreen {
 public:
  TopScreen() = default;
  ~TopScreen();
  TopScreen(const TopScreen&) = delete;
  TopScreen& operator=(const TopScreen&) = delete;

  bool Start(bool color, std::string* error);
  void Stop();

  size_t width() const;
  size_t height() const;
  // True when the locale is UTF-8 (block-character sparklines).
  bool unicode() const { return unicode_; }

  void Paint(const std::vector<ScreenLine>& lines);

  // Waits up to `timeout` (forever when nullopt) for a key; returns the key
  // mapped to the view's codes (kKey*), or nullopt on timeout, on a signal,
  // or on a resize (check resized()).
  std::optional<int> WaitKey(std::optional<std::chrono::milliseconds> timeout);
  // True once after the terminal changed size.
  bool TakeResized();

 private:
  int Attr(Style style) const;

  bool started_ = false;
  bool color_ = false;
  bool unicode_ = false;
  bool resized_ = false;
  std::vector<ScreenLine> last_;
};

}  // namespace berth::cli

#endif  // BERTH_CLI_TOP_SCREEN_H_
