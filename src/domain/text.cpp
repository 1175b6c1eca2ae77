#include "domain/text.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uidna.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <stdexcept>

namespace regdesk::text {

namespace {

// Decodes one code point; returns its length or 0 when the sequence is ill-formed.
size_t decode(std::string_view s, size_t i, char32_t& cp) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  size_t n;
  char32_t min;
  if ((c & 0xE0) == 0xC0) {
    n = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  char32_t cp;
  for (size_t i = 0; i < s.size();) {
    size_t n = decode(s, i, cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

size_t length(std::string_view s) {
  size_t count = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++count;
  return count;
}

std::string nfkc(std::string_view s) {
  // ASCII is its own NFKC form, and most of what is normalised is ASCII (addresses, phone
  // numbers): going through ICU's UTF-16 for it was most of a sold-out answer's address check.
  if (std::all_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x80; }))
    return std::string(s);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU NFKC normaliser unavailable");
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), s.size()));
  icu::UnicodeString out = normalizer->normalize(in, status);
  if (U_FAILURE(status)) throw std::runtime_error("NFKC normalisation failed");
  std::string result;
  out.toUTF8String(result);
  return result;
}

std::string trim(std::string_view s) {
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  auto is_space_at_front = [&](std::string_view v) -> size_t {
    if (v.empty()) return 0;
    if (v[0] == ' ' || v[0] == '\t' || v[0] == '\n' || v[0] == '\r') return 1;
    if (v.substr(0, 3) == kIdeographicSpace) return 3;
    return 0;
  };
  auto is_space_at_back = [&](std::string_view v) -> size_t {
    if (v.empty()) return 0;
    char c = v.back();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return 1;
    if (v.size() >= 3 && v.substr(v.size() - 3) == kIdeographicSpace) return 3;
    return 0;
  };
  while (size_t n = is_space_at_front(s)) s.remove_prefix(n);
  while (size_t n = is_space_at_back(s)) s.remove_suffix(n);
  return std::string(s);
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

namespace {
// True when some code point of `s` is `unwanted`, or when `s` is not well-formed UTF-8 (never
// acceptable text).
template <typename Unwanted>
bool any_code_point(std::string_view s, Unwanted unwanted) {
  char32_t cp;
  for (size_t i = 0; i < s.size();) {
    size_t n = decode(s, i, cp);
    if (n == 0 || unwanted(cp)) return true;
    i += n;
  }
  return false;
}
}  // namespace

bool has_control_chars(std::string_view s, bool allow_newlines) {
  return any_code_point(s, [allow_newlines](char32_t cp) {
    if (cp == '\n') return !allow_newlines;
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
  });
}

bool has_invisible_or_unassigned(std::string_view s) {
  return any_code_point(s, [](char32_t cp) {
    switch (u_charType(static_cast<UChar32>(cp))) {
      case U_FORMAT_CHAR:
      case U_PRIVATE_USE_CHAR:
      case U_SURROGATE:
      case U_UNASSIGNED:
        return true;
      default:
        return false;
    }
  });
}

bool has_bidi_controls(std::string_view s) {
  return any_code_point(s, [](char32_t cp) {
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
  });
}

std::optional<std::string> domain_to_ascii(std::string_view domain) {
  UErrorCode status = U_ZERO_ERROR;
  // Non-transitional (IDNA2008 behaviour for ß and ς), with the STD3 rules for host names.
  static UIDNA* idna = uidna_openUTS46(UIDNA_USE_STD3_RULES | UIDNA_NONTRANSITIONAL_TO_ASCII |
                                           UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ,
                                       &status);
  if (!idna) return std::nullopt;
  status = U_ZERO_ERROR;
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  char out[256];
  int32_t length = uidna_nameToASCII_UTF8(idna, domain.data(), static_cast<int32_t>(domain.size()),
                                          out, sizeof out, &info, &status);
  if (U_FAILURE(status) || info.errors != 0 || length <= 0 || length >= 254)
    return std::nullopt;
  return std::string(out, static_cast<size_t>(length));
}

std::string percent_decode(std::string_view s, bool plus_as_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+' && plus_as_space) {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace regdesk::text
