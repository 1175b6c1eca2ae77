// mail::wrap_text, which every mail body goes through. The first byte chooses the width
// (2 + byte % 79 columns) and the mode:
//  - below 0x80, the rest is the text as is (any bytes): nothing but white space and line
//    breaks may be added or removed, and well-formed UTF-8 stays well-formed;
//  - from 0x80, each further byte picks a piece from kPieces (ASCII, kana, kanji, kinsoku
//    punctuation, spaces, a URL, combining marks), whose widths are known here independently:
//    then, in addition, no line is wider than the width unless it holds the URL.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "domain/text.hpp"
#include "fuzz_support.hpp"
#include "mail/message.hpp"

using namespace regdesk;

namespace {

constexpr std::string_view kPieces[] = {
    "a",
    "word",
    "MID-NET",
    "2024",
    " ",
    "  ",
    "\t",
    "　",
    "\n",
    "あ",
    "ア",
    "漢",
    "字",
    "、",
    "。",
    "「",
    "」",
    "（",
    "）",
    "ー",
    "ッ",
    "・",
    "！",
    "ｱ",
    "ﾞ",
    "A",
    ".",
    ",",
    "(",
    ")",
    "é",
    "\xCC\x81" /* U+0301 */,
    "https://example.jp/a?b=c",
};

// Columns of each character kPieces can produce (East Asian Wide = 2, combining = 0).
size_t char_width(char32_t c) {
  if (c == 0x0301 || c == 0xFF9E) return c == 0x0301 ? 0 : 1;
  if (c >= 0x3000 && c <= 0x9FFF) return 2;
  if (c >= 0xFF01 && c <= 0xFF60) return 2;
  return 1;
}

size_t width(std::string_view s) {
  size_t w = 0;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < n && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    w += char_width(cp);
    i += n;
  }
  return w;
}

// The text without what wrapping may change: spaces, tabs, U+3000 and line breaks. CR goes
// too: a CRLF's CR is dropped, and a lone CR may end up before a line break wrapping adds.
std::string without_white_space(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') continue;
    if (s.substr(i, 3) == "\xE3\x80\x80") {
      i += 2;
      continue;
    }
    out += s[i];
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t columns = 2 + data[0] % 79;
  const bool pieces = data[0] >= 0x80;
  std::string text;
  if (pieces) {
    for (size_t i = 1; i < size; ++i) text += kPieces[data[i] % std::size(kPieces)];
  } else {
    text.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  }

  const std::string wrapped = mail::wrap_text(text, columns);
  const std::string kept = without_white_space(wrapped), given = without_white_space(text);
  if (kept != given) {
    size_t at =
        std::mismatch(kept.begin(), kept.end(), given.begin(), given.end()).first - kept.begin();
    FUZZ_CHECK(kept == given, "text " + text + "   wrapped " + wrapped + "   first difference at " +
                                  std::to_string(at) + ": " + given.substr(at, 12) + " became " +
                                  kept.substr(at, 12));
  }
  if (text::is_valid_utf8(text)) FUZZ_CHECK(text::is_valid_utf8(wrapped), std::string(wrapped));
  if (!pieces) return 0;

  size_t start = 0;
  while (start <= wrapped.size()) {
    size_t end = wrapped.find('\n', start);
    if (end == std::string::npos) end = wrapped.size();
    const std::string_view line(wrapped.data() + start, end - start);
    if (line.find("https://") == std::string_view::npos)
      FUZZ_CHECK(width(line) <= columns,
                 std::to_string(columns) + " columns: " + std::string(line));
    start = end + 1;
  }
  return 0;
}
