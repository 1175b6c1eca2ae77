#pragma once
// What the harnesses share: FUZZ_CHECK, a property check that prints what broke and aborts
// (libFuzzer then saves the input as a crash), and helpers to cut one input into strings.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace regdesk::fuzz {

// Printable for a terminal: bytes outside visible ASCII as \xNN.
inline std::string escaped(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  return out;
}

[[noreturn]] inline void property_failed(const char* property, const char* file, int line,
                                         const std::string& detail) {
  std::fprintf(stderr, "\n==== FUZZ_CHECK failed: %s\n     at %s:%d\n", property, file, line);
  if (!detail.empty()) std::fprintf(stderr, "     %s\n", escaped(detail).c_str());
  std::abort();
}

// Splits at `sep` into at most `max_parts` parts; the last part keeps the rest, separators and
// all. Missing parts are empty strings.
inline std::vector<std::string> split(std::string_view s, char sep, size_t max_parts) {
  std::vector<std::string> parts;
  while (parts.size() + 1 < max_parts) {
    size_t end = s.find(sep);
    if (end == std::string_view::npos) break;
    parts.emplace_back(s.substr(0, end));
    s.remove_prefix(end + 1);
  }
  parts.emplace_back(s);
  parts.resize(max_parts);
  return parts;
}

inline bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

}  // namespace regdesk::fuzz

// `detail` (a std::string) is only evaluated when the property does not hold.
#define FUZZ_CHECK(property, detail) \
  ((property) ? (void)0 : ::regdesk::fuzz::property_failed(#property, __FILE__, __LINE__, (detail)))
