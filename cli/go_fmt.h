// Go's fmt and strconv output for template values (cli/template_value.h),
// byte for byte as Go prints them: Sprint/Sprintln/Sprintf with every flag
// (# 0 + - space), width, precision, `*` and `[n]` argument indexes, the
// verbs v s q x X d b o O c U e E f F g G t T and %%, and Go's error marks
// (%!d(string=x), %!s(MISSING), %!(EXTRA int=2), %!(NOVERB), %!(BADWIDTH),
// %!(BADPREC), %!v(BADINDEX)). Widths and precisions above 1e6 are refused
// as Go refuses them, so one verb never writes more than about a megabyte.
// %x/%X/%b on a float64 print the bad-verb mark (Go prints hex floats).
// Also strconv.Quote and encoding/json's text for a value (docker's `json`).
// Pure functions; thread-safe.
#ifndef BERTH_CLI_GO_FMT_H_
#define BERTH_CLI_GO_FMT_H_

#include <string>
#include <string_view>
#include <vector>

#include "cli/template_value.h"

namespace berth::cli {

std::string GoSprint(const std::vector<TemplateValue>& args);
std::string GoSprintln(const std::vector<TemplateValue>& args);
std::string GoSprintf(std::string_view format, const std::vector<TemplateValue>& args);

// strconv.Quote: "..." with Go's escapes (\a \b \f \n \r \t \v \\ \" \xNN
// for ill-formed bytes and controls, \uNNNN / \UNNNNNNNN for other
// non-printable code points).
std::string GoQuote(std::string_view s);

// encoding/json's Marshal without HTML escaping (docker's `json`): strings
// escaped as Go does (\" \\ \b \f \n \r \t, \u00XX for other controls,
// \u2028 \u2029; ill-formed parts as U+FFFD itself, berth's rule for JSON
// where Go writes \ufffd), numbers, true/false, null,
// ["a","b"], a row as an object of its fields in sorted key order. False
// (and `error` set to Go's message) for NaN and infinities.
bool GoJson(const TemplateValue& v, std::string* out, std::string* error);

// Go's unicode.IsPrint for a code point (letters, marks, numbers,
// punctuation, symbols and U+0020; not controls, format characters,
// separators other than the ASCII space, private use).
bool GoIsPrint(char32_t r);

}  // namespace berth::cli

#endif  // BERTH_CLI_GO_FMT_H_
