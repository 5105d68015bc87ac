// The values a --format template computes with, as Go's text/template sees
// docker's: the row (the dot: a record of named text fields, e.g. one
// `docker stats` line), strings, ints (Go int), uint8 (a byte from `index`
// on a string), float64, bool, []string (from `split`), nil, and "no value"
// (a field a row does not have). Each kind prints and compares as its Go
// type does (cli/go_fmt.h, cli/go_template.h). Plain data; thread-safe to
// read.
#ifndef BERTH_CLI_TEMPLATE_VALUE_H_
#define BERTH_CLI_TEMPLATE_VALUE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::cli {

// One record a template runs on: a set of named text fields. `berth stats`
// rows, their header line and `berth df` rows implement it.
class TemplateRow {
 public:
  virtual ~TemplateRow() = default;
  // The field's text; nullopt when this row has no such field (printed as
  // Go prints a missing map key: "<no value>").
  virtual std::optional<std::string> Field(std::string_view name) const = 0;
  // Every field name, sorted (what {{json .}} writes, keys in this order).
  virtual std::vector<std::string> FieldNames() const = 0;
  // Go's type name for errors ("can't evaluate field X in type T").
  virtual std::string TypeName() const = 0;
};

// A row over a name -> text map (`berth stats`' fields and headers).
using TemplateFields = std::map<std::string, std::string>;
class MapRow : public TemplateRow {
 public:
  MapRow(const TemplateFields& fields, std::string type_name)
      : fields_(fields), type_name_(std::move(type_name)) {}
  std::optional<std::string> Field(std::string_view name) const override {
    auto it = fields_.find(std::string(name));
    if (it == fields_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::string> FieldNames() const override {
    std::vector<std::string> names;
    for (const auto& [name, value] : fields_) names.push_back(name);
    return names;
  }
  std::string TypeName() const override { return type_name_; }

 private:
  const TemplateFields& fields_;
  std::string type_name_;
};

struct TemplateValue {
  enum class Kind { kNoValue, kNil, kBool, kInt, kUint8, kFloat, kString, kList, kRow };
  Kind kind = Kind::kNoValue;
  bool b = false;
  int64_t i = 0;  // kInt, kUint8
  double f = 0;
  std::string s;
  std::vector<std::string> list;
  const TemplateRow* row = nullptr;
  // A field's value as read, before its controls were replaced (`json`
  // escapes this one); unset for every computed value.
  std::optional<std::string> raw;

  static TemplateValue Bool(bool v) {
    TemplateValue x;
    x.kind = Kind::kBool;
    x.b = v;
    return x;
  }
  static TemplateValue Int(int64_t v) {
    TemplateValue x;
    x.kind = Kind::kInt;
    x.i = v;
    return x;
  }
  static TemplateValue Uint8(uint8_t v) {
    TemplateValue x;
    x.kind = Kind::kUint8;
    x.i = v;
    return x;
  }
  static TemplateValue Float(double v) {
    TemplateValue x;
    x.kind = Kind::kFloat;
    x.f = v;
    return x;
  }
  static TemplateValue String(std::string v) {
    TemplateValue x;
    x.kind = Kind::kString;
    x.s = std::move(v);
    return x;
  }
  static TemplateValue List(std::vector<std::string> v) {
    TemplateValue x;
    x.kind = Kind::kList;
    x.list = std::move(v);
    return x;
  }
  static TemplateValue Nil() {
    TemplateValue x;
    x.kind = Kind::kNil;
    return x;
  }
  static TemplateValue Row(const TemplateRow* r) {
    TemplateValue x;
    x.kind = Kind::kRow;
    x.row = r;
    return x;
  }
  bool is_string() const { return kind == Kind::kString; }
  bool is_integer() const { return kind == Kind::kInt || kind == Kind::kUint8; }
  // Bytes this value holds (for the work budget).
  size_t size() const {
    size_t n = s.size();
    for (const auto& e : list) n += e.size() + 16;
    return n;
  }
};

// Go's type name: "string", "int", "uint8", "float64", "bool", "[]string",
// the row's TypeName(); "<nil>" for nil and no value.
std::string GoTypeName(const TemplateValue& v);

}  // namespace berth::cli

#endif  // BERTH_CLI_TEMPLATE_VALUE_H_
