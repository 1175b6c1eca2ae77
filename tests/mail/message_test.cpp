// render_mime and its header helpers. The wire form is checked line by line here and parsed
// back by an independent implementation, Python's email package (/usr/bin/python3).

#include "mail/message.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/text.hpp"
#include "domain/time.hpp"
#include "mail/ics.hpp"

namespace regdesk::mail {
namespace {

const std::string kConfirmationSubject = "【受付完了】MID-NET®シンポジウム 2024 参加登録のお知らせ";
// 60 characters: far more than fits in one encoded-word or one header line.
const std::string kLongSubject =
    "【重要】令和六年度医療情報データベース活用推進シンポジウム開催のご案内と参加登録方法についての"
    "お知らせ（必ずご確認を！）";
const std::string kBody =
    "山田 太郎 様\n"
    "\n"
    "MID-NET®シンポジウム 2024 への参加登録を受け付けました。\n"
    "開催日時：2024年2月28日(水) 14:00〜17:00（日本時間）\n"
    "参加方法：オンライン（視聴用リンクは開催前日にお送りします）\n"
    "\n"
    "登録内容の確認・キャンセル：https://regdesk.example.jp/m/0123456789abcdef0123456789abcdef\n"
    "-- \n"
    "MID-NET®シンポジウム事務局\n";

Instant at(const char* rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  if (!t) throw std::runtime_error(std::string("bad time in test: ") + rfc3339);
  return *t;
}

CalendarEvent symposium() {
  CalendarEvent e;
  e.uid = "midnet-symposium-2024@regdesk.example.jp";
  e.starts_at = at("2024-02-28T14:00:00+09:00");
  e.ends_at = at("2024-02-28T17:00:00+09:00");
  e.stamp = at("2024-01-15T00:00:00+09:00");
  e.summary = "MID-NET®シンポジウム 2024";
  e.description = "医療情報データベースの利活用について、最新の取り組みをご紹介します。";
  e.location = "オンライン";
  e.url = "https://regdesk.example.jp/events/midnet-symposium-2024";
  e.organizer_name = "MID-NET®シンポジウム事務局";
  e.organizer_email = "office@regdesk.example.jp";
  return e;
}

Message confirmation() {
  Message m;
  m.from_name = "MID-NET®シンポジウム事務局";
  m.from_address = "noreply@regdesk.example.jp";
  m.to_address = "taro.yamada@example.jp";
  m.reply_to_name = "シンポジウム事務局 問い合わせ窓口";
  m.reply_to_address = "office@regdesk.example.jp";
  m.subject = kConfirmationSubject;
  m.text_body = kBody;
  m.message_id = "outbox-42.regdesk@regdesk.example.jp";
  m.date = at("2024-02-01T10:15:30+09:00");
  m.attachments.push_back(
      {"event.ics", "text/calendar; charset=UTF-8; method=PUBLISH", render_ics(symposium())});
  return m;
}

// --- helpers -----------------------------------------------------------------------------------

std::vector<std::string> split_crlf_lines(const std::string& s) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find("\r\n", start);
    if (end == std::string::npos) end = s.size();
    lines.push_back(s.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

std::string header_block(const std::string& mime) {
  return mime.substr(0, mime.find("\r\n\r\n"));
}

// One header field with its continuation lines, e.g. "Subject: ...\r\n ...".
std::string header_field(const std::string& mime, const std::string& name) {
  const std::string headers = "\r\n" + header_block(mime) + "\r\n";
  const size_t start = headers.find("\r\n" + name + ":");
  if (start == std::string::npos) return "";
  size_t end = start + 2;
  while ((end = headers.find("\r\n", end)) != std::string::npos && end + 2 < headers.size() &&
         headers[end + 2] == ' ')
    end += 2;
  return headers.substr(start + 2, end - start - 2);
}

std::string decode_base64(const std::string& in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int bits = 0;
  unsigned acc = 0;
  for (char c : in) {
    if (c == '=') break;
    const int v = value(c);
    if (v < 0) throw std::runtime_error("not base64");
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

// The concatenated text of every encoded-word in `field` (RFC 2047 6.2: the white space
// between adjacent encoded-words is not part of the text).
std::string decoded_words(const std::string& field) {
  static const std::regex word(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=)");
  std::string out;
  for (auto it = std::sregex_iterator(field.begin(), field.end(), word);
       it != std::sregex_iterator(); ++it)
    out += decode_base64((*it)[1].str());
  return out;
}

// Every line ends CRLF: no bare CR or LF anywhere, and the message ends with CRLF.
void expect_crlf_only(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      EXPECT_TRUE(i > 0 && s[i - 1] == '\r') << "bare LF at " << i;
    }
    if (s[i] == '\r') {
      EXPECT_TRUE(i + 1 < s.size() && s[i + 1] == '\n') << "bare CR at " << i;
    }
  }
  EXPECT_TRUE(s.size() >= 2 && s.substr(s.size() - 2) == "\r\n");
}

// Decodes every encoded-word on its own: RFC 2047 requires each to hold whole characters.
void expect_words_hold_whole_characters(const std::string& headers, int min_words) {
  static const std::regex word(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=)");
  int count = 0;
  for (auto it = std::sregex_iterator(headers.begin(), headers.end(), word);
       it != std::sregex_iterator(); ++it) {
    ++count;
    EXPECT_LE(it->str().size(), 75u) << it->str();
    const std::string decoded = decode_base64((*it)[1].str());
    EXPECT_FALSE(decoded.empty()) << it->str();
    EXPECT_TRUE(text::is_valid_utf8(decoded)) << "split character in " << it->str();
  }
  EXPECT_GE(count, min_words);
}

struct TempFile {
  std::string path;
  explicit TempFile(const std::string& content) {
    char tmpl[] = "/tmp/regdesk-mail-XXXXXX";
    const int fd = mkstemp(tmpl);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    close(fd);
    path = tmpl;
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempFile() { std::remove(path.c_str()); }
};

// Python's email package, policy=default (the RFC 2047/2231-aware parser), reads the message
// back; the result comes out as JSON (ASCII-escaped, so the pipe carries no raw UTF-8).
constexpr const char* kParseScript = R"PY(
import email, email.policy, json, sys
msg = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
def addr(name):
    h = msg[name]
    if h is None:
        return None
    a = h.addresses[0]
    return {"name": a.display_name, "address": a.addr_spec}
atts = []
for part in msg.iter_attachments():
    c = part.get_content()
    if isinstance(c, bytes):
        c = c.hex()
    atts.append({"filename": part.get_filename(), "content_type": part.get_content_type(),
                 "params": dict(part["content-type"].params), "content": c,
                 "disposition": part.get_content_disposition()})
body = msg.get_body(preferencelist=("plain",))
defects = [repr(d) for p in msg.walk() for d in p.defects]
for name, value in msg.items():
    defects += [repr(d) for d in getattr(value, "defects", ())]
print(json.dumps({"subject": str(msg["subject"]), "from": addr("from"), "to": addr("to"),
                  "reply_to": addr("reply-to"), "date": msg["date"].datetime.isoformat(),
                  "message_id": str(msg["message-id"]), "mime_version": str(msg["mime-version"]),
                  "body": body.get_content(), "body_type": body.get_content_type(),
                  "body_charset": body.get_content_charset(),
                  "body_cte": str(body["content-transfer-encoding"]),
                  "multipart": msg.is_multipart(), "content_type": msg.get_content_type(),
                  "attachments": atts, "defects": defects}))
)PY";

nlohmann::json parse_with_python(const std::string& mime) {
  TempFile file(mime);
  const std::string cmd =
      std::string("/usr/bin/python3 -c '") + kParseScript + "' " + file.path + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  if (status != 0) throw std::runtime_error("python failed: " + out);
  return nlohmann::json::parse(out);
}

std::string lf(std::string s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i)
    if (!(s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n')) out += s[i];
  return out;
}

// --- render_mime, parsed back by Python --------------------------------------------------------

TEST(RenderMime, PythonReadsBackEveryFieldOfTheConfirmation) {
  const Message m = confirmation();
  const auto parsed = parse_with_python(render_mime(m));
  EXPECT_EQ(parsed["defects"].size(), 0u) << parsed["defects"].dump();
  EXPECT_EQ(parsed["subject"], kConfirmationSubject);
  EXPECT_EQ(parsed["from"]["name"], "MID-NET®シンポジウム事務局");
  EXPECT_EQ(parsed["from"]["address"], "noreply@regdesk.example.jp");
  EXPECT_EQ(parsed["to"]["address"], "taro.yamada@example.jp");
  // The Reply-To name needs two encoded-words. Python's email package keeps the folding
  // whitespace between encoded-words inside a display name (RFC 2047 6.2 says to drop it; mail
  // clients do), so decode those words here instead and check the address with Python.
  EXPECT_EQ(decoded_words(header_field(render_mime(m), "Reply-To")),
            "シンポジウム事務局 問い合わせ窓口");
  EXPECT_EQ(parsed["reply_to"]["address"], "office@regdesk.example.jp");
  EXPECT_EQ(parsed["date"], "2024-02-01T01:15:30+00:00");
  EXPECT_EQ(parsed["message_id"], "<outbox-42.regdesk@regdesk.example.jp>");
  EXPECT_EQ(parsed["mime_version"], "1.0");
  EXPECT_TRUE(parsed["multipart"].get<bool>());
  EXPECT_EQ(parsed["content_type"], "multipart/mixed");
  EXPECT_EQ(parsed["body_type"], "text/plain");
  EXPECT_EQ(parsed["body_charset"], "utf-8");
  EXPECT_EQ(parsed["body_cte"], "base64");
  EXPECT_EQ(lf(parsed["body"].get<std::string>()), kBody);
  ASSERT_EQ(parsed["attachments"].size(), 1u);
  const auto& ics = parsed["attachments"][0];
  EXPECT_EQ(ics["filename"], "event.ics");
  EXPECT_EQ(ics["disposition"], "attachment");
  EXPECT_EQ(ics["content_type"], "text/calendar");
  EXPECT_EQ(ics["params"]["method"], "PUBLISH");
  EXPECT_EQ(ics["params"]["charset"], "UTF-8");
  EXPECT_EQ(ics["content"], render_ics(symposium()));
}

TEST(RenderMime, SixtyCharacterJapaneseSubjectSurvivesFolding) {
  ASSERT_EQ(text::length(kLongSubject), 60u);
  Message m = confirmation();
  m.subject = kLongSubject;
  const std::string mime = render_mime(m);
  const auto parsed = parse_with_python(mime);
  EXPECT_EQ(parsed["defects"].size(), 0u) << parsed["defects"].dump();
  EXPECT_EQ(parsed["subject"], kLongSubject);
  for (const auto& line : split_crlf_lines(header_block(mime))) EXPECT_LE(line.size(), 78u);
  expect_words_hold_whole_characters(header_block(mime), 5);
}

TEST(RenderMime, WithoutAttachmentsIsSinglePartTextPlain) {
  Message m = confirmation();
  m.attachments.clear();
  m.reply_to_address.clear();
  m.reply_to_name.clear();
  const std::string mime = render_mime(m);
  EXPECT_EQ(mime.find("Reply-To:"), std::string::npos);
  EXPECT_NE(mime.find("\r\nContent-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(mime.find("\r\nContent-Transfer-Encoding: base64\r\n"), std::string::npos);
  const auto parsed = parse_with_python(mime);
  EXPECT_EQ(parsed["defects"].size(), 0u) << parsed["defects"].dump();
  EXPECT_FALSE(parsed["multipart"].get<bool>());
  EXPECT_EQ(parsed["content_type"], "text/plain");
  EXPECT_TRUE(parsed["reply_to"].is_null());
  EXPECT_EQ(lf(parsed["body"].get<std::string>()), kBody);
  EXPECT_EQ(parsed["attachments"].size(), 0u);
}

TEST(RenderMime, NonAsciiAndLongFileNamesUseRfc2231) {
  Message m = confirmation();
  const std::string long_name =
      "参加登録のご案内_MID-NET®シンポジウム2024_オンライン開催_当日の視聴方法と資料.ics";
  m.attachments = {{"案内.ics", "text/calendar; charset=UTF-8; method=PUBLISH", "BEGIN:X\r\n"},
                   {long_name, "application/octet-stream", std::string("\0\x01\xff", 3)},
                   {"say \"hi\".txt", "text/plain; charset=UTF-8", "hi"}};
  const std::string mime = render_mime(m);
  for (const auto& line : split_crlf_lines(mime)) EXPECT_LE(line.size(), 78u) << line;
  const auto parsed = parse_with_python(mime);
  EXPECT_EQ(parsed["defects"].size(), 0u) << parsed["defects"].dump();
  ASSERT_EQ(parsed["attachments"].size(), 3u);
  EXPECT_EQ(parsed["attachments"][0]["filename"], "案内.ics");
  EXPECT_EQ(parsed["attachments"][1]["filename"], long_name);
  EXPECT_EQ(parsed["attachments"][1]["content_type"], "application/octet-stream");
  EXPECT_EQ(parsed["attachments"][2]["filename"], "say \"hi\".txt");
  EXPECT_EQ(parsed["attachments"][2]["content"], "hi");
}

TEST(RenderMime, AsciiHeadersAreFoldedOrEncodedAndReadBackExactly) {
  Message m = confirmation();
  m.from_name = "Regdesk, the registration desk";  // a comma needs a quoted-string
  m.subject =
      "Your registration for the MID-NET Symposium 2024 is confirmed: please keep this mail "
      "for your records and =?not-an-encoded-word?=";
  const std::string mime = render_mime(m);
  for (const auto& line : split_crlf_lines(header_block(mime))) EXPECT_LE(line.size(), 78u);
  const auto parsed = parse_with_python(mime);
  EXPECT_EQ(parsed["defects"].size(), 0u) << parsed["defects"].dump();
  EXPECT_EQ(parsed["subject"], m.subject);
  EXPECT_EQ(parsed["from"]["name"], m.from_name);

  m.subject =
      "Plain ASCII subject that is long enough to need folding at a space, "
      "but has no encoded-word marker";
  const std::string folded = render_mime(m);
  EXPECT_EQ(header_field(folded, "Subject").find("=?UTF-8?"), std::string::npos);  // folded
  EXPECT_NE(header_field(folded, "Subject").find("\r\n "), std::string::npos);
  EXPECT_EQ(parse_with_python(folded)["subject"], m.subject);
}

// --- render_mime, checked directly -------------------------------------------------------------

TEST(RenderMime, EveryLineEndsCrlfAndHeaderLinesStayWithin78Octets) {
  Message m = confirmation();
  m.text_body = "first line\nsecond line\r\nthird line\rfourth\n";
  const std::string mime = render_mime(m);
  expect_crlf_only(mime);
  for (const auto& line : split_crlf_lines(header_block(mime))) EXPECT_LE(line.size(), 78u) << line;
  for (const auto& line : split_crlf_lines(mime)) EXPECT_LE(line.size(), 78u) << line;
  EXPECT_EQ(lf(parse_with_python(mime)["body"].get<std::string>()),
            "first line\nsecond line\nthird line\nfourth\n");
}

TEST(RenderMime, HasTheRequiredHeaders) {
  const std::string headers = header_block(render_mime(confirmation()));
  EXPECT_EQ(headers.rfind("From: ", 0), 0u);
  EXPECT_NE(headers.find("\r\nTo: taro.yamada@example.jp\r\n"), std::string::npos);
  EXPECT_NE(headers.find("\r\nReply-To: "), std::string::npos);
  EXPECT_NE(headers.find("\r\nSubject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(headers.find("\r\nDate: Thu, 01 Feb 2024 01:15:30 +0000\r\n"), std::string::npos);
  EXPECT_NE(headers.find("\r\nMessage-ID: <outbox-42.regdesk@regdesk.example.jp>\r\n"),
            std::string::npos);
  EXPECT_NE(headers.find("\r\nMIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(headers.find("\r\nContent-Type: multipart/mixed; boundary=\"=_"), std::string::npos);
  expect_words_hold_whole_characters(headers, 3);
}

TEST(RenderMime, BulkMailCarriesTheOneClickUnsubscribeHeaders) {
  Message m = confirmation();
  EXPECT_EQ(header_block(render_mime(m)).find("List-Unsubscribe"), std::string::npos);
  m.list_unsubscribe_url = "https://regdesk.example.jp/unsubscribe/abc_DEF-123";
  const std::string headers = header_block(render_mime(m));
  EXPECT_NE(headers.find(
                "\r\nList-Unsubscribe: <https://regdesk.example.jp/unsubscribe/abc_DEF-123>\r\n"),
            std::string::npos);
  EXPECT_NE(headers.find("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"),
            std::string::npos);
  m.list_unsubscribe_url = "https://x/\r\nBcc: a@b";
  EXPECT_THROW(render_mime(m), std::invalid_argument);
}

TEST(RenderMime, BodyIsBase64In76CharacterLines) {
  Message m = confirmation();
  m.attachments.clear();
  const std::string mime = render_mime(m);
  const std::string body = mime.substr(mime.find("\r\n\r\n") + 4);
  const auto lines = split_crlf_lines(body);
  ASSERT_GE(lines.size(), 2u);
  std::string joined;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i + 1 < lines.size()) {
      EXPECT_EQ(lines[i].size(), 76u);
    }
    EXPECT_LE(lines[i].size(), 76u);
    joined += lines[i];
  }
  std::string crlf_body;
  for (char c : kBody) {
    if (c == '\n') crlf_body += '\r';
    crlf_body += c;
  }
  EXPECT_EQ(decode_base64(joined), crlf_body);
}

TEST(RenderMime, IsDeterministicAndTheBoundaryNeverOccursInTheParts) {
  const Message m = confirmation();
  const std::string a = render_mime(m);
  EXPECT_EQ(a, render_mime(m));
  const std::smatch match = [&] {
    std::smatch mm;
    std::regex_search(a, mm, std::regex("boundary=\"([^\"]+)\""));
    return mm;
  }();
  ASSERT_EQ(match.size(), 2u);
  const std::string boundary = match[1].str();
  EXPECT_EQ(boundary.substr(0, 2), "=_");  // '_' is not in the base64 alphabet
  size_t delimiters = 0;
  for (const auto& line : split_crlf_lines(a)) {
    if (line.find(boundary) == std::string::npos) continue;
    if (line.rfind("Content-Type:", 0) == 0) continue;
    EXPECT_TRUE(line == "--" + boundary || line == "--" + boundary + "--") << line;
    ++delimiters;
  }
  EXPECT_EQ(delimiters, 3u);  // text, event.ics, close

  Message other = m;
  other.message_id = "outbox-43.regdesk@regdesk.example.jp";
  EXPECT_EQ(render_mime(other).find(boundary), std::string::npos);
}

TEST(RenderMime, RejectsLineBreaksInEveryHeaderField) {
  const Message good = confirmation();
  EXPECT_NO_THROW(render_mime(good));
  auto with = [&](auto mutate) {
    Message m = good;
    mutate(m);
    return m;
  };
  EXPECT_THROW(render_mime(with([](Message& m) { m.subject = "Hi\r\nBcc: x@example.jp"; })),
               std::invalid_argument);
  EXPECT_THROW(render_mime(with([](Message& m) { m.subject = "参加登録\nのお知らせ"; })),
               std::invalid_argument);
  EXPECT_THROW(render_mime(with([](Message& m) { m.subject = "a\rb"; })), std::invalid_argument);
  EXPECT_THROW(render_mime(with([](Message& m) { m.to_address = "a@example.jp\r\nBcc: b@x"; })),
               std::invalid_argument);
  EXPECT_THROW(render_mime(with([](Message& m) { m.from_address = "a@example.jp\n"; })),
               std::invalid_argument);
  EXPECT_THROW(render_mime(with([](Message& m) { m.from_name = "事務局\r\n"; })),
               std::invalid_argument);
  EXPECT_THROW(render_mime(with([](Message& m) { m.reply_to_name = "窓口\n"; })),
               std::invalid_argument);
  EXPECT_THROW(render_mime(with([](Message& m) { m.reply_to_address = "o@example.jp\r"; })),
               std::invalid_argument);
  EXPECT_THROW(render_mime(with([](Message& m) { m.attachments[0].filename = "a\r\n.ics"; })),
               std::invalid_argument);
}

// --- header helpers ----------------------------------------------------------------------------

TEST(EncodeHeaderText, AsciiWithoutMarkerIsUnchanged) {
  EXPECT_EQ(encode_header_text("Registration confirmed"), "Registration confirmed");
  EXPECT_EQ(encode_header_text(""), "");
  EXPECT_EQ(encode_header_text("a =? b").rfind("=?UTF-8?B?", 0), 0u);
}

TEST(EncodeHeaderText, SplitsOnlyBetweenCharactersInWordsOfAtMost75) {
  // Mixed 2-, 3- and 4-byte characters shift where the byte limits fall.
  std::string text;
  for (int i = 0; i < 12; ++i) text += "é漢字𠮷ア";
  const std::string encoded = encode_header_text(text);
  expect_words_hold_whole_characters(encoded, 4);
  std::string joined;
  static const std::regex word(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=)");
  for (auto it = std::sregex_iterator(encoded.begin(), encoded.end(), word);
       it != std::sregex_iterator(); ++it)
    joined += decode_base64((*it)[1].str());
  EXPECT_EQ(joined, text);
  for (const auto& line : split_crlf_lines(encoded)) {
    EXPECT_LE(line.size(), 76u);  // " " + a 75-character word
  }
  EXPECT_EQ(encoded.find("\r\n"), encoded.find("\r\n "));  // folds are CRLF SP
}

TEST(FormatAddress, EncodesJapaneseNamesAndQuotesSpecials) {
  EXPECT_EQ(format_address("", "taro@example.jp"), "taro@example.jp");
  EXPECT_EQ(format_address("Taro Yamada", "taro@example.jp"), "Taro Yamada <taro@example.jp>");
  EXPECT_EQ(format_address("Yamada, Taro", "taro@example.jp"),
            "\"Yamada, Taro\" <taro@example.jp>");
  EXPECT_EQ(format_address("T. \"Taro\" Y", "t@example.jp"),
            "\"T. \\\"Taro\\\" Y\" <t@example.jp>");
  EXPECT_EQ(format_address("事務局", "office@example.jp"),
            "=?UTF-8?B?5LqL5YuZ5bGA?= <office@example.jp>");
}

TEST(Rfc5322Date, FormatsUtcWithWeekday) {
  EXPECT_EQ(rfc5322_date(at("2024-02-28T14:00:00+09:00")), "Wed, 28 Feb 2024 05:00:00 +0000");
  EXPECT_EQ(rfc5322_date(at("2024-12-31T23:59:59.999Z")), "Tue, 31 Dec 2024 23:59:59 +0000");
  EXPECT_EQ(rfc5322_date(at("2000-01-01T00:00:00Z")), "Sat, 01 Jan 2000 00:00:00 +0000");
}

TEST(Base64, MatchesRfc4648Vectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64(std::string("\xfb\xff\x00", 3)), "+/8A");
}

}  // namespace
}  // namespace regdesk::mail
