// The executor of cli/go_template.h: Go's text/template exec.go semantics
// (walk, evalPipeline, evalCommand, evalField, evalCall, evalArg,
// validateType, printValue), with its error texts and the node each names.
#include "cli/go_template.h"

#include <algorithm>

#include "cli/go_fmt.h"
#include "cli/go_template_ast.h"
#include "cli/go_template_funcs.h"
#include "cli/tab_writer.h"
#include "collector/utf8_text.h"

namespace berth::cli {
namespace {

using tmpl::ArgType;
using tmpl::Node;
using Kind = TemplateValue::Kind;
using NT = Node::Type;

constexpr size_t kMaxTemplateBytes = 64 * 1024;
constexpr size_t kMaxOutputBytes = 1 << 20;
constexpr size_t kMaxSteps = 1000000;
constexpr int kMaxTemplateDepth = 100;

struct ExecError {
  std::string message;
};
struct BreakSignal {};
struct ContinueSignal {};

class State {
 public:
  State(const tmpl::Tree& tree, bool header, std::string* out)
      : tree_(tree), header_(header), out_(out) {}

  void Run(const TemplateValue& dot) {
    vars_.push_back({"$", dot});
    Walk(dot, *tree_.root);
  }

 private:
  const tmpl::Tree& tree_;
  const bool header_;
  std::string* out_;
  std::vector<std::pair<std::string, TemplateValue>> vars_;
  const Node* at_ = nullptr;
  size_t steps_ = 0;
  int depth_ = 0;
  std::string name_;  // the executing template's name

  [[noreturn]] void Errorf(const std::string& msg) {
    if (at_ == nullptr) throw ExecError{"template: : " + msg};
    throw ExecError{tmpl::Location(tree_.text, at_->pos) + ": executing " + GoQuote(name_) +
                    " at <" + at_->String() + ">: " + msg};
  }
  void Step(size_t bytes = 0) {
    steps_ += 1 + bytes / 64;
    if (steps_ > kMaxSteps) Errorf("too much work (berth's bound: 1000000 steps a row)");
  }
  void Write(std::string_view s) {
    if (out_->size() + s.size() > kMaxOutputBytes) {
      Errorf("output exceeds berth's bound of 1 MiB a row");
    }
    out_->append(s);
  }

  void Walk(const TemplateValue& dot, const Node& n) {
    Step();
    at_ = &n;
    switch (n.type) {
      case NT::kAction: {
        TemplateValue v = EvalPipeline(dot, n.pipe.get());
        if (n.pipe->decl.empty()) PrintValue(n, v);
        return;
      }
      case NT::kBreak: throw BreakSignal{};
      case NT::kContinue: throw ContinueSignal{};
      case NT::kIf:
      case NT::kWith: return WalkIfOrWith(dot, n);
      case NT::kList:
        for (const auto& k : n.kids) Walk(dot, *k);
        return;
      case NT::kRange: return WalkRange(dot, n);
      case NT::kTemplate: return WalkTemplate(dot, n);
      case NT::kText: return Write(n.text);
      default: Errorf("unknown node: " + n.String());
    }
  }

  void PrintValue(const Node& n, const TemplateValue& v) {
    at_ = &n;
    if (v.kind == Kind::kNoValue) return Write("<no value>");
    Step(v.size());
    Write(GoSprint({v}));
  }

  void WalkIfOrWith(const TemplateValue& dot, const Node& n) {
    const size_t mark = vars_.size();
    TemplateValue v = EvalPipeline(dot, n.pipe.get());
    if (v.kind == Kind::kNoValue) Errorf("if/with can't use <no value>");
    if (tmpl::IsTrue(v)) {
      Walk(n.type == NT::kWith ? v : dot, *n.list);
    } else if (n.else_list) {
      Walk(dot, *n.else_list);
    }
    vars_.resize(mark);
  }

