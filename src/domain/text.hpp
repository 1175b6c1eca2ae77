#pragma once
// Text handling for input that comes from Japanese IMEs: UTF-8 checks, NFKC, trimming.

#include <optional>
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
// Code points that make text read differently from what is stored, or stand for nothing:
// format characters (Cf: bidirectional overrides such as U+202E, zero-width spaces and
// joiners), private-use (Co), surrogates (Cs) and unassigned (Cn) code points. Variation
// selectors (Mn, as in 葛󠄀) are fine. Ill-formed UTF-8 counts as such too.
bool has_invisible_or_unassigned(std::string_view utf8);
// Only the bidirectional controls (U+061C, U+200E/F, U+202A..E, U+2066..9): the Trojan Source
// characters, refused even in free text.
bool has_bidi_controls(std::string_view utf8);
// A domain as DNS carries it: "例え.jp" -> "xn--r8jz45g.jp" (UTS #46 via ICU); ASCII domains
// are lower-cased; nullopt when it is no valid domain.
std::optional<std::string> domain_to_ascii(std::string_view utf8_domain);
// %XX escapes (URLs, form bodies); with plus_as_space, '+' is a space as in form encoding.
std::string percent_decode(std::string_view s, bool plus_as_space);

}  // namespace regdesk::text
