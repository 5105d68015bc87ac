// cli/go_template.h against what docker prints. The docker cases are
// recorded from `docker stats --no-stream --format F` (docker 28.2.2 on the
// private dockerd; tests/cli/docker_templates/record.py): every construct of
// the template language, Go's fmt verbs, docker's functions, table headers
// and tabwriter alignment, and the error messages. berth must print the
// same bytes; for a parse error, where Go gives only the line, berth adds
// the column ("template: :1:12: ..."), so those compare with it removed.
// Then the cases docker's documentation shows, the bounds (a hostile
// template ends with a message, in bounded time and memory), and the
// columns of parse errors.
#include "cli/go_template.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "cli/go_fmt.h"
#include "cli/stats_rows.h"
#include "cli/tab_writer.h"
#include "collector/utf8_text.h"

namespace berth::cli {
namespace {

struct DockerCase {
  const char* format;
  const char* stdout_text;
  const char* stderr_line;
};

const std::vector<std::string> kSingleRows = {
#define ROW(x) x,
#define CASE(f, o, e)
#include "tests/cli/docker_templates/single_cases.inc"
#undef ROW
#undef CASE
};
const DockerCase kSingleCases[] = {
#define ROW(x)
#define CASE(f, o, e) {f, o, e},
#include "tests/cli/docker_templates/single_cases.inc"
#undef ROW
#undef CASE
};
const std::vector<std::string> kTableRows = {
#define ROW(x) x,
#define CASE(f, o, e)
#include "tests/cli/docker_templates/table_cases.inc"
#undef ROW
#undef CASE
};
const DockerCase kTableCases[] = {
#define ROW(x)
#define CASE(f, o, e) {f, o, e},
#include "tests/cli/docker_templates/table_cases.inc"
#undef ROW
#undef CASE
};

// What `berth stats` would print for `format` over rows given as docker's
// {{json .}} lines: stdout, or the error line.
std::pair<std::string, std::string> Render(const std::string& format,
                                           const std::vector<std::string>& json_rows) {
  std::vector<TemplateFields> fields;
  for (const auto& j : json_rows) fields.push_back(nlohmann::json::parse(j).get<TemplateFields>());
  std::vector<MapRow> rows;
  for (const auto& f : fields) rows.emplace_back(f, "*container.statsContext");
  std::vector<const TemplateRow*> ptrs;
  for (const auto& r : rows) ptrs.push_back(&r);
  std::string text = format == "table" ? kDefaultStatsFormat : format;
  std::string error;
  auto t = GoTemplate::Parse(text, DockerStatsFieldNames(), &error);
  if (!t) return {"", "template parsing error: " + error};
  const MapRow header(DockerStatsHeaders(), "formatter.SubHeaderContext");
  std::string out;
  if (!RenderTemplateRows(*t, header, ptrs, &out, &error)) {
    return {"", "template parsing error: " + error};
  }
  return {out, ""};
}

// docker's parse errors carry no column; berth's do.
std::string WithoutParseColumn(const std::string& docker_error, const std::string& berth_error) {
  static const std::regex kDockerParse(R"(^template parsing error: template: :\d+: .*)");
  static const std::regex kColumn(R"(^(template parsing error: template: :\d+):\d+:)");
  if (!std::regex_match(docker_error, kDockerParse)) return berth_error;
  EXPECT_TRUE(std::regex_search(berth_error, kColumn)) << "no column in " << berth_error;
  return std::regex_replace(berth_error, kColumn, "$1:");
}

void ExpectLikeDocker(const DockerCase& c, const std::vector<std::string>& rows) {
  auto [out, error] = Render(c.format, rows);
  EXPECT_EQ(out, c.stdout_text) << c.format;
  EXPECT_EQ(WithoutParseColumn(c.stderr_line, error), c.stderr_line) << c.format;
}

TEST(GoTemplateDockerTest, EveryConstructPrintsWhatDockerStatsPrints) {
  ASSERT_EQ(kSingleRows.size(), 1u);
  for (const DockerCase& c : kSingleCases) {
    // The one known difference: {{$}} / {{.}} print the row, which docker
    // prints as its Go struct (raw floats and all); berth as a map.
    if (std::string(c.format).find("{{$}}") != std::string::npos) continue;
    ExpectLikeDocker(c, kSingleRows);
  }
}

TEST(GoTemplateDockerTest, TablesHaveDockersHeadersAndAlignment) {
  ASSERT_EQ(kTableRows.size(), 2u);
  for (const DockerCase& c : kTableCases) ExpectLikeDocker(c, kTableRows);
}

TEST(GoTemplateDockerTest, ThePrintedRowIsAMapOfItsFields) {
  auto [out, error] = Render("{{.}}|{{len $}}", {R"({"ID":"a","Name":"b"})"});
  EXPECT_EQ(error, "template parsing error: template: :1:8: executing \"\" at <len $>: error "
                   "calling len: len of type container.statsContext");
  std::tie(out, error) = Render("table {{.}}", {R"({"Name":"b"})"});
  EXPECT_EQ(error, "");
  EXPECT_NE(out.find("map[BlockIO:BLOCK I/O "), std::string::npos) << out;  // the header map
}

// From docker's documentation (docs/reference/commandline/stats.md and
// docs/config/formatting.md), with rows of known values.
TEST(GoTemplateDockerTest, DocumentedExamples) {
  const std::vector<std::string> rows = {
      R"({"BlockIO":"0B / 0B","CPUPerc":"0.07%","Container":"redis1","ID":"7e2cea25e66b","MemPerc":"0.18%","MemUsage":"2.746MiB / 1.5GiB","Name":"redis1","NetIO":"2.09kB / 0B","PIDs":"4"})",
      R"({"BlockIO":"0B / 0B","CPUPerc":"0.05%","Container":"redis2","ID":"9f9cbd6d1d9c","MemPerc":"0.17%","MemUsage":"2.629MiB / 1.5GiB","Name":"redis2","NetIO":"3.45kB / 0B","PIDs":"4"})"};
  struct Case {
    const char* format;
    const char* want;
  } cases[] = {
      {"table {{.Container}}\\t{{.CPUPerc}}\\t{{.MemUsage}}",
       "CONTAINER   CPU %     MEM USAGE / LIMIT\n"
       "redis1      0.07%     2.746MiB / 1.5GiB\n"
       "redis2      0.05%     2.629MiB / 1.5GiB\n"},
      {"{{.Container}}: {{.CPUPerc}}", "redis1: 0.07%\nredis2: 0.05%\n"},
      {"{{join (split .MemUsage \" / \") \",\"}}", "2.746MiB,1.5GiB\n2.629MiB,1.5GiB\n"},
      {"{{upper .Name}} {{lower \"ABC\"}} {{title .Name}}", "REDIS1 abc Redis1\nREDIS2 abc Redis2\n"},
      {"{{pad .Name 1 2}}|{{truncate .ID 3}}", " redis1  |7e2\n redis2  |9f9\n"},
      {"{{json .Name}}", "\"redis1\"\n\"redis2\"\n"},
  };
  for (const auto& c : cases) {
    auto [out, error] = Render(c.format, rows);
    EXPECT_EQ(out, c.want) << c.format << ": " << error;
  }
}

TEST(GoTemplateTest, ParseErrorsNameTheColumn) {
  const struct {
    const char* format;
    const char* want;
  } cases[] = {
      {"{{.Name | foo}}", "template: :1:10: function \"foo\" not defined"},
      {"ab {{.Name", "template: :1:10: unclosed action"},
      {"{{.Name}}\\n  {{end}}", "template: :2:7: unexpected {{end}}"},
      {"{{printf \"%s\" .Name) }}", "template: :1:19: unexpected right paren"},
      {"{{if .Name}}x", "template: :1:12: unexpected EOF"},
      {"{{$x}}", "template: :1:2: undefined variable \"$x\""},
      {"{{.Nope}}", "template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope in "
                    "type *container.statsContext"},
  };
  for (const auto& c : cases) {
    std::string error;
    EXPECT_FALSE(GoTemplate::Parse(c.format, DockerStatsFieldNames(), &error)) << c.format;
    EXPECT_EQ(error, c.want) << c.format;
  }
}

TEST(GoTemplateTest, UnknownFieldsAreCheckedOnlyWhereTheDotIsTheRow) {
  std::string error;
  // Inside range/with the dot is the element: checked when it runs.
  EXPECT_TRUE(GoTemplate::Parse("{{range split .Name \",\"}}{{.Nope}}{{end}}",
                                DockerStatsFieldNames(), &error));
  EXPECT_FALSE(GoTemplate::Parse("{{if .Name}}{{.Nope}}{{end}}", DockerStatsFieldNames(), &error));
  EXPECT_FALSE(GoTemplate::Parse("{{with .Name}}{{$.Nope}}{{end}}", DockerStatsFieldNames(), &error));
  EXPECT_EQ(error, "template: :1:17: executing \"\" at <$.Nope>: can't evaluate field Nope in "
                   "type *container.statsContext");
}

// A template from a user must not hang or eat memory: each bound ends the
// row with a message.
TEST(GoTemplateTest, HostileTemplatesHitBoundsNotTheMachine) {
  const TemplateFields fields = {{"Name", "idle"}};
  const MapRow row(fields, "*container.statsContext");
  const struct {
    std::string format;
    const char* want_error_part;
  } cases[] = {
      {"{{range 1000000000}}{{end}}", "too much work"},
      {"{{range 100000000}}x{{end}}", "too much work"},
      {"{{range 2000}}{{printf \"%1000s\" \"\"}}{{end}}", "output exceeds"},
      {"{{range 1000}}{{printf \"%1000000s\" \"\"}}{{end}}", "output exceeds"},
      {"{{range 100000}}{{$x := printf \"%1000000s\" \"\"}}{{end}}", "too much work"},
      {"{{pad .Name 1000000000 0}}", "exceeds berth's bound of 1 MiB"},
      {"{{$s := printf \"%900000s\" \"\"}}{{join (split $s \"\") \",\"}}", "exceeds berth's bound"},
      {"{{define \"x\"}}{{template \"x\"}}{{end}}{{template \"x\"}}",
       "exceeded maximum template depth (100)"},
      {"{{define \"x\"}}{{template \"x\"}}{{template \"x\"}}{{end}}{{template \"x\"}}",
       "exceeded maximum template depth"},
      {"{{printf \"%99999999s\" .Name}}", nullptr},  // Go: width too large, %!(NOVERB)
  };
  for (const auto& c : cases) {
    std::string error, out;
    auto t = GoTemplate::Parse(c.format, {"Name"}, &error);
    ASSERT_TRUE(t) << c.format << ": " << error;
    const bool ok = t->Execute(row, &out, &error);
    if (c.want_error_part == nullptr) {
      EXPECT_TRUE(ok) << c.format << ": " << error;
      EXPECT_EQ(out, "%!(NOVERB)%!(EXTRA string=idle)");
    } else {
      EXPECT_FALSE(ok) << c.format;
      EXPECT_NE(error.find(c.want_error_part), std::string::npos) << c.format << ": " << error;
    }
    EXPECT_LE(out.size(), size_t{1} << 20) << c.format;
  }
  std::string error;
  EXPECT_FALSE(GoTemplate::Parse(std::string(70000, 'x'), {"Name"}, &error));
  EXPECT_NE(error.find("65536"), std::string::npos);
  const std::string deep = "{{" + std::string(5000, '(') + "1" + std::string(5000, ')') + "}}";
  const std::vector<std::string> none;
  EXPECT_FALSE(GoTemplate::Parse(deep, none, &error)) << "deep nesting";
  EXPECT_EQ(error, "template: :1:201: max expression depth exceeded");
}

// A field's control characters never reach the terminal, whatever the
// functions do with it; json escapes the value as read.
TEST(GoTemplateTest, FieldControlsAreReplacedJsonEscapesThem) {
  const TemplateFields fields = {{"Name", "a\x1b[2Jb\xff"}};
  const MapRow row(fields, "*container.statsContext");
  const std::string kR = "\xEF\xBF\xBD";
  const struct {
    const char* format;
    std::string want;
  } cases[] = {
      {"{{.Name}}", "a" + kR + "[2Jb" + kR},
      {"{{printf \"%s|%q\" .Name .Name}}", "a" + kR + "[2Jb" + kR + "|\"a" + kR + "[2Jb" + kR + "\""},
      {"{{upper .Name}}", "A" + kR + "[2JB" + kR},
      {"{{json .Name}}", "\"a\\u001b[2Jb" + kR + "\""},
      {"{{json .}}", "{\"Name\":\"a\\u001b[2Jb" + kR + "\"}"},
      {"{{truncate \"é\" 1}}", kR},  // a cut sequence is made valid
      {"{{printf \"%s\\t%s\" \"x\" \"y\"}}", "x\ty"},  // the template's own tab stays
  };
  for (const auto& c : cases) {
    std::string error, out;
    auto t = GoTemplate::Parse(c.format, {"Name"}, &error);
    ASSERT_TRUE(t) << error;
    ASSERT_TRUE(t->Execute(row, &out, &error)) << error;
    EXPECT_EQ(out, c.want) << c.format;
    EXPECT_TRUE(collector::IsValidUtf8(out));
  }
}

TEST(GoFmtTest, VerbsAsGoFormatsThem) {
  using V = TemplateValue;
  const struct {
    const char* format;
    std::vector<V> args;
    const char* want;
  } cases[] = {
      {"%-20s|", {V::String("web")}, "web                 |"},
      {"%5.2f|%05.1f|%+.3e|%g|%G", {V::Float(3.14159), V::Float(2.25), V::Float(-1234.5),
                                    V::Float(1e-7), V::Float(1e21)}, " 3.14|002.2|-1.234e+03|1e-07|1E+21"},
      {"%x|%X|%#o|%O|%b|%08b", {V::Int(-255), V::Int(255), V::Int(8), V::Int(8), V::Int(5),
                                V::Int(5)}, "-ff|FF|010|0o10|101|00000101"},
      {"%q|%#q|%+q|%x", {V::String("a\"\n"), V::String("raw"), V::String("é"), V::String("")},
       "\"a\\\"\\n\"|`raw`|\"\\u00e9\"|"},
      {"%c|%q|%U|%#U", {V::Int(0x263A), V::Int('\n'), V::Int(0x1F600), V::Int('x')},
       "\xE2\x98\xBA|'\\n'|U+1F600|U+0078 'x'"},
      {"%v|%d|%t|%s", {V::Bool(true), V::Bool(true), V::Int(1), V::Nil()},
       "true|%!d(bool=true)|%!t(int=1)|%!s(<nil>)"},
      {"%[3]*.[2]*[1]f|%[5]d", {V::Float(12.0), V::Int(2), V::Int(6)},
       " 12.00|%!d(BADINDEX)"},
      {"%.0d|%6.3d|% d|%-+5d|", {V::Int(0), V::Int(7), V::Int(3), V::Int(3)}, "|   007| 3|+3   |"},
      {"%s %s", {V::String("a")}, "a %!s(MISSING)"},
      {"%", {}, "%!(NOVERB)"},
      {"%-*d|", {V::Int(-4), V::Int(1)}, "1   |"},
      {"%v %v", {V::List({"a", "b"}), V::Uint8(7)}, "[a b] 7"},
      {"%#v %#v %T", {V::List({"a"}), V::Uint8(7), V::List({})}, "[]string{\"a\"} 0x7 []string"},
  };
  for (const auto& c : cases) EXPECT_EQ(GoSprintf(c.format, c.args), c.want) << c.format;
}

TEST(TabWriterTest, ColumnBlocksAsGosTabwriter) {
  // b and c are in distinct columns: the b column is not contiguous.
  EXPECT_EQ(TabWriter("aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n"),
            "aaaa      bbb       d\n"
            "aa        b         dd\n"
            "a         \n"
            "aa        cccc      eee\n");
  EXPECT_EQ(TabWriter("x\ty\nno tabs here\nlong-cell-text\tz\n"),
            "x         y\nno tabs here\nlong-cell-text   z\n");
  EXPECT_EQ(TabWriter("a\t\tb\n"), "a                   b\n");
  EXPECT_EQ(TabWriter("a\tb"), "a         b");  // no final newline: none added
  EXPECT_EQ(AlignColumns({"é\td", "a\tb"}), "é         d\na         b\n");
  EXPECT_EQ(TabWriter(""), "");
}

}  // namespace
}  // namespace berth::cli
