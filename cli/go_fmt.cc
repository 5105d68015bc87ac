#include "cli/go_fmt.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "collector/utf8_text.h"

namespace berth::cli {
namespace {

using Kind = TemplateValue::Kind;

constexpr char kLower[] = "0123456789abcdefx";
constexpr char kUpper[] = "0123456789ABCDEFX";

// Decodes the code point at s[0..]; `len` its byte length. Ill-formed: -1.
char32_t DecodeRune(std::string_view s, size_t* len) {
  auto step = collector::FirstUtf8Step(s);
  *len = step.length;
  if (!step.valid) return static_cast<char32_t>(-1);
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  switch (step.length) {
    case 1: return p[0];
    case 2: return (char32_t(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
    case 3: return (char32_t(p[0] & 0x0F) << 12) | (char32_t(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    default:
      return (char32_t(p[0] & 0x07) << 18) | (char32_t(p[1] & 0x3F) << 12) |
             (char32_t(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
  }
}

void AppendRune(std::string& out, char32_t r) {
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

size_t RuneCount(std::string_view s) { return collector::CodePointCount(s); }

void AppendHex(std::string& out, uint32_t v, int digits) {
  for (int i = digits - 1; i >= 0; --i) out += kLower[(v >> (4 * i)) & 0xF];
}

// strconv's appendEscapedRune for quote `q`.
void AppendEscapedRune(std::string& out, char32_t r, char q, bool ascii_only) {
  if (r == static_cast<char32_t>(q) || r == '\\') {
    out += '\\';
    out += static_cast<char>(r);
    return;
  }
  if (ascii_only ? (r < 0x80 && GoIsPrint(r)) : GoIsPrint(r)) {
    AppendRune(out, r);
    return;
  }
  switch (r) {
    case '\a': out += "\\a"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\v': out += "\\v"; return;
    default: break;
  }
  if (r < ' ' || r == 0x7F) {
    out += "\\x";
    AppendHex(out, r, 2);
  } else if (r < 0x10000) {
    out += "\\u";
    AppendHex(out, r, 4);
  } else {
    out += "\\U";
    AppendHex(out, r, 8);
  }
}

std::string Quote(std::string_view s, char q, bool ascii_only) {
  std::string out(1, q);
  while (!s.empty()) {
    size_t len;
    char32_t r = DecodeRune(s, &len);
    if (r == static_cast<char32_t>(-1)) {
      for (size_t k = 0; k < len; ++k) {
        out += "\\x";
        AppendHex(out, static_cast<unsigned char>(s[k]), 2);
      }
    } else {
      AppendEscapedRune(out, r, q, ascii_only);
    }
    s.remove_prefix(len);
  }
  out += q;
  return out;
}

bool CanBackquote(std::string_view s) {
  while (!s.empty()) {
    size_t len;
    char32_t r = DecodeRune(s, &len);
    if (r == static_cast<char32_t>(-1)) return false;
    if ((r < ' ' && r != '\t') || r == '`' || r == 0x7F || r == 0xFEFF) return false;
    s.remove_prefix(len);
  }
  return true;
}

// Go's strconv.FormatFloat(v, verb, prec, 64) for finite v; verb e E f g G.
std::string FormatFloat(double v, char verb, int prec) {
  char buf[512];
  if (prec >= 0) {
    char spec[8] = {'%', '.', '*', verb == 'F' ? 'f' : verb, 0};
    std::snprintf(buf, sizeof buf, spec, std::min(prec, 400), v);
    return buf;
  }
  // Shortest digits: d1.d2d3...e±X from to_chars.
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, end);
  bool neg = !sci.empty() && sci[0] == '-';
  if (neg) sci.erase(0, 1);
  size_t e = sci.find('e');
  std::string digits;
  for (size_t k = 0; k < e; ++k) {
    if (sci[k] != '.') digits += sci[k];
  }
  int exp10 = std::atoi(sci.c_str() + e + 1);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const int nd = static_cast<int>(digits.size());
  int dp = exp10 + 1;  // decimal point position
  if (v == 0) dp = 1;
  auto fmt_e = [&](int p, char ech) {
    std::string out = neg ? "-" : "";
    out += digits[0];
    if (p > 0) {
      out += '.';
      for (int k = 1; k <= p; ++k) out += k < nd ? digits[k] : '0';
    }
    out += ech;
    int x = dp - 1;
    if (v == 0) x = 0;
    out += x < 0 ? '-' : '+';
    if (x < 0) x = -x;
    if (x < 10) out += '0';
    out += std::to_string(x);
    return out;
  };
  auto fmt_f = [&](int p) {
    std::string out = neg ? "-" : "";
    if (dp > 0) {
      for (int k = 0; k < dp; ++k) out += k < nd ? digits[k] : '0';
    } else {
      out += '0';
    }
    if (p > 0) {
      out += '.';
      for (int k = 0; k < p; ++k) {
        int j = dp + k;
        out += (j >= 0 && j < nd) ? digits[j] : '0';
      }
    }
    return out;
  };
  switch (verb) {
    case 'e':
    case 'E':
      return fmt_e(nd - 1, verb);
    case 'f':
    case 'F':
      return fmt_f(std::max(nd - dp, 0));
    default: {  // g, G shortest
      const int x = dp - 1;
      if (x < -4 || x >= 21 - 15) return fmt_e(nd - 1, verb == 'G' ? 'E' : 'e');
      return fmt_f(std::max(nd - dp, 0));
    }
  }
}

struct Flags {
  bool plus = false, minus = false, sharp = false, space = false, zero = false;
  bool plus_v = false, sharp_v = false;
  bool wid_present = false, prec_present = false;
  int wid = 0, prec = 0;
};

class Printer {
 public:
  std::string out;
  Flags f;

  void Padding(int n) {
    if (n <= 0) return;
    out.append(static_cast<size_t>(n), f.zero && !f.minus ? '0' : ' ');
  }
  void Pad(std::string_view s) {
    if (!f.wid_present || f.wid == 0) {
      out += s;
      return;
    }
    int width = f.wid - static_cast<int>(RuneCount(s));
    if (!f.minus) {
      Padding(width);
      out += s;
    } else {
      out += s;
      Padding(width);
    }
  }
  std::string_view Truncate(std::string_view s) const {
    if (!f.prec_present) return s;
    size_t n = 0;
    int count = 0;
    while (n < s.size()) {
      if (count == f.prec) return s.substr(0, n);
      size_t len;
      DecodeRune(s.substr(n), &len);
      n += len;
      ++count;
    }
    return s;
  }

  void BadVerb(char32_t verb, const TemplateValue& arg) {
    out += "%!";
    AppendRune(out, verb);
    out += '(';
    if (arg.kind == Kind::kNil || arg.kind == Kind::kNoValue) {
      out += "<nil>";
    } else {
      out += GoTypeName(arg);
      out += '=';
      PrintArg(arg, 'v');
    }
    out += ')';
  }

  void FmtInteger(uint64_t u, int base, bool is_signed, char32_t verb, const char* digits) {
    const bool negative = is_signed && static_cast<int64_t>(u) < 0;
    if (negative) u = 0 - u;
    int prec = 0;
    if (f.prec_present) {
      prec = f.prec;
      if (prec == 0 && u == 0) {
        bool old = f.zero;
        f.zero = false;
        Padding(f.wid);
        f.zero = old;
        return;
      }
    } else if (f.zero && !f.minus && f.wid_present) {
      prec = f.wid;
      if (negative || f.plus || f.space) --prec;
    }
    std::string buf;
    do {
      buf += digits[u % base];
      u /= base;
    } while (u != 0);
    while (static_cast<int>(buf.size()) < prec) buf += '0';
    if (f.sharp) {
      if (base == 2) buf += "b0";
      if (base == 8 && buf.back() != '0') buf += '0';
      if (base == 16) buf += digits[16], buf += '0';
    }
    if (verb == 'O') buf += "o0";
    if (negative) {
      buf += '-';
    } else if (f.plus) {
      buf += '+';
    } else if (f.space) {
      buf += ' ';
    }
    std::string s(buf.rbegin(), buf.rend());
    bool old = f.zero;
    f.zero = false;
    Pad(s);
    f.zero = old;
  }

  void FmtUnicode(uint64_t u) {
    std::string s = "U+";
    char hex[32];
    std::snprintf(hex, sizeof hex, "%0*llX", f.prec_present && f.prec > 4 ? std::min(f.prec, 20) : 4,
                  static_cast<unsigned long long>(u));
    s += hex;
    if (f.sharp && u <= 0x10FFFF && GoIsPrint(static_cast<char32_t>(u))) {
      s += " '";
      AppendRune(s, static_cast<char32_t>(u));
      s += '\'';
    }
    bool old = f.zero;
    f.zero = false;
    Pad(s);
    f.zero = old;
  }

  void FmtFloat(double v, char verb, int prec) {
    if (f.prec_present) prec = f.prec;
    std::string num;
    if (std::isinf(v)) {
      num = v < 0 ? "-Inf" : "+Inf";
    } else if (std::isnan(v)) {
      num = "+NaN";
    } else {
      num = FormatFloat(v, verb, prec);
      if (num[0] != '-') num.insert(0, 1, '+');
    }
    if (f.space && num[0] == '+' && !f.plus) num[0] = ' ';
    if (num[1] == 'I' || num[1] == 'N') {
      bool old = f.zero;
      f.zero = false;
      if (num[1] == 'N' && !f.space && !f.plus) num.erase(0, 1);
      Pad(num);
      f.zero = old;
      return;
    }
    if (f.plus || num[0] != '+') {
      if (f.zero && !f.minus && f.wid_present && f.wid > static_cast<int>(num.size())) {
        out += num[0];
        Padding(f.wid - static_cast<int>(num.size()));
        out.append(num, 1);
        return;
      }
      Pad(num);
      return;
    }
    Pad(std::string_view(num).substr(1));
  }

  void FmtSx(std::string_view s, const char* digits) {
    int length = static_cast<int>(s.size());
    if (f.prec_present && f.prec < length) length = f.prec;
    int width = 2 * length;
    if (width > 0) {
      if (f.space) {
        if (f.sharp) width *= 2;
        width += length - 1;
      } else if (f.sharp) {
        width += 2;
      }
    } else {
      if (f.wid_present) Padding(f.wid);
      return;
    }
    if (f.wid_present && f.wid > width && !f.minus) Padding(f.wid - width);
    if (f.sharp) out += '0', out += digits[16];
    for (int k = 0; k < length; ++k) {
      if (f.space && k > 0) {
        out += ' ';
        if (f.sharp) out += '0', out += digits[16];
      }
      unsigned char c = static_cast<unsigned char>(s[k]);
      out += digits[c >> 4];
      out += digits[c & 0xF];
    }
    if (f.wid_present && f.wid > width && f.minus) Padding(f.wid - width);
  }

  void FmtQ(std::string_view s) {
    s = Truncate(s);
    if (f.sharp && CanBackquote(s)) {
      Pad("`" + std::string(s) + "`");
      return;
    }
    Pad(Quote(s, '"', f.plus));
  }

  void PrintInteger(const TemplateValue& arg, char32_t verb) {
    const bool is_signed = arg.kind == Kind::kInt;
    const uint64_t u = static_cast<uint64_t>(arg.i);
    switch (verb) {
      case 'v':
        if (f.sharp_v && !is_signed) {
          bool old = f.sharp;
          f.sharp = true;
          FmtInteger(u, 16, false, 'v', kLower);
          f.sharp = old;
        } else {
          FmtInteger(u, 10, is_signed, verb, kLower);
        }
        return;
      case 'd': FmtInteger(u, 10, is_signed, verb, kLower); return;
      case 'b': FmtInteger(u, 2, is_signed, verb, kLower); return;
      case 'o':
      case 'O': FmtInteger(u, 8, is_signed, verb, kLower); return;
      case 'x': FmtInteger(u, 16, is_signed, verb, kLower); return;
      case 'X': FmtInteger(u, 16, is_signed, verb, kUpper); return;
      case 'c': {
        std::string s;
        AppendRune(s, arg.i < 0 || arg.i > 0x10FFFF ? 0xFFFD : static_cast<char32_t>(arg.i));
        Pad(s);
        return;
      }
      case 'q': {
        char32_t r = arg.i < 0 || arg.i > 0x10FFFF ? 0xFFFD : static_cast<char32_t>(arg.i);
        if (r >= 0xD800 && r <= 0xDFFF) r = 0xFFFD;
        std::string s = "'";
        AppendEscapedRune(s, r, '\'', f.plus);
        s += '\'';
        Pad(s);
        return;
      }
      case 'U': FmtUnicode(u); return;
      default: BadVerb(verb, arg); return;
    }
  }

  void PrintList(const TemplateValue& arg, char32_t verb) {
    if (f.sharp_v) {
      out += "[]string{";
      for (size_t k = 0; k < arg.list.size(); ++k) {
        if (k > 0) out += ", ";
        PrintArg(TemplateValue::String(arg.list[k]), verb);
      }
      out += '}';
      return;
    }
    out += '[';
    for (size_t k = 0; k < arg.list.size(); ++k) {
      if (k > 0) out += ' ';
      PrintArg(TemplateValue::String(arg.list[k]), verb);
    }
    out += ']';
  }

  void PrintRow(const TemplateValue& arg, char32_t verb) {
    const auto names = arg.row->FieldNames();
    if (f.sharp_v) {
      out += arg.row->TypeName() + "{";
    } else {
      out += "map[";
    }
    for (size_t k = 0; k < names.size(); ++k) {
      if (k > 0) out += f.sharp_v ? ", " : " ";
      PrintArg(TemplateValue::String(names[k]), verb);
      out += ':';
      auto value = arg.row->Field(names[k]);
      PrintArg(TemplateValue::String(value.value_or("")), verb);
    }
    out += f.sharp_v ? '}' : ']';
  }

  void PrintArg(const TemplateValue& arg, char32_t verb) {
    if (arg.kind == Kind::kNil || arg.kind == Kind::kNoValue) {
      if (verb == 'T' || verb == 'v') {
        Pad("<nil>");
      } else {
        BadVerb(verb, arg);
      }
      return;
    }
    if (verb == 'T') {
      Pad(Truncate(GoTypeName(arg)));
      return;
    }
    switch (arg.kind) {
      case Kind::kBool:
        if (verb == 't' || verb == 'v') {
          Pad(arg.b ? "true" : "false");
        } else {
          BadVerb(verb, arg);
        }
        return;
      case Kind::kInt:
      case Kind::kUint8:
        PrintInteger(arg, verb);
        return;
      case Kind::kFloat:
        switch (verb) {
          case 'v': FmtFloat(arg.f, 'g', -1); return;
          case 'g':
          case 'G': FmtFloat(arg.f, static_cast<char>(verb), -1); return;
          case 'f':
          case 'F':
          case 'e':
          case 'E': FmtFloat(arg.f, static_cast<char>(verb), 6); return;
          default: BadVerb(verb, arg); return;
        }
      case Kind::kString:
        switch (verb) {
          case 'v':
            if (f.sharp_v) {
              FmtQ(arg.s);
            } else {
              Pad(Truncate(arg.s));
            }
            return;
          case 's': Pad(Truncate(arg.s)); return;
          case 'x': FmtSx(arg.s, kLower); return;
          case 'X': FmtSx(arg.s, kUpper); return;
          case 'q': FmtQ(arg.s); return;
          default: BadVerb(verb, arg); return;
        }
      case Kind::kList:
        PrintList(arg, verb);
        return;
      case Kind::kRow:
        PrintRow(arg, verb);
        return;
      default:
        return;
    }
  }
};

bool TooLarge(int x) { return x > 1000000 || x < -1000000; }

// Go's parsenum.
bool ParseNum(std::string_view s, size_t start, size_t end, int* num, size_t* newi) {
  *num = 0;
  bool isnum = false;
  size_t k = start;
  if (start >= end) {
    *newi = end;
    return false;
  }
  for (; k < end && s[k] >= '0' && s[k] <= '9'; ++k) {
    if (TooLarge(*num)) {
      *num = 0;
      *newi = end;
      return false;
    }
    *num = *num * 10 + (s[k] - '0');
    isnum = true;
  }
  *newi = k;
  return isnum;
}

}  // namespace

bool GoIsPrint(char32_t r) {
  if (r < 0x80) return r >= 0x20 && r < 0x7F;
  if (r <= 0x9F) return false;  // C1
  struct Range {
    char32_t lo, hi;
  };
  static constexpr Range kNotPrint[] = {
      {0x00A0, 0x00A0}, {0x00AD, 0x00AD}, {0x0600, 0x0605}, {0x061C, 0x061C},
      {0x06DD, 0x06DD}, {0x070F, 0x070F}, {0x0890, 0x0891}, {0x08E2, 0x08E2},
      {0x1680, 0x1680}, {0x180E, 0x180E}, {0x2000, 0x200F}, {0x2028, 0x202F},
      {0x205F, 0x2064}, {0x2066, 0x206F}, {0x3000, 0x3000}, {0xD800, 0xF8FF},
      {0xFDD0, 0xFDEF}, {0xFEFF, 0xFEFF}, {0xFFF0, 0xFFFB}, {0xFFFE, 0xFFFF},
      {0x110BD, 0x110BD}, {0x110CD, 0x110CD}, {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3},
      {0x1D173, 0x1D17A}, {0xE0000, 0xE007F}, {0xF0000, 0x10FFFF},
  };
  for (const Range& x : kNotPrint) {
    if (r >= x.lo && r <= x.hi) return false;
  }
  if ((r & 0xFFFE) == 0xFFFE) return false;  // noncharacters
  return r <= 0x10FFFF;
}

std::string GoTypeName(const TemplateValue& v) {
  switch (v.kind) {
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kUint8: return "uint8";
    case Kind::kFloat: return "float64";
    case Kind::kString: return "string";
    case Kind::kList: return "[]string";
    case Kind::kRow: return v.row->TypeName();
    default: return "<nil>";
  }
}

std::string GoQuote(std::string_view s) { return Quote(s, '"', false); }

std::string GoSprint(const std::vector<TemplateValue>& args) {
  Printer p;
  bool prev_string = false;
  for (size_t k = 0; k < args.size(); ++k) {
    const bool is_string = args[k].is_string();
    if (k > 0 && !is_string && !prev_string) p.out += ' ';
    p.f = Flags{};
    p.PrintArg(args[k], 'v');
    prev_string = is_string;
  }
  return std::move(p.out);
}

std::string GoSprintln(const std::vector<TemplateValue>& args) {
  Printer p;
  for (size_t k = 0; k < args.size(); ++k) {
    if (k > 0) p.out += ' ';
    p.f = Flags{};
    p.PrintArg(args[k], 'v');
  }
  p.out += '\n';
  return std::move(p.out);
}

std::string GoSprintf(std::string_view format, const std::vector<TemplateValue>& a) {
  Printer p;
  const size_t end = format.size();
  size_t arg_num = 0;
  bool reordered = false;
  const size_t num_args = a.size();
  for (size_t i = 0; i < end;) {
    bool good_arg_num = true;
    size_t lasti = i;
    while (i < end && format[i] != '%') ++i;
    if (i > lasti) p.out.append(format.substr(lasti, i - lasti));
    if (i >= end) break;
    ++i;
    p.f = Flags{};
    for (; i < end; ++i) {
      char c = format[i];
      if (c == '#') {
        p.f.sharp = true;
      } else if (c == '0') {
        p.f.zero = !p.f.minus;
      } else if (c == '+') {
        p.f.plus = true;
      } else if (c == '-') {
        p.f.minus = true;
        p.f.zero = false;
      } else if (c == ' ') {
        p.f.space = true;
      } else {
        break;
      }
    }
    bool after_index = false;
    // argNumber: "[n]"
    auto arg_number = [&](size_t* k) {
      if (*k >= end || format[*k] != '[') return false;
      reordered = true;
      std::string_view rest = format.substr(*k);
      if (rest.size() < 3) {
        *k += 1;
        good_arg_num = false;
        return false;
      }
      for (size_t j = 1; j < rest.size(); ++j) {
        if (rest[j] == ']') {
          int width;
          size_t newi;
          bool ok = ParseNum(rest, 1, j, &width, &newi);
          if (!ok || newi != j) {
            *k += j + 1;
            good_arg_num = false;
            return false;
          }
          int index = width - 1;
          *k += j + 1;
          if (index >= 0 && static_cast<size_t>(index) < num_args) {
            arg_num = static_cast<size_t>(index);
            return true;
          }
          good_arg_num = false;
          return true;
        }
      }
      *k += 1;
      good_arg_num = false;
      return false;
    };
    auto int_from_arg = [&](int* num) {
      bool is_int = false;
      *num = 0;
      if (arg_num < num_args) {
        const auto& v = a[arg_num];
        if (v.is_integer()) {
          *num = static_cast<int>(std::clamp<int64_t>(v.i, -2000000, 2000000));
          is_int = true;
        }
        ++arg_num;
        if (TooLarge(*num)) {
          *num = 0;
          is_int = false;
        }
      }
      return is_int;
    };
    after_index = arg_number(&i);
    if (i < end && format[i] == '*') {
      ++i;
      p.f.wid_present = int_from_arg(&p.f.wid);
      if (!p.f.wid_present) p.out += "%!(BADWIDTH)";
      if (p.f.wid < 0) {
        p.f.wid = -p.f.wid;
        p.f.minus = true;
        p.f.zero = false;
      }
      after_index = false;
    } else {
      p.f.wid_present = ParseNum(format, i, end, &p.f.wid, &i);
      if (after_index && p.f.wid_present) good_arg_num = false;
    }
    if (i + 1 < end && format[i] == '.') {
      ++i;
      if (after_index) good_arg_num = false;
      after_index = arg_number(&i);
      if (i < end && format[i] == '*') {
        ++i;
        p.f.prec_present = int_from_arg(&p.f.prec);
        if (p.f.prec < 0) {
          p.f.prec = 0;
          p.f.prec_present = false;
        }
        if (!p.f.prec_present) p.out += "%!(BADPREC)";
        after_index = false;
      } else {
        p.f.prec_present = ParseNum(format, i, end, &p.f.prec, &i);
        if (!p.f.prec_present) {
          p.f.prec = 0;
          p.f.prec_present = true;
        }
      }
    }
    if (!after_index) after_index = arg_number(&i);
    if (i >= end) {
      p.out += "%!(NOVERB)";
      break;
    }
    size_t size = 1;
    char32_t verb = static_cast<unsigned char>(format[i]);
    if (verb >= 0x80) {
      verb = DecodeRune(format.substr(i), &size);
      if (verb == static_cast<char32_t>(-1)) verb = 0xFFFD;
    }
    i += size;
    if (verb == '%') {
      p.out += '%';
    } else if (!good_arg_num) {
      p.out += "%!";
      AppendRune(p.out, verb);
      p.out += "(BADINDEX)";
    } else if (arg_num >= num_args) {
      p.out += "%!";
      AppendRune(p.out, verb);
      p.out += "(MISSING)";
    } else {
      if (verb == 'v') {
        p.f.sharp_v = p.f.sharp;
        p.f.sharp = false;
        p.f.plus_v = p.f.plus;
        p.f.plus = false;
      }
      p.PrintArg(a[arg_num], verb);
      ++arg_num;
    }
  }
  if (!reordered && arg_num < num_args) {
    p.f = Flags{};
    p.out += "%!(EXTRA ";
    for (size_t k = arg_num; k < num_args; ++k) {
      if (k > arg_num) p.out += ", ";
      if (a[k].kind == Kind::kNil || a[k].kind == Kind::kNoValue) {
        p.out += "<nil>";
      } else {
        p.out += GoTypeName(a[k]);
        p.out += '=';
        p.PrintArg(a[k], 'v');
      }
    }
    p.out += ')';
  }
  return std::move(p.out);
}

namespace {

void JsonString(std::string& out, std::string_view s) {
  out += '"';
  while (!s.empty()) {
    unsigned char c = static_cast<unsigned char>(s[0]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            out += "\\u00";
            AppendHex(out, c, 2);
          } else {
            out += static_cast<char>(c);
          }
      }
      s.remove_prefix(1);
      continue;
    }
    size_t len;
    char32_t r = DecodeRune(s, &len);
    if (r == static_cast<char32_t>(-1)) {
      out += "\xEF\xBF\xBD";  // U+FFFD itself, berth's rule for every JSON string
    } else if (r == 0x2028 || r == 0x2029) {
      out += r == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(0, len));
    }
    s.remove_prefix(len);
  }
  out += '"';
}

}  // namespace

bool GoJson(const TemplateValue& v, std::string* out, std::string* error) {
  switch (v.kind) {
    case Kind::kNil:
    case Kind::kNoValue: *out += "null"; return true;
    case Kind::kBool: *out += v.b ? "true" : "false"; return true;
    case Kind::kInt:
    case Kind::kUint8: *out += std::to_string(v.i); return true;
    case Kind::kFloat: {
      if (!std::isfinite(v.f)) {
        *error = "json: unsupported value: " + FormatFloat(v.f, 'g', -1);
        if (std::isnan(v.f)) *error = "json: unsupported value: NaN";
        if (std::isinf(v.f)) *error = v.f < 0 ? "json: unsupported value: -Inf"
                                              : "json: unsupported value: +Inf";
        return false;
      }
      const double a = std::fabs(v.f);
      if (a != 0 && (a < 1e-6 || a >= 1e21)) {
        std::string s = FormatFloat(v.f, 'e', -1);
        // Go cleans e-07 to e-7.
        size_t e = s.find('e');
        if (e != std::string::npos && e + 2 < s.size() && s[e + 2] == '0' && s.size() - e == 4) {
          s.erase(e + 2, 1);
        }
        *out += s;
      } else {
        *out += FormatFloat(v.f, 'f', -1);
      }
      return true;
    }
    case Kind::kString: JsonString(*out, v.s); return true;
    case Kind::kList:
      *out += '[';
      for (size_t k = 0; k < v.list.size(); ++k) {
        if (k > 0) *out += ',';
        JsonString(*out, v.list[k]);
      }
      *out += ']';
      return true;
    case Kind::kRow: {
      *out += '{';
      bool first = true;
      for (const auto& name : v.row->FieldNames()) {
        if (!first) *out += ',';
        first = false;
        JsonString(*out, name);
        *out += ':';
        JsonString(*out, v.row->Field(name).value_or(""));
      }
      *out += '}';
      return true;
    }
  }
  return true;
}

}  // namespace berth::cli
