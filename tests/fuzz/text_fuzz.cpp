// NFKC and the text checks of src/domain/text.hpp, and the e-mail and phone normalisation built
// on them (src/domain/signup.hpp), on any bytes. ICU's own UTF-8 reader is the independent
// judge of well-formedness.

#include <unicode/ustring.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/signup.hpp"
#include "domain/text.hpp"
#include "fuzz_support.hpp"

using namespace regdesk;
using regdesk::fuzz::is_ascii;

namespace {

bool icu_says_valid_utf8(std::string_view s) {
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = 0;
  u_strFromUTF8(nullptr, 0, &length, s.data(), static_cast<int32_t>(s.size()), &status);
  return status != U_INVALID_CHAR_FOUND && status != U_ILLEGAL_CHAR_FOUND;
}

bool is_trim_space_at_ends(std::string_view s) {
  if (s.empty()) return false;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  return space(s.front()) || space(s.back()) || s.starts_with("\xE3\x80\x80") ||
         s.ends_with("\xE3\x80\x80");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  const bool valid = text::is_valid_utf8(in);
  FUZZ_CHECK(valid == icu_says_valid_utf8(in), std::string(in));
  if (valid) FUZZ_CHECK(text::length(in) <= in.size(), std::string(in));

  const std::string n = text::nfkc(in);
  FUZZ_CHECK(text::is_valid_utf8(n), std::string(n));  // ICU writes U+FFFD for what it cannot read
  FUZZ_CHECK(text::nfkc(n) == n, std::string(n));      // NFKC is idempotent

  const std::string t = text::trim(in);
  FUZZ_CHECK(in.find(t) != std::string_view::npos, std::string(t));
  FUZZ_CHECK(!is_trim_space_at_ends(t), std::string(t));

  const std::string lower = text::ascii_lower(in);
  FUZZ_CHECK(lower.size() == in.size() &&
                 lower.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string::npos,
             std::string(lower));

  // Ill-formed UTF-8 is never acceptable text; the stricter check is implied by the looser.
  const bool control = text::has_control_chars(in);
  const bool control_but_lf = text::has_control_chars(in, /*allow_newlines=*/true);
  const bool invisible = text::has_invisible_or_unassigned(in);
  const bool bidi = text::has_bidi_controls(in);
  if (!valid) FUZZ_CHECK(control && control_but_lf && invisible && bidi, std::string(in));
  if (control_but_lf) FUZZ_CHECK(control, std::string(in));
  if (bidi) FUZZ_CHECK(invisible, std::string(in));  // the bidi controls are format characters

  if (auto a = text::domain_to_ascii(in)) {
    FUZZ_CHECK(!a->empty() && a->size() < 254 && is_ascii(*a), std::string(*a));
    FUZZ_CHECK(text::ascii_lower(*a) == *a, std::string(*a));
    auto again = text::domain_to_ascii(*a);
    FUZZ_CHECK(again && *again == *a, std::string(*a));
  }

  for (bool plus_as_space : {false, true}) {
    const std::string d = text::percent_decode(in, plus_as_space);
    FUZZ_CHECK(d.size() <= in.size(), std::string(d));
    if (in.find('%') == std::string_view::npos && !plus_as_space)
      FUZZ_CHECK(d == in, std::string(d));
  }

  const std::string email = normalize_email(std::string(in));
  FUZZ_CHECK(text::is_valid_utf8(email), std::string(email));
  FUZZ_CHECK(normalize_email(email) == email, std::string(email));  // one address, one key
  if (is_valid_email(email)) {
    FUZZ_CHECK(is_ascii(email) && email.size() <= 254, std::string(email));
    FUZZ_CHECK(email.find('@') == email.rfind('@'), std::string(email));
  }

  const std::string phone = normalize_phone(std::string(in));
  FUZZ_CHECK(normalize_phone(phone) == phone, std::string(phone));
  if (is_valid_phone(phone)) FUZZ_CHECK(is_ascii(phone), std::string(phone));
  return 0;
}
