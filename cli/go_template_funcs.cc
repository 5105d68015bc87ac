#include "cli/go_template_funcs.h"

#include <clocale>
#include <cwctype>
#include <locale.h>

#include "cli/go_fmt.h"
#include "collector/utf8_text.h"

namespace berth::cli::tmpl {
namespace {

using Kind = TemplateValue::Kind;
using Args = std::vector<TemplateValue>;

[[noreturn]] void Fail(std::string message) { throw FuncError{std::move(message)}; }

void CheckSize(size_t n) {
  if (n > kMaxValueBytes) {
    Fail("value of " + std::to_string(n) + " bytes exceeds berth's bound of 1 MiB");
  }
}

// Go's basicKind: 0 invalid, then bool, int, uint, float, string.
enum BasicKind { kInvalid, kBoolKind, kIntKind, kUintKind, kFloatKind, kStringKind };
BasicKind Basic(const TemplateValue& v) {
  switch (v.kind) {
    case Kind::kBool: return kBoolKind;
    case Kind::kInt: return kIntKind;
    case Kind::kUint8: return kUintKind;
    case Kind::kFloat: return kFloatKind;
    case Kind::kString: return kStringKind;
    default: return kInvalid;
  }
}
bool IsNilish(const TemplateValue& v) { return v.kind == Kind::kNil || v.kind == Kind::kNoValue; }

bool Eq(const TemplateValue& a1, const Args& rest) {
  if (rest.empty()) Fail("missing argument for comparison");
  const BasicKind k1 = Basic(a1);
  for (const auto& a : rest) {
    const BasicKind k2 = Basic(a);
    bool truth = false;
    if (k1 != k2) {
      if (k1 == kIntKind && k2 == kUintKind) {
        truth = a1.i >= 0 && a1.i == a.i;
      } else if (k1 == kUintKind && k2 == kIntKind) {
        truth = a.i >= 0 && a1.i == a.i;
      } else if (!IsNilish(a1) && !IsNilish(a)) {
        Fail("incompatible types for comparison");
      }
    } else {
      switch (k1) {
        case kBoolKind: truth = a1.b == a.b; break;
        case kIntKind:
        case kUintKind: truth = a1.i == a.i; break;
        case kFloatKind: truth = a1.f == a.f; break;
        case kStringKind: truth = a1.s == a.s; break;
        default:
          if (IsNilish(a1) || IsNilish(a)) {
            truth = IsNilish(a1) == IsNilish(a);
          } else if (a1.kind == Kind::kList || a.kind == Kind::kList) {
            const TemplateValue& l = a.kind == Kind::kList ? a : a1;
            Fail("non-comparable type " + GoSprint({l}) + ": []string");
          } else {
            truth = a1.row == a.row;
          }
      }
    }
    if (truth) return true;
  }
  return false;
}

bool Lt(const TemplateValue& a, const TemplateValue& b) {
  const BasicKind k1 = Basic(a), k2 = Basic(b);
  if (k1 == kInvalid || k2 == kInvalid) Fail("invalid type for comparison");
  if (k1 != k2) {
    if (k1 == kIntKind && k2 == kUintKind) return a.i < 0 || a.i < b.i;
    if (k1 == kUintKind && k2 == kIntKind) return b.i >= 0 && a.i < b.i;
    Fail("incompatible types for comparison");
  }
  switch (k1) {
    case kBoolKind: Fail("invalid type for comparison");
    case kFloatKind: return a.f < b.f;
    case kStringKind: return a.s < b.s;
    default: return a.i < b.i;
  }
}

TemplateValue FnEq(Args& a) { return TemplateValue::Bool(Eq(a[0], Args(a.begin() + 1, a.end()))); }
TemplateValue FnNe(Args& a) { return TemplateValue::Bool(!Eq(a[0], {a[1]})); }
TemplateValue FnLt(Args& a) { return TemplateValue::Bool(Lt(a[0], a[1])); }
TemplateValue FnLe(Args& a) { return TemplateValue::Bool(Lt(a[0], a[1]) || Eq(a[0], {a[1]})); }
TemplateValue FnGt(Args& a) { return TemplateValue::Bool(!(Lt(a[0], a[1]) || Eq(a[0], {a[1]}))); }
TemplateValue FnGe(Args& a) { return TemplateValue::Bool(!Lt(a[0], a[1])); }
TemplateValue FnNot(Args& a) { return TemplateValue::Bool(!IsTrue(a[0])); }

std::string RowTypeDeref(const TemplateValue& v) {
  std::string t = GoTypeName(v);
  if (!t.empty() && t[0] == '*') t.erase(0, 1);
  return t;
}
bool IsMapRow(const TemplateValue& v) {
  return v.kind == Kind::kRow && v.row->TypeName().starts_with("formatter.SubHeaderContext");
}

TemplateValue FnLen(Args& a) {
  const TemplateValue& v = a[0];
  switch (v.kind) {
    case Kind::kString: return TemplateValue::Int(static_cast<int64_t>(v.s.size()));
    case Kind::kList: return TemplateValue::Int(static_cast<int64_t>(v.list.size()));
    case Kind::kRow:
      if (IsMapRow(v)) return TemplateValue::Int(static_cast<int64_t>(v.row->FieldNames().size()));
      Fail("len of type " + RowTypeDeref(v));
    case Kind::kNil:
    case Kind::kNoValue: Fail("len of nil pointer");
    default: Fail("len of type " + GoTypeName(v));
  }
}

int64_t IndexArg(const TemplateValue& index, size_t cap) {
  if (!index.is_integer()) {
    if (IsNilish(index)) Fail("cannot index slice/array with nil");
    Fail("cannot index slice/array with type " + GoTypeName(index));
  }
  if (index.i < 0 || static_cast<uint64_t>(index.i) > cap) {
    Fail("index out of range: " + std::to_string(index.i));
  }
  return index.i;
}

TemplateValue FnIndex(Args& a) {
  TemplateValue item = a[0];
  if (IsNilish(item)) Fail("index of untyped nil");
  for (size_t k = 1; k < a.size(); ++k) {
    const TemplateValue& index = a[k];
    if (item.kind == Kind::kString || item.kind == Kind::kList) {
      const size_t len = item.kind == Kind::kString ? item.s.size() : item.list.size();
      const int64_t x = IndexArg(index, len);
      if (static_cast<size_t>(x) == len) Fail("index out of range: " + std::to_string(x));
      if (item.kind == Kind::kString) {
        item = TemplateValue::Uint8(static_cast<uint8_t>(item.s[static_cast<size_t>(x)]));
      } else {
        item = TemplateValue::String(item.list[static_cast<size_t>(x)]);
      }
    } else if (IsMapRow(item)) {
      if (!index.is_string()) {
        Fail("value has type " + GoTypeName(index) + "; should be string");
      }
      item = TemplateValue::String(item.row->Field(index.s).value_or(""));
    } else {
      Fail("can't index item of type " + RowTypeDeref(item));
    }
  }
  return item;
}

TemplateValue FnSlice(Args& a) {
  const TemplateValue& item = a[0];
  if (IsNilish(item)) Fail("slice of untyped nil");
  const size_t n = a.size() - 1;
  if (n > 3) Fail("too many slice indexes: " + std::to_string(n));
  size_t cap;
  if (item.kind == Kind::kString) {
    if (n == 3) Fail("cannot 3-index slice a string");
    cap = item.s.size();
  } else if (item.kind == Kind::kList) {
    cap = item.list.size();
  } else {
    Fail("can't slice item of type " + GoTypeName(item));
  }
  int64_t idx[3] = {0, static_cast<int64_t>(cap), 0};
  for (size_t k = 0; k < n; ++k) idx[k] = IndexArg(a[k + 1], cap);
  if (idx[0] > idx[1]) {
    Fail("invalid slice index: " + std::to_string(idx[0]) + " > " + std::to_string(idx[1]));
  }
  if (n == 3 && idx[1] > idx[2]) {
    Fail("invalid slice index: " + std::to_string(idx[1]) + " > " + std::to_string(idx[2]));
  }
  if (item.kind == Kind::kString) {
    return TemplateValue::String(item.s.substr(static_cast<size_t>(idx[0]),
                                               static_cast<size_t>(idx[1] - idx[0])));
  }
  return TemplateValue::List(std::vector<std::string>(item.list.begin() + idx[0],
                                                      item.list.begin() + idx[1]));
}

size_t ArgsBytes(const Args& a) {
  size_t n = 0;
  for (const auto& v : a) n += v.size() + (v.kind == Kind::kRow ? 4096 : 24);
  return n;
}

TemplateValue FnPrint(Args& a) {
  CheckSize(ArgsBytes(a));
  return TemplateValue::String(GoSprint(a));
}
TemplateValue FnPrintln(Args& a) {
  CheckSize(ArgsBytes(a));
  return TemplateValue::String(GoSprintln(a));
}
TemplateValue FnPrintf(Args& a) {
  const std::string format = a[0].s;
  Args rest(a.begin() + 1, a.end());
  CheckSize(ArgsBytes(rest) + format.size());
  std::string out = GoSprintf(format, rest);
  CheckSize(out.size());
  return TemplateValue::String(std::move(out));
}

// Go's evalArgs for html/js/urlquery.
std::string EvalArgs(const Args& a) {
  CheckSize(ArgsBytes(a) * 6);
  if (a.size() == 1 && a[0].is_string()) return a[0].s;
  return GoSprint(a);
}

TemplateValue FnHtml(Args& a) {
  std::string s = EvalArgs(a), out;
  for (char c : s) {
    switch (c) {
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\0': out += "\xEF\xBF\xBD"; break;
      default: out += c;
    }
  }
  return TemplateValue::String(std::move(out));
}

TemplateValue FnJs(Args& a) {
  std::string s = EvalArgs(a), out;
  std::string_view v = s;
  const char* hex = "0123456789ABCDEF";
  while (!v.empty()) {
    unsigned char c = static_cast<unsigned char>(v[0]);
    if (c < 0x80) {
      switch (c) {
        case '\\': out += "\\\\"; break;
        case '\'': out += "\\'"; break;
        case '"': out += "\\\""; break;
        case '<': out += "\\u003C"; break;
        case '>': out += "\\u003E"; break;
        case '&': out += "\\u0026"; break;
        case '=': out += "\\u003D"; break;
        default:
          if (c < ' ') {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
          } else {
            out += static_cast<char>(c);
          }
      }
      v.remove_prefix(1);
      continue;
    }
    auto step = collector::FirstUtf8Step(v);
    std::string one(v.substr(0, step.length));
    Args cp = {TemplateValue::String(one)};
    // The code point: decode through %U of %c's inverse is overkill; use the
    // UTF-8 bytes directly for printable runes, \uXXXX otherwise.
    char32_t r = 0xFFFD;
    const auto* p = reinterpret_cast<const unsigned char*>(one.data());
    if (step.valid) {
      if (step.length == 2) r = ((p[0] & 0x1F) << 6) | (p[1] & 0x3F);
      if (step.length == 3) r = ((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
      if (step.length == 4) {
        r = ((p[0] & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
      }
    }
    if (step.valid && GoIsPrint(r)) {
      out += one;
    } else {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(r));
      out += buf;
    }
    v.remove_prefix(step.length);
  }
  return TemplateValue::String(std::move(out));
}

TemplateValue FnUrlquery(Args& a) {
  std::string s = EvalArgs(a), out;
  const char* hex = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return TemplateValue::String(std::move(out));
}

// docker's json: encoding/json without HTML escaping; a field as read.
TemplateValue FnJson(Args& a) {
  TemplateValue v = a[0];
  if (v.raw) v.s = *v.raw;  // as read (GoJson makes it valid)
  std::string out, error;
  if (!GoJson(v, &out, &error)) Fail(error);
  CheckSize(out.size());
  return TemplateValue::String(std::move(out));
}

TemplateValue FnSplit(Args& a) {
  const std::string& s = a[0].s;
  const std::string& sep = a[1].s;
  std::vector<std::string> parts;
  if (sep.empty()) {
    CheckSize(s.size() * 17);
    std::string_view v = s;
    while (!v.empty()) {
      size_t len = collector::FirstUtf8Step(v).length;
      parts.emplace_back(v.substr(0, len));
      v.remove_prefix(len);
    }
  } else {
    size_t count = 1;
    for (size_t at = s.find(sep); at != std::string::npos; at = s.find(sep, at + sep.size())) {
      ++count;
    }
    CheckSize(s.size() + count * 16);
    size_t start = 0;
    while (true) {
      size_t at = s.find(sep, start);
      if (at == std::string::npos) break;
      parts.push_back(s.substr(start, at - start));
      start = at + sep.size();
    }
    parts.push_back(s.substr(start));
  }
  return TemplateValue::List(std::move(parts));
}

TemplateValue FnJoin(Args& a) {
  const auto& list = a[0].list;
  const std::string& sep = a[1].s;
  size_t n = 0;
  for (const auto& e : list) n += e.size() + sep.size();
  CheckSize(n);
  std::string out;
  for (size_t k = 0; k < list.size(); ++k) {
    if (k > 0) out += sep;
    out += list[k];
  }
  return TemplateValue::String(std::move(out));
}

locale_t Utf8Locale() {
  static locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return loc;
}

// strings.Map with `f` over code points; ill-formed bytes become U+FFFD.
template <typename F>
std::string MapRunes(std::string_view s, F f) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    unsigned char c = static_cast<unsigned char>(s[0]);
    if (c < 0x80) {
      out += static_cast<char>(f(c, true));
      s.remove_prefix(1);
      continue;
    }
    auto step = collector::FirstUtf8Step(s);
    char32_t r = 0xFFFD;
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    if (step.valid) {
      if (step.length == 2) r = ((p[0] & 0x1F) << 6) | (p[1] & 0x3F);
      if (step.length == 3) r = ((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
      if (step.length == 4) {
        r = ((p[0] & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
      }
    }
    Args cp = {TemplateValue::Int(static_cast<int64_t>(f(r, false)))};
    out += GoSprintf("%c", cp);
    s.remove_prefix(step.length);
  }
  return out;
}

char32_t Upper(char32_t r, bool ascii) {
  if (ascii) return (r >= 'a' && r <= 'z') ? r - 32 : r;
  locale_t loc = Utf8Locale();
  return loc ? static_cast<char32_t>(towupper_l(static_cast<wint_t>(r), loc)) : r;
}
char32_t Lower(char32_t r, bool ascii) {
  if (ascii) return (r >= 'A' && r <= 'Z') ? r + 32 : r;
  locale_t loc = Utf8Locale();
  return loc ? static_cast<char32_t>(towlower_l(static_cast<wint_t>(r), loc)) : r;
}

TemplateValue FnUpper(Args& a) { return TemplateValue::String(MapRunes(a[0].s, Upper)); }
TemplateValue FnLower(Args& a) { return TemplateValue::String(MapRunes(a[0].s, Lower)); }

// strings.Title's isSeparator.
bool IsSeparator(char32_t r) {
  if (r < 0x80) {
    if ((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_') {
      return false;
    }
    return true;
  }
  locale_t loc = Utf8Locale();
  if (loc && (iswalpha_l(static_cast<wint_t>(r), loc) || iswdigit_l(static_cast<wint_t>(r), loc))) {
    return false;
  }
  return r == 0x85 || r == 0xA0 || r == 0x1680 || (r >= 0x2000 && r <= 0x200A) || r == 0x2028 ||
         r == 0x2029 || r == 0x202F || r == 0x205F || r == 0x3000;
}

TemplateValue FnTitle(Args& a) {
  char32_t prev = ' ';
  return TemplateValue::String(MapRunes(a[0].s, [&prev](char32_t r, bool ascii) {
    char32_t out = IsSeparator(prev) ? Upper(r, ascii) : r;
    prev = r;
    return out;
  }));
}

TemplateValue FnPad(Args& a) {
  const std::string& s = a[0].s;
  if (s.empty()) return TemplateValue::String("");
  if (a[1].i < 0 || a[2].i < 0) Fail("strings: negative Repeat count");
  CheckSize(s.size() + static_cast<size_t>(std::min<int64_t>(a[1].i, kMaxValueBytes + 1)) +
            static_cast<size_t>(std::min<int64_t>(a[2].i, kMaxValueBytes + 1)));
  return TemplateValue::String(std::string(static_cast<size_t>(a[1].i), ' ') + s +
                               std::string(static_cast<size_t>(a[2].i), ' '));
}

TemplateValue FnTruncate(Args& a) {
  const std::string& s = a[0].s;
  const int64_t n = a[1].i;
  if (static_cast<int64_t>(s.size()) < n) return TemplateValue::String(s);
  if (n < 0) Fail("runtime error: slice bounds out of range [:" + std::to_string(n) + "]");
  return TemplateValue::String(s.substr(0, static_cast<size_t>(n)));
}

TemplateValue FnFirst(Args& a) { return a[0]; }

using A = ArgType;
const std::vector<FuncSpec>& Builtins() {
  static const std::vector<FuncSpec> k = {
      {"and", {A::kValue}, true, A::kValue, nullptr},
      {"or", {A::kValue}, true, A::kValue, nullptr},
      {"call", {A::kValue}, true, A::kValue, nullptr},
      {"not", {A::kValue}, false, A::kAny, FnNot},
      {"eq", {A::kValue}, true, A::kValue, FnEq},
      {"ne", {A::kValue, A::kValue}, false, A::kAny, FnNe},
      {"lt", {A::kValue, A::kValue}, false, A::kAny, FnLt},
      {"le", {A::kValue, A::kValue}, false, A::kAny, FnLe},
      {"gt", {A::kValue, A::kValue}, false, A::kAny, FnGt},
      {"ge", {A::kValue, A::kValue}, false, A::kAny, FnGe},
      {"len", {A::kValue}, false, A::kAny, FnLen},
      {"index", {A::kValue}, true, A::kValue, FnIndex},
      {"slice", {A::kValue}, true, A::kValue, FnSlice},
      {"print", {}, true, A::kAny, FnPrint},
      {"printf", {A::kString}, true, A::kAny, FnPrintf},
      {"println", {}, true, A::kAny, FnPrintln},
      {"html", {}, true, A::kAny, FnHtml},
      {"js", {}, true, A::kAny, FnJs},
      {"urlquery", {}, true, A::kAny, FnUrlquery},
      {"pad", {A::kString, A::kInt, A::kInt}, false, A::kAny, FnPad},
  };
  return k;
}
const std::vector<FuncSpec>& RowFuncs() {
  static const std::vector<FuncSpec> k = {
      {"json", {A::kAny}, false, A::kAny, FnJson},
      {"split", {A::kString, A::kString}, false, A::kAny, FnSplit},
      {"join", {A::kList, A::kString}, false, A::kAny, FnJoin},
      {"title", {A::kString}, false, A::kAny, FnTitle},
      {"lower", {A::kString}, false, A::kAny, FnLower},
      {"upper", {A::kString}, false, A::kAny, FnUpper},
      {"truncate", {A::kString, A::kInt}, false, A::kAny, FnTruncate},
  };
  return k;
}
const std::vector<FuncSpec>& HeaderFuncs() {
  static const std::vector<FuncSpec> k = {
      {"json", {A::kString}, false, A::kAny, FnFirst},
      {"split", {A::kString, A::kString}, false, A::kAny, FnFirst},
      {"join", {A::kString, A::kString}, false, A::kAny, FnFirst},
      {"title", {A::kString}, false, A::kAny, FnFirst},
      {"lower", {A::kString}, false, A::kAny, FnFirst},
      {"upper", {A::kString}, false, A::kAny, FnFirst},
      {"truncate", {A::kString, A::kInt}, false, A::kAny, FnFirst},
  };
  return k;
}

}  // namespace

const char* ArgTypeName(ArgType t) {
  switch (t) {
    case ArgType::kString: return "string";
    case ArgType::kInt: return "int";
    case ArgType::kList: return "[]string";
    case ArgType::kValue: return "reflect.Value";
    default: return "interface {}";
  }
}

bool IsTrue(const TemplateValue& v) {
  switch (v.kind) {
    case Kind::kBool: return v.b;
    case Kind::kInt:
    case Kind::kUint8: return v.i != 0;
    case Kind::kFloat: return v.f != 0;
    case Kind::kString: return !v.s.empty();
    case Kind::kList: return !v.list.empty();
    case Kind::kRow: return true;
    default: return false;
  }
}

const FuncSpec* FindFunction(std::string_view name, bool header) {
  for (const auto& f : header ? HeaderFuncs() : RowFuncs()) {
    if (f.name == name) return &f;
  }
  for (const auto& f : Builtins()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const std::vector<std::string>& FunctionNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& f : Builtins()) n.emplace_back(f.name);
    for (const auto& f : RowFuncs()) n.emplace_back(f.name);
    return n;
  }();
  return names;
}

}  // namespace berth::cli::tmpl
