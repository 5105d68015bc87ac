#include "cli/top_screen.h"

#include <curses.h>
#include <langinfo.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <clocale>
#include <cstdlib>
#include <cstring>

#include "cli/top_state.h"
#include "collector/utf8_text.h"

namespace berth::cli {

namespace {

enum Pair : short { kPairWarn = 1, kPairCritical = 2, kPairTitle = 3, kPairNotice = 4 };

std::optional<int> MapKey(int ch) {
  switch (ch) {
    case ERR: return std::nullopt;
    case KEY_UP: return kKeyUp;
    case KEY_DOWN: return kKeyDown;
    case KEY_LEFT: return kKeyLeft;
    case KEY_RIGHT: return kKeyRight;
    case KEY_PPAGE: return kKeyPageUp;
    case KEY_NPAGE: return kKeyPageDown;
    case KEY_HOME: return kKeyHome;
    case KEY_END: return kKeyEnd;
    case KEY_ENTER:
    case '\n':
    case '\r': return kKeyEnter;
    case KEY_BACKSPACE:
    case 127:
    case 8: return kKeyBackspace;
    case KEY_F(1): return kKeyHelp;
    default: break;
  }
  if (ch >= 0 && ch < 0x100) return ch;
  return std::nullopt;  // other function keys: ignored
}

}  // namespace

TopScreen::~TopScreen() { Stop(); }

bool TopScreen::Start(bool color, std::string* error) {
  std::setlocale(LC_ALL, "");
  unicode_ = std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
  // newterm (unlike initscr) returns an error instead of exiting.
  SCREEN* screen = newterm(nullptr, stdout, stdin);
  if (screen == nullptr) {
    const char* term = std::getenv("TERM");
    *error = std::string("cannot initialise the terminal (TERM=") + (term ? term : "") + ")";
    return false;
  }
  set_term(screen);
  started_ = true;
  cbreak();
  noecho();
  nonl();
  keypad(stdscr, TRUE);
  nodelay(stdscr, TRUE);
  set_escdelay(25);
  curs_set(0);
  color_ = color && has_colors();
  if (color_) {
    start_color();
    use_default_colors();
    init_pair(kPairWarn, COLOR_YELLOW, -1);
    init_pair(kPairCritical, COLOR_RED, -1);
    init_pair(kPairTitle, COLOR_CYAN, -1);
    init_pair(kPairNotice, COLOR_GREEN, -1);
  }
  last_.clear();
  return true;
}

void TopScreen::Stop() {
  if (!started_) return;
  started_ = false;
  curs_set(1);
  endwin();
}

size_t TopScreen::width() const { return COLS > 0 ? static_cast<size_t>(COLS) : 0; }
size_t TopScreen::height() const { return LINES > 0 ? static_cast<size_t>(LINES) : 0; }

int TopScreen::Attr(Style style) const {
  switch (style) {
    case Style::kNormal: return A_NORMAL;
    case Style::kTitle: return A_BOLD | (color_ ? COLOR_PAIR(kPairTitle) : 0);
    case Style::kHeader: return A_REVERSE;
    case Style::kSelected: return A_REVERSE | A_BOLD;
    case Style::kWarn: return color_ ? COLOR_PAIR(kPairWarn) | A_BOLD : A_BOLD;
    case Style::kCritical: return color_ ? COLOR_PAIR(kPairCritical) | A_BOLD : A_BOLD | A_UNDERLINE;
    case Style::kDim: return A_DIM;
    case Style::kNotice: return color_ ? COLOR_PAIR(kPairNotice) | A_BOLD : A_BOLD;
  }
  return A_NORMAL;
}

void TopScreen::Paint(const std::vector<ScreenLine>& lines) {
  if (!started_) return;
  bool same = lines.size() == last_.size();
  for (size_t i = 0; same && i < lines.size(); ++i) {
    same = lines[i].text == last_[i].text && lines[i].style == last_[i].style;
  }
  if (same) return;
  const int rows = LINES, cols = COLS;
  for (int y = 0; y < rows; ++y) {
    move(y, 0);
    if (static_cast<size_t>(y) < lines.size()) {
      attrset(Attr(lines[y].style));
      // The bottom-right cell cannot be written without scrolling: leave it.
      // Names, labels and images come from outside: valid UTF-8 without
      // controls, so none can send an escape sequence to the terminal.
      const std::string t = collector::TerminalText(lines[y].text);
      addnstr(t.c_str(), static_cast<int>(t.size()));
      attrset(A_NORMAL);
      if (y < rows - 1) clrtoeol();
    } else {
      clrtoeol();
    }
  }
  (void)cols;
  wnoutrefresh(stdscr);
  doupdate();
  last_ = lines;
}

std::optional<int> TopScreen::WaitKey(std::optional<std::chrono::milliseconds> timeout) {
  // A key may already be buffered by curses.
  int ch = getch();
  if (ch == KEY_RESIZE) {
    resized_ = true;
    last_.clear();
    return std::nullopt;
  }
  if (ch != ERR) return MapKey(ch).value_or(-1);
  pollfd pfd{STDIN_FILENO, POLLIN, 0};
  const int ms = timeout ? static_cast<int>(std::max<long long>(0, timeout->count())) : -1;
  const int n = ::poll(&pfd, 1, ms);
  if (n <= 0) {
    // Timeout, or a signal (SIGWINCH makes the next getch return KEY_RESIZE).
    if (n < 0) {
      ch = getch();
      if (ch == KEY_RESIZE) {
        resized_ = true;
        last_.clear();
        return std::nullopt;
      }
      if (ch != ERR) return MapKey(ch).value_or(-1);
    }
    return std::nullopt;
  }
  ch = getch();
  if (ch == KEY_RESIZE) {
    resized_ = true;
    last_.clear();
    return std::nullopt;
  }
  if (ch == ERR) return std::nullopt;
  return MapKey(ch).value_or(-1);
}

bool TopScreen::TakeResized() {
  const bool r = resized_;
  resized_ = false;
  return r;
}

}  // namespace berth::cli
