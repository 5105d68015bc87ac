// Internal to cli/go_template*.cc: the parse tree of a Go text/template, the
// same node kinds and positions as Go's text/template/parse, so errors name
// the node and column Go names. Built once by ParseTemplateTree, read-only
// afterwards (thread-safe to execute concurrently).
#ifndef BERTH_CLI_GO_TEMPLATE_AST_H_
#define BERTH_CLI_GO_TEMPLATE_AST_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace berth::cli::tmpl {

struct Node;
using NodePtr = std::unique_ptr<Node>;

struct Node {
  enum class Type {
    kText, kAction, kIf, kRange, kWith, kBreak, kContinue, kTemplate, kList,
    kPipe, kCommand, kField, kVariable, kDot, kNil, kBool, kNumber, kString, kIdentifier, kChain,
  };
  Type type;
  size_t pos = 0;  // byte offset in the template text
  std::string text;  // kText: text; kString: value; kNumber/kString: .literal holds source
  std::string literal;  // source text of a number or string, the identifier, the template name
  std::vector<std::string> idents;  // kField ["Name","Foo"]; kVariable ["$x","Foo"]; kChain fields
  std::vector<NodePtr> kids;  // kList: items; kPipe: commands; kCommand: args; kChain: [node]
  // kPipe
  std::vector<NodePtr> decl;  // kVariable nodes
  bool is_assign = false;
  // kAction, kIf, kRange, kWith, kTemplate: the pipeline; bodies
  NodePtr pipe, list, else_list;
  // kNumber
  bool is_int = false, is_float = false;
  int64_t int_value = 0;
  double float_value = 0;
  bool bool_value = false;

  // Go's Node.String() (what an error's "at <...>" shows).
  std::string String() const;
};

struct Tree {
  std::string text;  // the template source (positions index it)
  NodePtr root;
  std::map<std::string, NodePtr> defined;  // {{define}} / {{block}} bodies by name
};

// Parses `text` as Go's text/template does with `functions` defined.
// False + Go's message with the column added ("template: :1:12: unexpected
// ...") on a parse error.
bool ParseTemplateTree(std::string_view text, const std::vector<std::string>& functions,
                       Tree* tree, std::string* error);

// "template: :L:C" for byte offset `pos` of `text` (Go's ErrorContext:
// the column is the byte offset in its line).
std::string Location(std::string_view text, size_t pos);

}  // namespace berth::cli::tmpl

#endif  // BERTH_CLI_GO_TEMPLATE_AST_H_