  void WalkRange(const TemplateValue& dot, const Node& r) {
    at_ = &r;
    const size_t outer = vars_.size();
    TemplateValue val = EvalPipeline(dot, r.pipe.get());
    const size_t mark = vars_.size();
    const auto& decl = r.pipe->decl;
    auto one = [&](const TemplateValue& index, const TemplateValue& elem) -> bool {
      Step();
      if (!decl.empty()) {
        if (r.pipe->is_assign) {
          SetVar(decl[0]->idents[0], decl.size() > 1 ? index : elem);
        } else {
          vars_[vars_.size() - 1].second = elem;
        }
      }
      if (decl.size() > 1) {
        if (r.pipe->is_assign) {
          SetVar(decl[1]->idents[0], elem);
        } else {
          vars_[vars_.size() - 2].second = index;
        }
      }
      bool stop = false;
      try {
        Walk(elem, *r.list);
      } catch (const ContinueSignal&) {
      } catch (const BreakSignal&) {
        stop = true;
      }
      vars_.resize(mark);
      return !stop;
    };
    bool ran = false;
    if (val.kind == Kind::kList) {
      for (size_t k = 0; k < val.list.size(); ++k) {
        ran = true;
        if (!one(TemplateValue::Int(static_cast<int64_t>(k)), TemplateValue::String(val.list[k]))) {
          break;
        }
      }
    } else if (val.is_integer()) {
      if (decl.size() > 1) Errorf("can't use " + GoSprint({val}) + " to iterate over more than one variable");
      for (int64_t k = 0; k < val.i; ++k) {
        ran = true;
        TemplateValue v = val.kind == Kind::kUint8 ? TemplateValue::Uint8(static_cast<uint8_t>(k))
                                                   : TemplateValue::Int(k);
        if (!one(v, v)) break;
      }
    } else if (val.kind != Kind::kNoValue && val.kind != Kind::kNil) {
      Errorf("range can't iterate over " + GoSprint({val}));
    }
    if (!ran && r.else_list) Walk(dot, *r.else_list);
    vars_.resize(outer);
  }

  void WalkTemplate(const TemplateValue& dot, const Node& t) {
    at_ = &t;
    auto it = tree_.defined.find(t.literal);
    if (it == tree_.defined.end()) Errorf("template " + GoQuote(t.literal) + " not defined");
    if (depth_ >= kMaxTemplateDepth) {
      Errorf("exceeded maximum template depth (" + std::to_string(kMaxTemplateDepth) + ")");
    }
    TemplateValue new_dot = t.pipe ? EvalPipeline(dot, t.pipe.get()) : TemplateValue::Nil();
    auto saved_vars = std::move(vars_);
    std::string saved_name = name_;
    vars_ = {{"$", new_dot}};
    name_ = t.literal;
    ++depth_;
    Walk(new_dot, *it->second);
    --depth_;
    vars_ = std::move(saved_vars);
    name_ = std::move(saved_name);
  }

  void SetVar(const std::string& name, const TemplateValue& v) {
    for (size_t k = vars_.size(); k-- > 0;) {
      if (vars_[k].first == name) {
        vars_[k].second = v;
        return;
      }
    }
    Errorf("undefined variable: " + name);
  }
  TemplateValue VarValue(const std::string& name) {
    for (size_t k = vars_.size(); k-- > 0;) {
      if (vars_[k].first == name) return vars_[k].second;
    }
    Errorf("undefined variable: " + name);
  }

  TemplateValue EvalPipeline(const TemplateValue& dot, const Node* pipe) {
    if (pipe == nullptr) return TemplateValue{};
    at_ = pipe;
    TemplateValue value;
    bool have = false;
    for (const auto& cmd : pipe->kids) {
      value = EvalCommand(dot, *cmd, have ? &value : nullptr);
      have = true;
    }
    for (const auto& v : pipe->decl) {
      if (pipe->is_assign) {
        SetVar(v->idents[0], value);
      } else {
        vars_.push_back({v->idents[0], value});
      }
    }
    return value;
  }

