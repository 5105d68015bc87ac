// Internal to cli/go_template*.cc: the functions a template can call, with
// Go's parameter types (how arguments are checked and which error a wrong
// one gets): Go's builtins and docker's templates.basicFunctions, and the
// header-line variants docker's HeaderFunctions substitute. and/or/call are
// evaluated by the executor (they see argument nodes). Each function bounds
// what it builds (kMaxValueBytes) before building it. Thread-safe.
#ifndef BERTH_CLI_GO_TEMPLATE_FUNCS_H_
#define BERTH_CLI_GO_TEMPLATE_FUNCS_H_

#include <string>
#include <string_view>
#include <vector>

#include "cli/template_value.h"

namespace berth::cli::tmpl {

inline constexpr size_t kMaxValueBytes = 1 << 20;

// kAny: Go's interface{} (nil allowed); kValue: reflect.Value (builtins);
// kString, kInt, kList ([]string): exactly that type.
enum class ArgType { kAny, kValue, kString, kInt, kList };
const char* ArgTypeName(ArgType t);

// A function's own error: the executor reports "error calling NAME: message".
struct FuncError {
  std::string message;
};

struct FuncSpec {
  std::string_view name;
  std::vector<ArgType> fixed;
  bool variadic = false;
  ArgType var_type = ArgType::kAny;
  TemplateValue (*impl)(std::vector<TemplateValue>& args) = nullptr;  // null: and/or/call
};

// The function `name` for a row (header = false) or the header line.
const FuncSpec* FindFunction(std::string_view name, bool header);
// Every name a template may call.
const std::vector<std::string>& FunctionNames();

// Go's truth of a value (if/with/and/or/not); false for "no value".
bool IsTrue(const TemplateValue& v);

}  // namespace berth::cli::tmpl

#endif  // BERTH_CLI_GO_TEMPLATE_FUNCS_H_
