#include "cli/go_template.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "collector/utf8_text.h"

namespace berth::cli {
namespace {

// Ill-formed UTF-8 in a value becomes U+FFFD (as collector/utf8_text.h), never a throw.
constexpr auto kReplaceInvalid = nlohmann::json::error_handler_t::replace;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::string Unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == 't' || text[i + 1] == 'n')) {
      out += text[i + 1] == 't' ? '\t' : '\n';
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::optional<GoTemplate> GoTemplate::Parse(std::string_view text,
                                            const std::vector<std::string>& known_fields,
                                            std::string* error) {
  GoTemplate t;
  if (text.starts_with("table")) {
    t.table_ = true;
    text.remove_prefix(5);
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  }
  auto known = [&](std::string_view name) {
    return std::find(known_fields.begin(), known_fields.end(), name) != known_fields.end();
  };
  auto field_error = [&](std::string_view name) {
    std::string list;
    for (const auto& f : known_fields) list += (list.empty() ? "" : ", ") + f;
    *error = "template: can't evaluate field " + std::string(name) + " (fields: " + list + ")";
  };
  while (!text.empty()) {
    size_t open = text.find("{{");
    if (open != 0) {
      std::string_view literal = text.substr(0, open);
      t.pieces_.push_back({Piece::kText, collector::ValidUtf8(Unescape(literal))});
      if (open == std::string_view::npos) break;
      text.remove_prefix(open);
    }
    size_t close = text.find("}}");
    if (close == std::string_view::npos) {
      *error = "template: unclosed action";
      return std::nullopt;
    }
    std::string_view action = Trim(text.substr(2, close - 2));
    text.remove_prefix(close + 2);
    if (action.starts_with("json")) {
      std::string_view arg = Trim(action.substr(4));
      if (arg == ".") {
        t.pieces_.push_back({Piece::kJsonAll, {}});
        continue;
      }
      if (arg.size() > 1 && arg.front() == '.' && known(arg.substr(1))) {
        t.pieces_.push_back({Piece::kJsonField, std::string(arg.substr(1))});
        continue;
      }
      if (arg.size() > 1 && arg.front() == '.') {
        field_error(arg.substr(1));
      } else {
        *error = "template: bad argument to json: \"" + std::string(arg) + "\"";
      }
      return std::nullopt;
    }
    if (action.size() > 1 && action.front() == '.') {
      std::string_view name = action.substr(1);
      if (!known(name)) {
        field_error(name);
        return std::nullopt;
      }
      t.pieces_.push_back({Piece::kField, std::string(name)});
      continue;
    }
    *error = "template: unsupported action \"{{" + std::string(action) +
             "}}\" (supported: {{.Field}}, {{json .}}, {{json .Field}})";
    return std::nullopt;
  }
  return t;
}

std::string GoTemplate::Execute(const TemplateFields& fields) const {
  std::string out;
  for (const auto& piece : pieces_) {
    switch (piece.kind) {
      case Piece::kText:
        out += piece.text;
        break;
      case Piece::kField: {
        auto it = fields.find(piece.text);
        if (it != fields.end()) collector::AppendTerminalText(out, it->second);
        break;
      }
      case Piece::kJsonAll:
        out += nlohmann::json(fields).dump(-1, ' ', false, kReplaceInvalid);
        break;
      case Piece::kJsonField: {
        auto it = fields.find(piece.text);
        out += nlohmann::json(it == fields.end() ? std::string() : it->second)
                   .dump(-1, ' ', false, kReplaceInvalid);
        break;
      }
    }
  }
  return out;
}

}  // namespace berth::cli
