// Go's text/template as docker's --format runs it (docker/cli's
// formatter.Format and templates packages), for `berth stats` and any
// command with rows of text fields (`berth df`):
//   - the format string: "table" prefix (header line + tabwriter columns),
//     surrounding spaces trimmed, literal "\t" and "\n" made tab and newline
//     everywhere (also inside quoted strings, as docker does);
//   - the whole template language: text and actions, trim markers {{- -}},
//     comments, pipelines, parenthesized pipelines, variables ($x := ...,
//     $x = ..., $), field chains, if/else if/else, range (over lists and
//     ints; $i, $v :=; else; break/continue), with/else with,
//     define/template/block;
//   - Go's functions: and or not eq ne lt le gt ge len index slice print
//     printf println html js urlquery call (cli/go_fmt.h formats), and
//     docker's: json split join title lower upper pad truncate; in the header
//     line json/split/join/title/lower/upper/truncate return their first
//     argument unchanged, as docker's HeaderFunctions do;
//   - errors as Go words them: a parse error "template: :1:12: ..." (berth
//     adds the column Go leaves out), an execution error "template: :1:2:
//     executing "" at <.Nope>: can't evaluate field Nope in type T".
//     A field the row type does not have is an error at Parse() where the dot
//     is the row (top level, if/else), so a bad format fails before output.
// Untrusted input: a template of at most 64 KiB; one execution writes at most
// 1 MiB and does at most 1,000,000 steps (values produced count by size);
// nesting at most 200 deep, {{template}} calls at most 100 deep. Past a bound
// the execution fails with a message saying which.
// Output is valid UTF-8 (collector/utf8_text.h): a field's value has its
// ill-formed bytes and control characters replaced before any function sees
// it, except that `json` of a field or of the row escapes the value as read
// (made valid); the template's own text keeps its tabs and newlines.
// Parse once, execute from any thread.
#ifndef BERTH_CLI_GO_TEMPLATE_H_
#define BERTH_CLI_GO_TEMPLATE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/template_value.h"

namespace berth::cli {

namespace tmpl {
struct Tree;
}

class GoTemplate {
 public:
  // `format` as given to --format (docker's preprocessing applies);
  // `known_fields` the row's fields, `row_type` its Go type name for errors.
  // Nullopt + `error` (docker's text, without its "template parsing error: "
  // prefix) when the template is malformed or names an unknown field.
  static std::optional<GoTemplate> Parse(std::string_view format,
                                         const std::vector<std::string>& known_fields,
                                         std::string* error,
                                         std::string row_type = "*container.statsContext");

  bool is_table() const { return table_; }

  // One row. False + `error` on an execution error; `out` gets what was
  // written before it (docker then prints nothing).
  bool Execute(const TemplateRow& row, std::string* out, std::string* error) const;
  // The header line: the template over the header row with docker's header
  // functions; an error ends the line where it happened (docker ignores it).
  std::string ExecuteHeader(const TemplateRow& header) const;
  // Convenience: one row of a field map; an execution error's text is
  // returned instead of the output.
  std::string Execute(const TemplateFields& fields) const;

 private:
  std::shared_ptr<const tmpl::Tree> tree_;
  bool table_ = false;
};

// What docker prints for rows: for a table the header line, then each row,
// all through docker's tabwriter (cli/tab_writer.h); otherwise each row and
// a newline. False + `error` on the first row's execution error (nothing is
// printed then, as docker).
bool RenderTemplateRows(const GoTemplate& tmpl, const TemplateRow& header,
                        const std::vector<const TemplateRow*>& rows, std::string* out,
                        std::string* error);

}  // namespace berth::cli

#endif  // BERTH_CLI_GO_TEMPLATE_H_