  void NotAFunction(const Node& cmd, const TemplateValue* final) {
    if (cmd.kids.size() > 1 || final != nullptr) {
      Errorf("can't give argument to non-function " + cmd.kids[0]->String());
    }
  }

  TemplateValue EvalCommand(const TemplateValue& dot, const Node& cmd, const TemplateValue* final) {
    Step();
    const Node& first = *cmd.kids[0];
    switch (first.type) {
      case NT::kField: return EvalFieldNode(dot, first, &cmd.kids, final);
      case NT::kChain: return EvalChainNode(dot, first, &cmd.kids, final);
      case NT::kIdentifier: return EvalFunction(dot, first, cmd, &cmd.kids, final);
      case NT::kPipe:
        NotAFunction(cmd, final);
        return EvalPipeline(dot, &first);
      case NT::kVariable: return EvalVariableNode(dot, first, &cmd.kids, final);
      default: break;
    }
    at_ = &first;
    NotAFunction(cmd, final);
    switch (first.type) {
      case NT::kBool: return TemplateValue::Bool(first.bool_value);
      case NT::kDot: return dot;
      case NT::kNil: Errorf("nil is not a command");
      case NT::kNumber: return IdealConstant(first);
      case NT::kString: return TemplateValue::String(first.text);
      default: Errorf("can't evaluate command " + GoQuote(first.String()));
    }
  }

  TemplateValue IdealConstant(const Node& c) {
    at_ = &c;
    const std::string& t = c.literal;
    const bool hex_int = t.size() > 2 && t[0] == '0' && (t[1] | 0x20) == 'x' &&
                         t.find_first_of("pP") == std::string::npos;
    const bool rune_int = !t.empty() && t[0] == '\'';
    if (c.is_float && !hex_int && !rune_int && t.find_first_of(".eEpP") != std::string::npos) {
      return TemplateValue::Float(c.float_value);
    }
    if (c.is_int) return TemplateValue::Int(c.int_value);
    Errorf(t + " overflows int");
  }

  using Args = std::vector<tmpl::NodePtr>;

  TemplateValue EvalFieldNode(const TemplateValue& dot, const Node& field, const Args* args,
                              const TemplateValue* final) {
    at_ = &field;
    return EvalFieldChain(dot, dot, field, field.idents, args, final);
  }

  TemplateValue EvalChainNode(const TemplateValue& dot, const Node& chain, const Args* args,
                              const TemplateValue* final) {
    at_ = &chain;
    if (chain.kids[0]->type == NT::kNil) Errorf("indirection through explicit nil in " + chain.String());
    TemplateValue pipe = EvalArg(dot, ArgType::kAny, *chain.kids[0]);
    return EvalFieldChain(dot, pipe, chain, chain.idents, args, final);
  }

  TemplateValue EvalVariableNode(const TemplateValue& dot, const Node& variable, const Args* args,
                                 const TemplateValue* final) {
    at_ = &variable;
    TemplateValue value = VarValue(variable.idents[0]);
    if (variable.idents.size() == 1) {
      if ((args && args->size() > 1) || final) {
        Errorf("can't give argument to non-function " + variable.String());
      }
      return value;
    }
    std::vector<std::string> rest(variable.idents.begin() + 1, variable.idents.end());
    return EvalFieldChain(dot, value, variable, rest, args, final);
  }

  TemplateValue EvalFieldChain(const TemplateValue& dot, TemplateValue receiver, const Node& node,
                               const std::vector<std::string>& idents, const Args* args,
                               const TemplateValue* final) {
    for (size_t k = 0; k + 1 < idents.size(); ++k) {
      receiver = EvalField(idents[k], node, nullptr, nullptr, receiver);
    }
    (void)dot;
    return EvalField(idents.back(), node, args, final, receiver);
  }

