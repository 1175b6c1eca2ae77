#pragma once
// Text handling for input that comes from Japanese IMEs: UTF-8 checks, NFKC, trimming.

#include <string>
#include <string_view>

namespace regdesk::text {

bool is_valid_utf8(std::string_view s);
// Number of code points (field limits count characters, not bytes).
size_t length(std::string_view utf8);
// Unicode NFKC: full-width ＡＢＣ１２３＠ become ABC123@, the ideographic space a space.
std::string nfkc(std::string_view utf8);
// Strips ASCII white space and U+3000 (ideographic space) from both ends.
std::string trim(std::string_view utf8);
std::string ascii_lower(std::string_view s);
// C0 controls, DEL and C1 controls (U+0080..U+009F); allow_newlines lets LF through.
bool has_control_chars(std::string_view utf8, bool allow_newlines = false);
// %XX escapes (URLs, form bodies); with plus_as_space, '+' is a space as in form encoding.
std::string percent_decode(std::string_view s, bool plus_as_space);

}  // namespace regdesk::text
