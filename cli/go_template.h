// A small subset of Go's text/template, enough for docker's --format strings:
//   "table " prefix           -> header line + tab-aligned columns
//   {{.Field}} / {{ .Field }} -> the field's text
//   {{json .}}                -> all fields as one JSON object (keys sorted)
//   {{json .Field}}           -> the field as a JSON string
//   literal "\t" and "\n"     -> tab and newline, as docker does
// Parse() validates field names up front, so an unknown field is a clear
// error before any output. Output is always valid UTF-8 and never throws
// (collector/utf8_text.h): ill-formed bytes become U+FFFD; a plain field's
// value also has its control characters replaced (a name cannot move the
// cursor or end a line), JSON escapes them instead; the template's own text
// keeps its tabs, newlines and escapes. Pure, thread-safe after construction.
#ifndef BERTH_CLI_GO_TEMPLATE_H_
#define BERTH_CLI_GO_TEMPLATE_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::cli {

using TemplateFields = std::map<std::string, std::string>;

class GoTemplate {
 public:
  // Returns nullopt and sets `error` when the template is malformed or names
  // a field not in `known_fields`.
  static std::optional<GoTemplate> Parse(std::string_view text,
                                         const std::vector<std::string>& known_fields,
                                         std::string* error);

  bool is_table() const { return table_; }
  std::string Execute(const TemplateFields& fields) const;

 private:
  struct Piece {
    enum Kind { kText, kField, kJsonAll, kJsonField } kind;
    std::string text;  // literal text or field name
  };
  bool table_ = false;
  std::vector<Piece> pieces_;
};

}  // namespace berth::cli

#endif  // BERTH_CLI_GO_TEMPLATE_H_