  TemplateValue EvalField(const std::string& name, const Node& node, const Args* args,
                          const TemplateValue* final, const TemplateValue& receiver) {
    (void)node;
    Step();
    if (receiver.kind == Kind::kNoValue) return TemplateValue{};
    const size_t nargs = (args && !args->empty() ? args->size() - 1 : 0) + (final ? 1 : 0);
    if (receiver.kind == Kind::kRow) {
      auto value = receiver.row->Field(name);
      if (header_) {
        if (nargs > 0) Errorf(name + " is not a method but has arguments");
        if (!value) return TemplateValue{};
      } else {
        if (!value) Errorf("can't evaluate field " + name + " in type " + receiver.row->TypeName());
        if (nargs > 0) {
          Errorf("wrong number of args for " + name + ": want 0 got " + std::to_string(nargs));
        }
      }
      TemplateValue v = TemplateValue::String(collector::TerminalText(*value));
      v.raw = std::move(*value);
      return v;
    }
    if (receiver.kind == Kind::kNil) Errorf("nil pointer evaluating interface {}." + name);
    Errorf("can't evaluate field " + name + " in type " + GoTypeName(receiver));
  }

  TemplateValue EvalFunction(const TemplateValue& dot, const Node& ident, const Node& cmd,
                             const Args* args, const TemplateValue* final) {
    at_ = &ident;
    const tmpl::FuncSpec* f = tmpl::FindFunction(ident.literal, header_);
    if (f == nullptr) Errorf(GoQuote(ident.literal) + " is not a defined function");
    return EvalCall(dot, *f, cmd, args, final);
  }

  TemplateValue EvalCall(const TemplateValue& dot, const tmpl::FuncSpec& f, const Node& node,
                         const Args* all_args, const TemplateValue* final) {
    std::vector<const Node*> args;
    if (all_args) {
      for (size_t k = 1; k < all_args->size(); ++k) args.push_back((*all_args)[k].get());
    }
    const std::string name(f.name);
    const size_t num_in = args.size() + (final ? 1 : 0);
    size_t num_fixed = args.size();
    if (f.variadic) {
      num_fixed = f.fixed.size();
      if (num_in < num_fixed) {
        Errorf("wrong number of args for " + name + ": want at least " +
               std::to_string(f.fixed.size()) + " got " + std::to_string(args.size()));
      }
    } else if (num_in != f.fixed.size()) {
      Errorf("wrong number of args for " + name + ": want " + std::to_string(f.fixed.size()) +
             " got " + std::to_string(num_in));
    }
    if (name == "and" || name == "or") {
      TemplateValue v;
      for (const Node* a : args) {
        v = EvalArg(dot, ArgType::kValue, *a);
        if (tmpl::IsTrue(v) == (name == "or")) return v;
      }
      if (final) v = *final;
      return v;
    }
    std::vector<TemplateValue> argv;
    size_t k = 0;
    for (; k < num_fixed && k < args.size(); ++k) argv.push_back(EvalArg(dot, f.fixed[k], *args[k]));
    if (f.variadic) {
      for (; k < args.size(); ++k) argv.push_back(EvalArg(dot, f.var_type, *args[k]));
    }
    if (final) {
      ArgType t = f.fixed.empty() ? f.var_type : f.fixed.back();
      if (f.variadic) t = num_in - 1 < num_fixed ? f.fixed[num_in - 1] : f.var_type;
      argv.push_back(ValidateType(*final, t));
    }
    if (name == "call") {
      at_ = &node;
      const TemplateValue& fn = argv[0];
      if (fn.kind == Kind::kNil || fn.kind == Kind::kNoValue) Errorf("error calling call: call of nil");
      const std::string callee = args.empty() ? "pipeline" : args[0]->String();
      Errorf("error calling call: non-function " + callee + " of type " + GoTypeName(fn));
    }
    size_t in_bytes = 0;
    for (const auto& a : argv) in_bytes += a.size();
    Step(in_bytes);
    try {
      TemplateValue v = f.impl(argv);
      Step(v.size());
      return v;
    } catch (const tmpl::FuncError& e) {
      at_ = &node;
      Errorf("error calling " + name + ": " + e.message);
    }
  }

