// Lexer and parser of Go's text/template (text/template/parse), token for
// token: trim markers, comments, quoted/raw strings and char constants with
// strconv's escapes, Go number literals, declarations, pipelines,
// parenthesized pipelines, field chains, if/else if/else, range (with
// break/continue/else), with/else with, define/template/block. Errors are
// Go's messages; berth adds the column. Nesting is bounded (kMaxDepth), so a
// hostile template cannot exhaust the stack.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "cli/go_fmt.h"
#include "cli/go_template_ast.h"
#include "collector/utf8_text.h"

namespace berth::cli::tmpl {
namespace {

constexpr int kMaxDepth = 200;  // nested parentheses / control blocks

enum class Item {
  kError, kBool, kChar, kCharConstant, kComment, kAssign, kDeclare, kEof, kField, kIdentifier,
  kLeftDelim, kLeftParen, kNumber, kPipe, kRawString, kRightDelim, kRightParen, kSpace,
  kString, kText, kVariable,
  // keywords (after kKeyword)
  kKeyword, kBlock, kBreak, kContinue, kDot, kDefine, kElse, kEnd, kIf, kNil, kRange,
  kTemplate, kWith,
};

struct Token {
  Item type;
  size_t pos;
  std::string val;
};

struct ParseError {
  size_t pos;
  std::string message;
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsAlnum(unsigned char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c >= 0x80;
}

// Go's %#U of the code point at s.
std::string SharpU(std::string_view s) {
  if (s.empty()) return "U+FFFFFFFFFFFFFFFF";  // eof rune (-1), as Go prints it
  std::vector<TemplateValue> a = {TemplateValue::Int(0)};
  auto step = collector::FirstUtf8Step(s);
  std::string rune(s.substr(0, step.length));
  int64_t cp = 0xFFFD;
  if (step.valid) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    if (step.length == 1) cp = p[0];
    if (step.length == 2) cp = ((p[0] & 0x1F) << 6) | (p[1] & 0x3F);
    if (step.length == 3) cp = ((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    if (step.length == 4) {
      cp = ((p[0] & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    }
  }
  a[0] = TemplateValue::Int(cp);
  return GoSprintf("%#U", a);
}

class Lexer {
 public:
  explicit Lexer(std::string_view in) : in_(in) {}

  // All tokens, ending with kEof or kError.
  std::vector<Token> Run() {
    while (true) {
      if (!inside_) {
        LexText();
      } else {
        LexInsideAction();
      }
      if (!out_.empty() && (out_.back().type == Item::kEof || out_.back().type == Item::kError)) {
        return std::move(out_);
      }
    }
  }

 private:
  std::string_view in_;
  size_t pos_ = 0, start_ = 0;
  bool inside_ = false;
  int paren_depth_ = 0;
  std::vector<Token> out_;

  void Emit(Item t) {
    out_.push_back({t, start_, std::string(in_.substr(start_, pos_ - start_))});
    start_ = pos_;
  }
  void Error(std::string msg) { out_.push_back({Item::kError, start_, std::move(msg)}); }
  int Peek() const { return pos_ < in_.size() ? static_cast<unsigned char>(in_[pos_]) : -1; }
  int Next() {
    if (pos_ >= in_.size()) {
      ++pos_;  // as Go: backup() after eof restores
      return -1;
    }
    return static_cast<unsigned char>(in_[pos_++]);
  }
  void Backup() { --pos_; }
  bool StartsWith(size_t at, std::string_view s) const {
    return at <= in_.size() && in_.substr(at).starts_with(s);
  }
  static bool HasLeftTrim(std::string_view s) { return s.size() >= 2 && s[0] == '-' && IsSpace(s[1]); }
  static bool HasRightTrim(std::string_view s) { return s.size() >= 2 && IsSpace(s[0]) && s[1] == '-'; }
  // atRightDelim: (delim, trim)
  std::pair<bool, bool> AtRightDelim() const {
    std::string_view rest = pos_ <= in_.size() ? in_.substr(pos_) : std::string_view();
    if (HasRightTrim(rest) && rest.substr(2).starts_with("}}")) return {true, true};
    if (rest.starts_with("}}")) return {true, false};
    return {false, false};
  }
  bool AtTerminator() const {
    int r = Peek();
    if (r == -1) return true;
    char c = static_cast<char>(r);
    if (IsSpace(c) || c == '.' || c == ',' || c == '|' || c == ':' || c == ')' || c == '(') return true;
    return StartsWith(pos_, "}}");
  }

  void LexText() {
    size_t x = in_.find("{{", pos_);
    if (x == std::string_view::npos) {
      pos_ = in_.size();
      if (pos_ > start_) Emit(Item::kText);
      Emit(Item::kEof);
      return;
    }
    pos_ = x;
    size_t trim = 0;
    if (HasLeftTrim(in_.substr(x + 2))) {
      size_t k = x;
      while (k > start_ && IsSpace(in_[k - 1])) --k;
      trim = x - k;
    }
    pos_ -= trim;
    if (pos_ > start_) Emit(Item::kText);
    pos_ += trim;
    start_ = pos_;
    // lexLeftDelim
    pos_ += 2;
    const bool trim_space = HasLeftTrim(in_.substr(pos_));
    const size_t after = trim_space ? 2 : 0;
    if (StartsWith(pos_ + after, "/*")) {
      pos_ += after;
      start_ = pos_;
      LexComment();
      return;
    }
    Emit(Item::kLeftDelim);
    pos_ += after;
    start_ = pos_;
    paren_depth_ = 0;
    inside_ = true;
  }

  void LexComment() {
    pos_ += 2;
    size_t x = in_.find("*/", pos_);
    if (x == std::string_view::npos) return Error("unclosed comment");
    pos_ = x + 2;
    auto [delim, trim] = AtRightDelim();
    if (!delim) return Error("comment ends before closing delimiter");
    start_ = pos_;  // comments are not kept
    if (trim) pos_ += 2;
    pos_ += 2;
    if (trim) {
      while (pos_ < in_.size() && IsSpace(in_[pos_])) ++pos_;
    }
    start_ = pos_;
  }

  void LexRightDelim() {
    auto [delim, trim] = AtRightDelim();
    if (trim) {
      pos_ += 2;
      start_ = pos_;
    }
    pos_ += 2;
    Emit(Item::kRightDelim);
    if (trim) {
      while (pos_ < in_.size() && IsSpace(in_[pos_])) ++pos_;
      start_ = pos_;
    }
    inside_ = false;
  }

  void LexInsideAction() {
    auto [delim, trim] = AtRightDelim();
    if (delim) {
      if (paren_depth_ == 0) return LexRightDelim();
      return Error("unclosed left paren");
    }
    int r = Next();
    if (r == -1) return Error("unclosed action");
    char c = static_cast<char>(r);
    if (IsSpace(c)) {
      Backup();
      return LexSpace();
    }
    switch (c) {
      case '=': return Emit(Item::kAssign);
      case ':':
        if (Next() != '=') return Error("expected :=");
        return Emit(Item::kDeclare);
      case '|': return Emit(Item::kPipe);
      case '"': return LexQuote();
      case '`': return LexRawQuote();
      case '$': return LexVariable();
      case '\'': return LexChar();
      case '(':
        Emit(Item::kLeftParen);
        ++paren_depth_;
        return;
      case ')':
        --paren_depth_;
        if (paren_depth_ < 0) return Error("unexpected right paren");
        return Emit(Item::kRightParen);
      default: break;
    }
    if (c == '.') {
      if (pos_ < in_.size() && (in_[pos_] < '0' || in_[pos_] > '9')) return LexField(Item::kField);
    }
    if (c == '.' || c == '+' || c == '-' || (c >= '0' && c <= '9')) {
      Backup();
      return LexNumber();
    }
    if (IsAlnum(static_cast<unsigned char>(c))) {
      Backup();
      return LexIdentifier();
    }
    if (r < 0x80 && r >= 0x20 && r < 0x7F) return Emit(Item::kChar);
    Backup();
    return Error("unrecognized character in action: " + SharpU(in_.substr(pos_)));
  }

  void LexSpace() {
    int num = 0;
    while (pos_ < in_.size() && IsSpace(in_[pos_])) ++pos_, ++num;
    if (HasRightTrim(in_.substr(pos_ - 1)) && StartsWith(pos_ - 1 + 2, "}}")) {
      --pos_;
      if (num == 1) return LexRightDelim();
    }
    Emit(Item::kSpace);
  }

  void LexIdentifier() {
    while (true) {
      int r = Next();
      if (r != -1 && IsAlnum(static_cast<unsigned char>(r))) continue;
      Backup();
      std::string_view word = in_.substr(start_, pos_ - start_);
      if (!AtTerminator()) return Error("bad character " + SharpU(in_.substr(pos_)));
      static const std::pair<std::string_view, Item> kKeys[] = {
          {".", Item::kDot},       {"block", Item::kBlock}, {"break", Item::kBreak},
          {"continue", Item::kContinue}, {"define", Item::kDefine}, {"else", Item::kElse},
          {"end", Item::kEnd},     {"if", Item::kIf},       {"range", Item::kRange},
          {"nil", Item::kNil},     {"template", Item::kTemplate}, {"with", Item::kWith}};
      for (const auto& [k, item] : kKeys) {
        if (word == k) return Emit(item);
      }
      if (word[0] == '.') return Emit(Item::kField);
      if (word == "true" || word == "false") return Emit(Item::kBool);
      return Emit(Item::kIdentifier);
    }
  }

  void LexField(Item type) {
    if (AtTerminator()) return Emit(type == Item::kVariable ? Item::kVariable : Item::kDot);
    while (true) {
      int r = Next();
      if (r == -1 || !IsAlnum(static_cast<unsigned char>(r))) {
        Backup();
        break;
      }
    }
    if (!AtTerminator()) return Error("bad character " + SharpU(in_.substr(pos_)));
    Emit(type);
  }

  void LexVariable() {
    if (AtTerminator()) return Emit(Item::kVariable);
    LexField(Item::kVariable);
  }

  void LexChar() {
    while (true) {
      int r = Next();
      if (r == '\\') {
        int n = Next();
        if (n != -1 && n != '\n') continue;
        return Error("unterminated character constant");
      }
      if (r == -1 || r == '\n') return Error("unterminated character constant");
      if (r == '\'') break;
    }
    Emit(Item::kCharConstant);
  }

  void LexQuote() {
    while (true) {
      int r = Next();
      if (r == '\\') {
        int n = Next();
        if (n != -1 && n != '\n') continue;
        return Error("unterminated quoted string");
      }
      if (r == -1 || r == '\n') return Error("unterminated quoted string");
      if (r == '"') break;
    }
    Emit(Item::kString);
  }

  void LexRawQuote() {
    size_t x = in_.find('`', pos_);
    if (x == std::string_view::npos) return Error("unterminated raw quoted string");
    pos_ = x + 1;
    Emit(Item::kRawString);
  }

  bool Accept(std::string_view valid) {
    if (pos_ < in_.size() && valid.find(in_[pos_]) != std::string_view::npos) {
      ++pos_;
      return true;
    }
    return false;
  }
  void AcceptRun(std::string_view valid) {
    while (Accept(valid)) {
    }
  }
  bool ScanNumber() {
    Accept("+-");
    std::string_view digits = "0123456789_";
    if (Accept("0")) {
      if (Accept("xX")) {
        digits = "0123456789abcdefABCDEF_";
      } else if (Accept("oO")) {
        digits = "01234567_";
      } else if (Accept("bB")) {
        digits = "01_";
      }
    }
    AcceptRun(digits);
    if (Accept(".")) AcceptRun(digits);
    if (digits.size() == 11 && Accept("eE")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    if (digits.size() == 23 && Accept("pP")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    Accept("i");
    if (pos_ < in_.size() && IsAlnum(static_cast<unsigned char>(in_[pos_]))) {
      ++pos_;
      return false;
    }
    return true;
  }
  void LexNumber() {
    auto bad = [&] {
      Error("bad number syntax: " + GoQuote(in_.substr(start_, std::min(pos_, in_.size()) - start_)));
    };
    if (!ScanNumber()) return bad();
    if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-')) {
      if (!ScanNumber() || in_[pos_ - 1] != 'i') return bad();
      return Error("complex numbers are not supported");  // berth: no complex values
    }
    Emit(Item::kNumber);
  }
};

// strconv.Unquote for "..." `...` and '...' (quote = first char). False on
// invalid syntax.
bool Unquote(std::string_view s, std::string* out, bool single_rune = false) {
  out->clear();
  if (s.size() < 2) return false;
  const char q = s.front();
  if (s.back() != q) return false;
  s = s.substr(1, s.size() - 2);
  if (q == '`') {
    for (char c : s) {
      if (c != '\r') *out += c;
    }
    return true;
  }
  size_t runes = 0;
  auto append_rune = [&](uint32_t r) {
    std::vector<TemplateValue> a = {TemplateValue::Int(r)};
    *out += GoSprintf("%c", a);
  };
  auto hexval = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  size_t i = 0;
  while (i < s.size()) {
    ++runes;
    char c = s[i];
    if (c == q && q == '\'') return false;
    if (c == '\n') return false;
    if (c != '\\') {
      auto step = collector::FirstUtf8Step(s.substr(i));
      out->append(s.substr(i, step.length));
      i += step.length;
      continue;
    }
    if (i + 1 >= s.size()) return false;
    char e = s[i + 1];
    i += 2;
    switch (e) {
      case 'a': *out += '\a'; break;
      case 'b': *out += '\b'; break;
      case 'f': *out += '\f'; break;
      case 'n': *out += '\n'; break;
      case 'r': *out += '\r'; break;
      case 't': *out += '\t'; break;
      case 'v': *out += '\v'; break;
      case '\\': *out += '\\'; break;
      case '\'':
      case '"':
        if (e != q) return false;
        *out += e;
        break;
      case 'x':
      case 'u':
      case 'U': {
        size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (i + n > s.size()) return false;
        uint32_t v = 0;
        for (size_t k = 0; k < n; ++k) {
          int h = hexval(s[i + k]);
          if (h < 0) return false;
          v = v * 16 + static_cast<uint32_t>(h);
        }
        i += n;
        if (e == 'x') {
          if (q == '\'') {
            append_rune(v);
          } else {
            *out += static_cast<char>(v);
          }
          break;
        }
        if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
        append_rune(v);
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          if (i + 2 > s.size()) return false;
          uint32_t v = static_cast<uint32_t>(e - '0');
          for (size_t k = 0; k < 2; ++k) {
            char d = s[i + k];
            if (d < '0' || d > '7') return false;
            v = v * 8 + static_cast<uint32_t>(d - '0');
          }
          i += 2;
          if (v > 255) return false;
          if (q == '\'') {
            append_rune(v);
          } else {
            *out += static_cast<char>(v);
          }
          break;
        }
        return false;
    }
  }
  if (single_rune && runes != 1) return false;
  return true;
}

// strconv.ParseInt(text, 0, 64) / ParseUint; false when not an integer.
bool ParseGoInt(std::string_view text, int64_t* v, bool* overflow) {
  *overflow = false;
  bool neg = false;
  std::string_view s = text;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  bool prefixed = false;
  if (s.size() >= 2 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x') base = 16, prefixed = true;
    if (p == 'o') base = 8, prefixed = true;
    if (p == 'b') base = 2, prefixed = true;
    if (prefixed) {
      s.remove_prefix(2);
    } else {
      base = 8;  // leading 0: octal
      s.remove_prefix(1);
      if (s.empty()) s = "0";
    }
  }
  if (s.empty()) return false;
  unsigned __int128 acc = 0;
  char last = '_';
  bool any = false;
  for (char c : s) {
    if (c == '_') {
      if (last == '_' && (any || !prefixed)) return false;
      last = c;
      continue;
    }
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
      d = (c | 0x20) - 'a' + 10;
    } else {
      return false;
    }
    if (d >= base) return false;
    acc = acc * static_cast<unsigned>(base) + static_cast<unsigned>(d);
    if (acc > (static_cast<unsigned __int128>(1) << 64)) *overflow = true;
    any = true;
    last = c;
  }
  if (last == '_' || !any) return false;
  const unsigned __int128 limit = neg ? (static_cast<unsigned __int128>(1) << 63)
                                      : (static_cast<unsigned __int128>(1) << 63) - 1;
  if (*overflow || acc > limit) {
    *overflow = true;
    return false;
  }
  *v = neg ? -static_cast<int64_t>(acc - 1) - 1 : static_cast<int64_t>(acc);
  if (neg && acc == 0) *v = 0;
  return true;
}

class Parser {
 public:
  Parser(std::string_view text, const std::vector<std::string>& funcs, Tree* tree)
      : text_(text), funcs_(funcs), tree_(tree) {}

  void Parse() {
    Lexer lex(text_);
    toks_ = lex.Run();
    vars_ = {"$"};
    auto root = NewNode(Node::Type::kList, PeekTok().pos);
    while (PeekTok().type != Item::kEof) {
      if (PeekTok().type == Item::kLeftDelim) {
        size_t save = i_;
        NextTok();
        if (NextNonSpace().type == Item::kDefine) {
          ParseDefinition();
          continue;
        }
        i_ = save;
      }
      NodePtr n = TextOrAction();
      if (n->type == Node::Type::kBreak && n->literal == "end") Fail("unexpected {{end}}");
      if (n->type == Node::Type::kBreak && n->literal == "else") Fail("unexpected {{else}}");
      root->kids.push_back(std::move(n));
    }
    tree_->root = std::move(root);
  }

 private:
  std::string_view text_;
  const std::vector<std::string>& funcs_;
  Tree* tree_;
  std::vector<Token> toks_;
  size_t i_ = 0;
  std::vector<std::string> vars_;
  int range_depth_ = 0;
  int depth_ = 0;

  // End and else come back from TextOrAction as kBreak nodes marked in
  // `literal` ("end" / "else"); kBreak proper has literal "break".
  static bool IsEnd(const Node& n) { return n.type == Node::Type::kBreak && n.literal == "end"; }
  static bool IsElse(const Node& n) { return n.type == Node::Type::kBreak && n.literal == "else"; }

  [[noreturn]] void Fail(std::string msg) { throw ParseError{CurPos(), std::move(msg)}; }
  size_t CurPos() const {
    size_t k = i_ == 0 ? 0 : i_ - 1;
    return k < toks_.size() ? toks_[k].pos : text_.size();
  }

  NodePtr NewNode(Node::Type t, size_t pos) {
    auto n = std::make_unique<Node>();
    n->type = t;
    n->pos = pos;
    return n;
  }
  const Token& PeekTok() const { return toks_[std::min(i_, toks_.size() - 1)]; }
  const Token& NextTok() {
    const Token& t = toks_[std::min(i_, toks_.size() - 1)];
    if (i_ < toks_.size()) ++i_;
    if (t.type == Item::kError) {
      i_ = std::min(i_, toks_.size());
      throw ParseError{t.pos, t.val};
    }
    return t;
  }
  void Backup() { --i_; }
  const Token& NextNonSpace() {
    while (true) {
      const Token& t = NextTok();
      if (t.type != Item::kSpace) return t;
    }
  }
  const Token& PeekNonSpace() {
    const Token& t = NextNonSpace();
    Backup();
    return t;
  }
  static std::string TokString(const Token& t) {
    if (t.type == Item::kEof) return "EOF";
    if (t.type == Item::kError) return t.val;
    if (t.type > Item::kKeyword) return "<" + t.val + ">";
    if (t.val.size() > 10) {
      // %.10q: the first 10 runes, quoted, then "..."
      std::string_view v = t.val;
      size_t n = collector::CodePointPrefixBytes(v, 10);
      return GoQuote(v.substr(0, n)) + "...";
    }
    return GoQuote(t.val);
  }
  [[noreturn]] void Unexpected(const Token& t, std::string_view context) {
    Fail("unexpected " + TokString(t) + " in " + std::string(context));
  }
  const Token& Expect(Item type, std::string_view context) {
    const Token& t = NextNonSpace();
    if (t.type != type) Unexpected(t, context);
    return t;
  }

  struct DepthGuard {
    Parser* p;
    explicit DepthGuard(Parser* parser) : p(parser) {
      if (++p->depth_ > kMaxDepth) p->Fail("max expression depth exceeded");
    }
    ~DepthGuard() { --p->depth_; }
  };

  void ParseDefinition() {
    const Token& name = NextNonSpace();
    if (name.type != Item::kString && name.type != Item::kRawString) Unexpected(name, "define clause");
    std::string n;
    if (!Unquote(name.val, &n)) Fail("invalid syntax");
    Expect(Item::kRightDelim, "define clause");
    auto saved_vars = vars_;
    int saved_range = range_depth_;
    vars_ = {"$"};
    range_depth_ = 0;
    auto [list, end] = ItemList();
    if (!IsEnd(*end)) Fail("unexpected " + end->String() + " in define clause");
    vars_ = saved_vars;
    range_depth_ = saved_range;
    AddDefinition(n, std::move(list));
  }
  void AddDefinition(const std::string& name, NodePtr list) {
    auto empty = [](const Node& l) {
      for (const auto& k : l.kids) {
        if (k->type != Node::Type::kText) return false;
        for (char c : k->text) {
          if (!IsSpace(c)) return false;
        }
      }
      return true;
    };
    auto it = tree_->defined.find(name);
    if (it == tree_->defined.end() || empty(*it->second)) {
      tree_->defined[name] = std::move(list);
      return;
    }
    if (!empty(*list)) Fail("template: multiple definition of template \"" + name + "\"");
  }

  std::pair<NodePtr, NodePtr> ItemList() {
    DepthGuard guard(this);
    auto list = NewNode(Node::Type::kList, PeekNonSpace().pos);
    while (PeekNonSpace().type != Item::kEof) {
      NodePtr n = TextOrAction();
      if (IsEnd(*n) || IsElse(*n)) return {std::move(list), std::move(n)};
      list->kids.push_back(std::move(n));
    }
    Fail("unexpected EOF");
  }

  NodePtr TextOrAction() {
    const Token& t = NextNonSpace();
    if (t.type == Item::kText) {
      auto n = NewNode(Node::Type::kText, t.pos);
      n->text = t.val;
      return n;
    }
    if (t.type == Item::kLeftDelim) return Action();
    Unexpected(t, "input");
  }

  NodePtr Action() {
    const Token& t = NextNonSpace();
    switch (t.type) {
      case Item::kBlock: return BlockControl();
      case Item::kBreak:
      case Item::kContinue: {
        const bool is_break = t.type == Item::kBreak;
        auto n = NewNode(is_break ? Node::Type::kBreak : Node::Type::kContinue, t.pos);
        n->literal = is_break ? "break" : "continue";
        const Token& r = NextNonSpace();
        if (r.type != Item::kRightDelim) Unexpected(r, is_break ? "{{break}}" : "{{continue}}");
        if (range_depth_ == 0) {
          Fail(is_break ? "{{break}} outside {{range}}" : "{{continue}} outside {{range}}");
        }
        return n;
      }
      case Item::kElse: {
        const Token& p = PeekNonSpace();
        auto n = NewNode(Node::Type::kBreak, p.pos);
        n->literal = "else";
        if (p.type == Item::kIf || p.type == Item::kWith) return n;
        Expect(Item::kRightDelim, "else");
        return n;
      }
      case Item::kEnd: {
        auto n = NewNode(Node::Type::kBreak, t.pos);
        n->literal = "end";
        Expect(Item::kRightDelim, "end");
        return n;
      }
      case Item::kIf: return Control(Node::Type::kIf, "if");
      case Item::kRange: return Control(Node::Type::kRange, "range");
      case Item::kWith: return Control(Node::Type::kWith, "with");
      case Item::kTemplate: return TemplateControl();
      default: break;
    }
    Backup();
    auto n = NewNode(Node::Type::kAction, PeekTok().pos);
    n->pipe = Pipeline("command", Item::kRightDelim);
    return n;
  }

  NodePtr Control(Node::Type type, const char* context) {
    const size_t mark = vars_.size();
    auto n = NewNode(type, 0);
    n->pipe = Pipeline(context, Item::kRightDelim);
    n->pos = n->pipe->pos;
    if (type == Node::Type::kRange) ++range_depth_;
    auto [list, next] = ItemList();
    if (type == Node::Type::kRange) --range_depth_;
    n->list = std::move(list);
    if (IsElse(*next)) {
      if (type == Node::Type::kIf && PeekTok().type == Item::kIf) {
        NextTok();
        n->else_list = NewNode(Node::Type::kList, next->pos);
        n->else_list->kids.push_back(Control(Node::Type::kIf, "if"));
      } else if (type == Node::Type::kWith && PeekTok().type == Item::kWith) {
        NextTok();
        n->else_list = NewNode(Node::Type::kList, next->pos);
        n->else_list->kids.push_back(Control(Node::Type::kWith, "with"));
      } else {
        auto [else_list, end] = ItemList();
        if (!IsEnd(*end)) Fail("expected end; found " + end->String());
        n->else_list = std::move(else_list);
      }
    }
    vars_.resize(mark);
    return n;
  }

  std::string TemplateName(const Token& t, std::string_view context) {
    if (t.type != Item::kString && t.type != Item::kRawString) Unexpected(t, context);
    std::string name;
    if (!Unquote(t.val, &name)) Fail("invalid syntax");
    return name;
  }

  NodePtr TemplateControl() {
    const Token& t = NextNonSpace();
    auto n = NewNode(Node::Type::kTemplate, t.pos);
    n->literal = TemplateName(t, "template clause");
    if (NextNonSpace().type != Item::kRightDelim) {
      Backup();
      n->pipe = Pipeline("template clause", Item::kRightDelim);
    }
    return n;
  }

  NodePtr BlockControl() {
    const Token& t = NextNonSpace();
    auto n = NewNode(Node::Type::kTemplate, t.pos);
    n->literal = TemplateName(t, "block clause");
    n->pipe = Pipeline("block clause", Item::kRightDelim);
    auto saved_vars = vars_;
    int saved_range = range_depth_;
    vars_ = {"$"};
    range_depth_ = 0;
    auto [list, end] = ItemList();
    if (!IsEnd(*end)) Fail("unexpected " + end->String() + " in block clause");
    vars_ = saved_vars;
    range_depth_ = saved_range;
    AddDefinition(n->literal, std::move(list));
    return n;
  }

  NodePtr NewVariable(size_t pos, const std::string& ident) {
    auto v = NewNode(Node::Type::kVariable, pos);
    size_t start = 0;
    while (true) {
      size_t dot = ident.find('.', start);
      v->idents.push_back(ident.substr(start, dot == std::string::npos ? dot : dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return v;
  }

  NodePtr Pipeline(std::string_view context, Item end) {
    DepthGuard guard(this);
    auto pipe = NewNode(Node::Type::kPipe, PeekNonSpace().pos);
    while (true) {  // decls
      const Token& v = PeekNonSpace();
      if (v.type != Item::kVariable) break;
      NextNonSpace();
      const size_t after_var = i_;
      const Token& next = PeekNonSpace();
      if (next.type == Item::kAssign || next.type == Item::kDeclare) {
        pipe->is_assign = next.type == Item::kAssign;
        NextNonSpace();
        pipe->decl.push_back(NewVariable(v.pos, v.val));
        vars_.push_back(v.val);
        break;
      }
      if (next.type == Item::kChar && next.val == ",") {
        NextNonSpace();
        pipe->decl.push_back(NewVariable(v.pos, v.val));
        vars_.push_back(v.val);
        if (context == "range" && pipe->decl.size() < 2) {
          Item p = PeekNonSpace().type;
          if (p == Item::kVariable || p == Item::kRightDelim || p == Item::kRightParen) continue;
          Fail("range can only initialize variables");
        }
        Fail("too many declarations in " + std::string(context));
      }
      i_ = after_var - 1;  // back before the variable (and its space)
      break;
    }
    while (true) {
      const Token& t = NextNonSpace();
      if (t.type == end) {
        if (pipe->kids.empty()) Fail("missing value for " + std::string(context));
        for (size_t k = 1; k < pipe->kids.size(); ++k) {
          switch (pipe->kids[k]->kids[0]->type) {
            case Node::Type::kBool:
            case Node::Type::kDot:
            case Node::Type::kNil:
            case Node::Type::kNumber:
            case Node::Type::kString:
              Fail("non executable command in pipeline stage " + std::to_string(k + 1));
            default: break;
          }
        }
        return pipe;
      }
      switch (t.type) {
        case Item::kBool:
        case Item::kCharConstant:
        case Item::kDot:
        case Item::kField:
        case Item::kIdentifier:
        case Item::kNumber:
        case Item::kNil:
        case Item::kRawString:
        case Item::kString:
        case Item::kVariable:
        case Item::kLeftParen:
          Backup();
          pipe->kids.push_back(Command());
          break;
        default: Unexpected(t, context);
      }
    }
  }

  NodePtr Command() {
    auto cmd = NewNode(Node::Type::kCommand, PeekNonSpace().pos);
    while (true) {
      PeekNonSpace();
      NodePtr operand = Operand();
      if (operand) cmd->kids.push_back(std::move(operand));
      const Token& t = NextTok();
      if (t.type == Item::kSpace) continue;
      if (t.type == Item::kRightDelim || t.type == Item::kRightParen) {
        Backup();
      } else if (t.type != Item::kPipe) {
        Unexpected(t, "operand");
      }
      break;
    }
    if (cmd->kids.empty()) Fail("empty command");
    return cmd;
  }

  NodePtr Operand() {
    NodePtr node = Term();
    if (!node) return nullptr;
    if (PeekTok().type == Item::kField) {
      auto chain = NewNode(Node::Type::kChain, PeekTok().pos);
      while (PeekTok().type == Item::kField) {
        std::string f = NextTok().val;
        size_t start = 1;  // drop the leading '.'
        while (true) {
          size_t dot = f.find('.', start);
          chain->idents.push_back(f.substr(start, dot == std::string::npos ? dot : dot - start));
          if (dot == std::string::npos) break;
          start = dot + 1;
        }
      }
      switch (node->type) {
        case Node::Type::kField:
        case Node::Type::kVariable:
          for (auto& id : chain->idents) node->idents.push_back(id);
          node->pos = chain->pos;
          return node;
        case Node::Type::kBool:
        case Node::Type::kString:
        case Node::Type::kNumber:
        case Node::Type::kNil:
        case Node::Type::kDot:
          Fail("unexpected . after term " + GoQuote(node->String()));
        default:
          chain->kids.push_back(std::move(node));
          return chain;
      }
    }
    return node;
  }

  NodePtr Term() {
    const Token& t = NextNonSpace();
    switch (t.type) {
      case Item::kIdentifier: {
        if (std::find(funcs_.begin(), funcs_.end(), t.val) == funcs_.end()) {
          Fail("function " + GoQuote(t.val) + " not defined");
        }
        auto n = NewNode(Node::Type::kIdentifier, t.pos);
        n->literal = t.val;
        return n;
      }
      case Item::kDot: return NewNode(Node::Type::kDot, t.pos);
      case Item::kNil: return NewNode(Node::Type::kNil, t.pos);
      case Item::kVariable: {
        auto v = NewVariable(t.pos, t.val);
        if (std::find(vars_.begin(), vars_.end(), v->idents[0]) == vars_.end()) {
          Fail("undefined variable " + GoQuote(v->idents[0]));
        }
        return v;
      }
      case Item::kField: {
        auto n = NewNode(Node::Type::kField, t.pos);
        std::string f = t.val;
        size_t start = 1;
        while (true) {
          size_t dot = f.find('.', start);
          n->idents.push_back(f.substr(start, dot == std::string::npos ? dot : dot - start));
          if (dot == std::string::npos) break;
          start = dot + 1;
        }
        return n;
      }
      case Item::kBool: {
        auto n = NewNode(Node::Type::kBool, t.pos);
        n->bool_value = t.val == "true";
        return n;
      }
      case Item::kCharConstant:
      case Item::kNumber: return Number(t);
      case Item::kLeftParen: return Pipeline("parenthesized pipeline", Item::kRightParen);
      case Item::kString:
      case Item::kRawString: {
        auto n = NewNode(Node::Type::kString, t.pos);
        n->literal = t.val;
        if (!Unquote(t.val, &n->text)) Fail("invalid syntax");
        return n;
      }
      default: Backup(); return nullptr;
    }
  }

  NodePtr Number(const Token& t) {
    auto n = NewNode(Node::Type::kNumber, t.pos);
    n->literal = t.val;
    if (t.type == Item::kCharConstant) {
      std::string s;
      if (!Unquote(t.val, &s, /*single_rune=*/true)) Fail("malformed character constant: " + t.val);
      size_t len = collector::FirstUtf8Step(s).length;
      if (len != s.size() && !s.empty()) Fail("malformed character constant: " + t.val);
      // The code point back from its UTF-8 (ill-formed: the byte itself).
      std::vector<int64_t> cps;
      int64_t cp = static_cast<unsigned char>(s[0]);
      const auto* p = reinterpret_cast<const unsigned char*>(s.data());
      if (s.size() == 2) cp = ((p[0] & 0x1F) << 6) | (p[1] & 0x3F);
      if (s.size() == 3) cp = ((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
      if (s.size() == 4) {
        cp = ((p[0] & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
      }
      n->is_int = n->is_float = true;
      n->int_value = cp;
      n->float_value = static_cast<double>(cp);
      return n;
    }
    const std::string& text = t.val;
    if (!text.empty() && text.back() == 'i') Fail("complex numbers are not supported");
    bool overflow = false;
    int64_t iv;
    if (ParseGoInt(text, &iv, &overflow)) {
      n->is_int = n->is_float = true;
      n->int_value = iv;
      n->float_value = static_cast<double>(iv);
      return n;
    }
    std::string clean;
    for (char c : text) {
      if (c != '_') clean += c;
    }
    errno = 0;
    char* end = nullptr;
    double f = std::strtod(clean.c_str(), &end);
    const bool parsed = end && *end == '\0' && !clean.empty() &&
                        clean.find_first_of("nN") == std::string::npos;
    if (parsed) {
      if (clean.find_first_of(".eEpP") == std::string::npos || overflow) {
        if (clean.find_first_of(".eEpP") == std::string::npos) Fail("integer overflow: " + text);
      }
      if (errno == ERANGE && std::isinf(f)) Fail("illegal number syntax: " + GoQuote(text));
      n->is_float = true;
      n->float_value = f;
      if (f >= -9.2e18 && f <= 9.2e18 && static_cast<double>(static_cast<int64_t>(f)) == f) {
        n->is_int = true;
        n->int_value = static_cast<int64_t>(f);
      }
      return n;
    }
    Fail("illegal number syntax: " + GoQuote(text));
  }
};

}  // namespace

std::string Node::String() const {
  auto join = [](const std::vector<std::string>& v, const char* sep) {
    std::string s;
    for (size_t k = 0; k < v.size(); ++k) s += (k ? sep : "") + v[k];
    return s;
  };
  switch (type) {
    case Type::kText: return text;
    case Type::kField: return "." + join(idents, ".");
    case Type::kVariable: return join(idents, ".");
    case Type::kDot: return ".";
    case Type::kNil: return "nil";
    case Type::kBool: return bool_value ? "true" : "false";
    case Type::kNumber:
    case Type::kString:
    case Type::kIdentifier: return literal;
    case Type::kChain: {
      std::string s = kids[0]->type == Type::kPipe ? "(" + kids[0]->String() + ")" : kids[0]->String();
      for (const auto& f : idents) s += "." + f;
      return s;
    }
    case Type::kCommand: {
      std::string s;
      for (size_t k = 0; k < kids.size(); ++k) {
        if (k > 0) s += ' ';
        if (kids[k]->type == Type::kPipe) {
          s += "(" + kids[k]->String() + ")";
        } else {
          s += kids[k]->String();
        }
      }
      return s;
    }
    case Type::kPipe: {
      std::string s;
      if (!decl.empty()) {
        for (size_t k = 0; k < decl.size(); ++k) s += (k ? ", " : "") + decl[k]->String();
        s += is_assign ? " = " : " := ";
      }
      for (size_t k = 0; k < kids.size(); ++k) s += (k ? " | " : "") + kids[k]->String();
      return s;
    }
    case Type::kAction: return "{{" + pipe->String() + "}}";
    case Type::kList: {
      std::string s;
      for (const auto& k : kids) s += k->String();
      return s;
    }
    case Type::kIf:
    case Type::kRange:
    case Type::kWith: {
      const char* name = type == Type::kIf ? "if" : type == Type::kRange ? "range" : "with";
      std::string s = "{{" + std::string(name) + " " + pipe->String() + "}}" + list->String();
      if (else_list) s += "{{else}}" + else_list->String();
      return s + "{{end}}";
    }
    case Type::kBreak: return "{{" + literal + "}}";
    case Type::kContinue: return "{{continue}}";
    case Type::kTemplate:
      if (!pipe) return "{{template " + GoQuote(literal) + "}}";
      return "{{template " + GoQuote(literal) + " " + pipe->String() + "}}";
  }
  return "";
}

std::string Location(std::string_view text, size_t pos) {
  pos = std::min(pos, text.size());
  std::string_view before = text.substr(0, pos);
  size_t nl = before.rfind('\n');
  size_t col = nl == std::string_view::npos ? pos : pos - (nl + 1);
  size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
  return "template: :" + std::to_string(line) + ":" + std::to_string(col);
}

bool ParseTemplateTree(std::string_view text, const std::vector<std::string>& functions,
                       Tree* tree, std::string* error) {
  tree->text = std::string(text);
  Parser parser(tree->text, functions, tree);
  try {
    parser.Parse();
  } catch (const ParseError& e) {
    *error = Location(tree->text, e.pos) + ": " + e.message;
    tree->root.reset();
    return false;
  }
  return true;
}

}  // namespace berth::cli::tmpl
