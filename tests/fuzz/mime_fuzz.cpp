// The MIME writer (src/mail/message.hpp) with fuzzed subject, display names, attachment file
// name and body. Input: subject, From name, Reply-To name and file name on the first four lines
// (CR dropped: render_mime refuses CR/LF in headers, checked below too), the body after them.
// Properties: every line ends CRLF; header lines fit 78 characters; encoded-words are
// =?UTF-8?B?...?= of at most 75 characters that decode, joined, to the text given.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "domain/text.hpp"
#include "fuzz_support.hpp"
#include "mail/message.hpp"

using namespace regdesk;

namespace {

constexpr std::string_view kPrefix = "=?UTF-8?B?";
constexpr std::string_view kSuffix = "?=";

std::string decode_base64(std::string_view s, bool& ok) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  ok = s.size() % 4 == 0;
  unsigned value = 0, bits = 0;
  for (size_t i = 0; ok && i < s.size(); ++i) {
    if (s[i] == '=') {
      ok = i + 2 >= s.size();  // padding only at the end
      continue;
    }
    size_t v = kAlphabet.find(s[i]);
    if (v == std::string::npos) {
      ok = false;
      break;
    }
    value = (value << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xFF);
    }
  }
  return out;
}

// Decodes a value made only of encoded-words separated by folding white space; checks each.
std::string decode_words(std::string_view value, const std::string& original) {
  std::string out;
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && (value[i] == ' ' || value[i] == '\r' || value[i] == '\n')) ++i;
    if (i == value.size()) break;
    FUZZ_CHECK(value.substr(i, kPrefix.size()) == kPrefix, std::string(value));
    size_t end = value.find(kSuffix, i + kPrefix.size());
    FUZZ_CHECK(end != std::string_view::npos, std::string(value));
    end += kSuffix.size();
    FUZZ_CHECK(end - i <= 75, std::string(value.substr(i, end - i)));  // RFC 2047 2
    bool ok = false;
    std::string bytes =
        decode_base64(value.substr(i + kPrefix.size(), end - i - kPrefix.size() - 2), ok);
    FUZZ_CHECK(ok, std::string(value.substr(i, end - i)));
    // RFC 2047 6.3: each word decodes to whole characters on its own.
    if (text::is_valid_utf8(original)) FUZZ_CHECK(text::is_valid_utf8(bytes), bytes);
    out += bytes;
    i = end;
  }
  return out;
}

std::vector<std::string> crlf_lines(const std::string& s) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n')
      FUZZ_CHECK(i > 0 && s[i - 1] == '\r', "a bare LF at byte " + std::to_string(i));
    if (s[i] == '\r') FUZZ_CHECK(i + 1 < s.size() && s[i + 1] == '\n', "a bare CR");
    if (s[i] == '\n') {
      lines.push_back(s.substr(start, i - 1 - start));
      start = i + 1;
    }
  }
  FUZZ_CHECK(start == s.size(), "the message does not end CRLF");
  return lines;
}

// The value of `name` in the top-level header, unfolded (CRLF removed, the WSP after it kept).
std::string header_value(const std::vector<std::string>& lines, std::string_view name) {
  std::string value;
  bool in = false;
  for (const auto& line : lines) {
    if (line.empty()) break;
    if (line[0] == ' ' || line[0] == '\t') {
      if (in) value += line;
      continue;
    }
    in = line.starts_with(std::string(name) + ": ");
    if (in) value = line.substr(name.size() + 2);
  }
  return value;
}

void check_header_text(const std::string& original) {
  const std::string encoded = mail::encode_header_text(original);
  const bool plain = fuzz::is_ascii(original) && original.find("=?") == std::string::npos;
  if (plain) {
    FUZZ_CHECK(encoded == original, std::string(encoded));
  } else {
    FUZZ_CHECK(decode_words(encoded, original) == original, std::string(encoded));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts = fuzz::split(in, '\n', 5);
  for (size_t i = 0; i < 4; ++i) std::erase(parts[i], '\r');

  mail::Message m;
  m.subject = parts[0];
  m.from_name = parts[1];
  m.from_address = "office@regdesk.example.jp";
  m.to_address = "taro.yamada@example.co.jp";
  m.reply_to_name = parts[2];
  m.reply_to_address = parts[2].empty() ? "" : "contact@example.jp";
  m.text_body = parts[4];
  m.message_id = "outbox-42.regdesk@example.jp";
  m.date = Instant{std::chrono::seconds{1709096400}};
  m.list_unsubscribe_url = "https://regdesk.example.jp/unsubscribe/0123456789abcdef";
  if (!parts[3].empty())
    m.attachments.push_back(
        {parts[3], "text/calendar; charset=UTF-8; method=PUBLISH", std::string(in.substr(0, 300))});

  const std::string out = mail::render_mime(m);
  const std::vector<std::string> lines = crlf_lines(out);
  bool in_header = true;
  for (const auto& line : lines) {
    if (line.starts_with("--=_regdesk_")) in_header = true;  // a part's header follows
    if (line.empty()) in_header = false;
    if (in_header) FUZZ_CHECK(line.size() <= 78, std::string(line));
  }

  const std::string subject = header_value(lines, "Subject");
  if (subject.starts_with(kPrefix))
    FUZZ_CHECK(decode_words(subject, m.subject) == m.subject, std::string(subject));
  else
    FUZZ_CHECK(subject == m.subject, std::string(subject));

  const std::string from = header_value(lines, "From");
  FUZZ_CHECK(from.ends_with("<office@regdesk.example.jp>") || m.from_name.empty(),
             std::string(from));
  if (from.starts_with(kPrefix)) {
    std::string words = from.substr(0, from.rfind('<'));
    FUZZ_CHECK(decode_words(words, m.from_name) == m.from_name, std::string(from));
  }

  check_header_text(m.subject);
  check_header_text(m.from_name);
  const std::string address = mail::format_address(m.from_name, "office@regdesk.example.jp");
  FUZZ_CHECK(address.ends_with(m.from_name.empty() ? "office@regdesk.example.jp"
                                                   : " <office@regdesk.example.jp>"),
             std::string(address));

  // Nothing user-typed reaches a header unescaped.
  mail::Message injected = m;
  injected.subject += "\r\nBcc: someone@example.com";
  bool refused = false;
  try {
    mail::render_mime(injected);
  } catch (const std::invalid_argument&) {
    refused = true;
  }
  FUZZ_CHECK(refused, "a subject with CRLF was written");
  return 0;
}