  TemplateValue ValidateType(const TemplateValue& v, ArgType t) {
    switch (t) {
      case ArgType::kAny:
        if (v.kind == Kind::kNoValue) return TemplateValue::Nil();
        return v;
      case ArgType::kValue: return v;
      default: break;
    }
    if (v.kind == Kind::kNoValue) {
      if (t == ArgType::kList) return TemplateValue::List({});
      Errorf(std::string("invalid value; expected ") + tmpl::ArgTypeName(t));
    }
    const bool ok = (t == ArgType::kString && v.kind == Kind::kString) ||
                    (t == ArgType::kInt && v.kind == Kind::kInt) ||
                    (t == ArgType::kList && v.kind == Kind::kList);
    if (!ok) {
      if (t == ArgType::kList && v.kind == Kind::kNil) return TemplateValue::List({});
      Errorf(std::string("wrong type for value; expected ") + tmpl::ArgTypeName(t) + "; got " +
             GoTypeName(v));
    }
    return v;
  }

  TemplateValue EvalArg(const TemplateValue& dot, ArgType t, const Node& n) {
    at_ = &n;
    switch (n.type) {
      case NT::kDot: return ValidateType(dot, t);
      case NT::kNil:
        if (t == ArgType::kAny || t == ArgType::kValue) return TemplateValue::Nil();
        if (t == ArgType::kList) return TemplateValue::List({});
        Errorf(std::string("cannot assign nil to ") + tmpl::ArgTypeName(t));
      case NT::kField: return ValidateType(EvalFieldNode(dot, n, nullptr, nullptr), t);
      case NT::kVariable: return ValidateType(EvalVariableNode(dot, n, nullptr, nullptr), t);
      case NT::kPipe: return ValidateType(EvalPipeline(dot, &n), t);
      case NT::kIdentifier: return ValidateType(EvalFunction(dot, n, n, nullptr, nullptr), t);
      case NT::kChain: return ValidateType(EvalChainNode(dot, n, nullptr, nullptr), t);
      default: break;
    }
    switch (t) {
      case ArgType::kAny:
      case ArgType::kValue:
        if (n.type == NT::kBool) return TemplateValue::Bool(n.bool_value);
        if (n.type == NT::kNumber) return IdealConstant(n);
        if (n.type == NT::kString) return TemplateValue::String(n.text);
        Errorf("can't handle assignment of " + n.String() + " to empty interface argument");
      case ArgType::kString:
        if (n.type == NT::kString) return TemplateValue::String(n.text);
        Errorf("expected string; found " + n.String());
      case ArgType::kInt:
        if (n.type == NT::kNumber && n.is_int) return TemplateValue::Int(n.int_value);
        Errorf("expected integer; found " + n.String());
      case ArgType::kList: Errorf("can't handle " + n.String() + " for arg of type []string");
    }
    Errorf("can't handle " + n.String());
  }
};

// docker's formatter.Format.templateString: the text Go parses.
std::string DockerTemplateText(std::string_view format, bool* table) {
  *table = format.starts_with("table");
  if (format == "table") return "";
  if (format == "json") return "{{json .}}";
  if (*table) format.remove_prefix(5);
  while (!format.empty() && format.front() == ' ') format.remove_prefix(1);
  while (!format.empty() && format.back() == ' ') format.remove_suffix(1);
  std::string out;
  out.reserve(format.size());
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '\\' && i + 1 < format.size() && (format[i + 1] == 't' || format[i + 1] == 'n')) {
      out += format[i + 1] == 't' ? '\t' : '\n';
      ++i;
    } else {
      out += format[i];
    }
  }
  return out;
}

// A field the row does not have, where the dot is known to be the row.
bool CheckFields(const tmpl::Tree& tree, const Node& n, bool dot_is_row,
                 const std::vector<std::string>& known, const std::string& row_type,
                 std::string* error) {
  auto unknown = [&](const std::string& f) {
    return std::find(known.begin(), known.end(), f) == known.end();
  };
  auto fail = [&](const std::string& f) {
    *error = tmpl::Location(tree.text, n.pos) + ": executing \"\" at <" + n.String() +
             ">: can't evaluate field " + f + " in type " + row_type;
    return false;
  };
  switch (n.type) {
    case NT::kField:
      if (dot_is_row && unknown(n.idents[0])) return fail(n.idents[0]);
      return true;
    case NT::kVariable:
      if (n.idents[0] == "$" && n.idents.size() > 1 && unknown(n.idents[1])) return fail(n.idents[1]);
      return true;
    case NT::kWith:
    case NT::kRange:
      return CheckFields(tree, *n.pipe, dot_is_row, known, row_type, error) &&
             CheckFields(tree, *n.list, false, known, row_type, error) &&
             (!n.else_list || CheckFields(tree, *n.else_list, dot_is_row, known, row_type, error));
    default: break;
  }
  for (const auto* child : {n.pipe.get(), n.list.get(), n.else_list.get()}) {
    if (child && !CheckFields(tree, *child, dot_is_row, known, row_type, error)) return false;
  }
  for (const auto& k : n.kids) {
    if (!CheckFields(tree, *k, dot_is_row, known, row_type, error)) return false;
  }
  return true;
}

bool Run(const tmpl::Tree& tree, bool header, const TemplateRow& row, std::string* out,
         std::string* error) {
  out->clear();
  if (!tree.root) return true;
  State state(tree, header, out);
  try {
    state.Run(TemplateValue::Row(&row));
  } catch (const ExecError& e) {
    *error = e.message;
    if (!collector::IsValidUtf8(*out)) *out = collector::ValidUtf8(*out);
    return false;
  }
  if (!collector::IsValidUtf8(*out)) *out = collector::ValidUtf8(*out);
  return true;
}

}  // namespace

std::optional<GoTemplate> GoTemplate::Parse(std::string_view format,
                                            const std::vector<std::string>& known_fields,
                                            std::string* error, std::string row_type) {
  if (format.size() > kMaxTemplateBytes) {
    *error = "template: longer than berth's bound of 65536 bytes";
    return std::nullopt;
  }
  GoTemplate t;
  const std::string text = DockerTemplateText(format, &t.table_);
  auto tree = std::make_shared<tmpl::Tree>();
  if (!tmpl::ParseTemplateTree(text, tmpl::FunctionNames(), tree.get(), error)) return std::nullopt;
  if (!CheckFields(*tree, *tree->root, true, known_fields, row_type, error)) return std::nullopt;
  t.tree_ = std::move(tree);
  return t;
}

bool GoTemplate::Execute(const TemplateRow& row, std::string* out, std::string* error) const {
  return Run(*tree_, false, row, out, error);
}

std::string GoTemplate::ExecuteHeader(const TemplateRow& header) const {
  std::string out, error;
  Run(*tree_, true, header, &out, &error);
  return out;
}

std::string GoTemplate::Execute(const TemplateFields& fields) const {
  MapRow row(fields, "*container.statsContext");
  std::string out, error;
  if (!Execute(row, &out, &error)) return error;
  return out;
}

bool RenderTemplateRows(const GoTemplate& tmpl, const TemplateRow& header,
                        const std::vector<const TemplateRow*>& rows, std::string* out,
                        std::string* error) {
  std::string text;
  if (tmpl.is_table()) text = tmpl.ExecuteHeader(header) + "\n";
  std::string line;
  for (const TemplateRow* row : rows) {
    if (!tmpl.Execute(*row, &line, error)) return false;
    text += line;
    text += '\n';
  }
  *out = tmpl.is_table() ? TabWriter(text) : std::move(text);
  return true;
}

}  // namespace berth::cli
