// render_ics: RFC 5545 structure, UTC times, TEXT escaping and folding at 75 octets. Python's
// standard library has no iCalendar parser, so the test unfolds and unescapes by itself.

#include "mail/ics.hpp"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/text.hpp"
#include "domain/time.hpp"

namespace regdesk::mail {
namespace {

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
  e.stamp = at("2024-01-15T09:30:05+09:00");
  e.summary = "MID-NET®シンポジウム 2024";
  e.description =
      "医療情報データベース（MID-NET®）の利活用について、行政・アカデミア・企業の立場から最新の"
      "取り組みをご紹介します。\n視聴用リンクは開催前日にメールでお送りします。";
  e.location = "オンライン";
  e.url = "https://regdesk.example.jp/events/midnet-symposium-2024";
  e.organizer_name = "MID-NET®シンポジウム事務局";
  e.organizer_email = "office@regdesk.example.jp";
  return e;
}

std::vector<std::string> physical_lines(const std::string& ics) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < ics.size()) {
    const size_t end = ics.find("\r\n", start);
    if (end == std::string::npos) throw std::runtime_error("line without CRLF");
    lines.push_back(ics.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

// RFC 5545 3.1: a CRLF followed by one space or tab is removed.
std::vector<std::string> unfold(const std::string& ics) {
  std::vector<std::string> out;
  for (const auto& line : physical_lines(ics)) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      if (out.empty()) throw std::runtime_error("continuation first");
      out.back() += line.substr(1);
    } else {
      out.push_back(line);
    }
  }
  return out;
}

std::string unescape_text(const std::string& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\\' || i + 1 == v.size()) {
      out += v[i];
      continue;
    }
    const char c = v[++i];
    out += (c == 'n' || c == 'N') ? '\n' : c;
  }
  return out;
}

// Name (with parameters) → raw value, for the VEVENT's properties.
std::map<std::string, std::string> properties(const std::string& ics) {
  std::map<std::string, std::string> out;
  for (const auto& line : unfold(ics)) {
    // The value starts after the first ':' outside a quoted parameter value.
    bool quoted = false;
    size_t colon = std::string::npos;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '"') quoted = !quoted;
      if (line[i] == ':' && !quoted) {
        colon = i;
        break;
      }
    }
    if (colon == std::string::npos) throw std::runtime_error("no colon: " + line);
    out[line.substr(0, colon)] = line.substr(colon + 1);
  }
  return out;
}

TEST(RenderIcs, HasTheCalendarStructureInOrder) {
  const auto lines = unfold(render_ics(symposium()));
  const std::vector<std::string> expected_prefixes = {"BEGIN:VCALENDAR",
                                                      "VERSION:2.0",
                                                      "PRODID:-//regdesk//regdesk//JA",
                                                      "CALSCALE:GREGORIAN",
                                                      "METHOD:PUBLISH",
                                                      "BEGIN:VEVENT",
                                                      "UID:",
                                                      "DTSTAMP:",
                                                      "DTSTART:",
                                                      "DTEND:",
                                                      "SUMMARY:",
                                                      "DESCRIPTION:",
                                                      "LOCATION:",
                                                      "URL:",
                                                      "ORGANIZER;CN=",
                                                      "END:VEVENT",
                                                      "END:VCALENDAR"};
  ASSERT_EQ(lines.size(), expected_prefixes.size());
  for (size_t i = 0; i < lines.size(); ++i)
    EXPECT_EQ(lines[i].rfind(expected_prefixes[i], 0), 0u) << lines[i];
}

TEST(RenderIcs, TimesAreUtc) {
  const auto p = properties(render_ics(symposium()));
  EXPECT_EQ(p.at("DTSTART"), "20240228T050000Z");
  EXPECT_EQ(p.at("DTEND"), "20240228T080000Z");
  EXPECT_EQ(p.at("DTSTAMP"), "20240115T003005Z");
  EXPECT_EQ(p.at("UID"), "midnet-symposium-2024@regdesk.example.jp");
  EXPECT_EQ(p.at("URL"), "https://regdesk.example.jp/events/midnet-symposium-2024");
  EXPECT_EQ(p.at("ORGANIZER;CN=\"MID-NET®シンポジウム事務局\""),
            "mailto:office@regdesk.example.jp");
}

TEST(RenderIcs, FoldsAt75OctetsWithoutSplittingCharacters) {
  const std::string ics = render_ics(symposium());
  const auto lines = physical_lines(ics);
  size_t continuations = 0;
  for (const auto& line : lines) {
    EXPECT_LE(line.size(), 75u) << line;
    EXPECT_TRUE(text::is_valid_utf8(line)) << "split character: " << line;
    if (line[0] == ' ') ++continuations;
  }
  EXPECT_GE(continuations, 3u);  // the description is several lines long
  EXPECT_EQ(ics.find('\n'), ics.find("\r\n") + 1);
  for (size_t i = 0; i < ics.size(); ++i) {
    if (ics[i] == '\n') {
      ASSERT_EQ(ics[i - 1], '\r');
    }
  }
  EXPECT_EQ(ics.substr(ics.size() - 2), "\r\n");
}

TEST(RenderIcs, UnfoldingRestoresTheText) {
  const CalendarEvent e = symposium();
  const auto p = properties(render_ics(e));
  EXPECT_EQ(unescape_text(p.at("SUMMARY")), e.summary);
  EXPECT_EQ(unescape_text(p.at("DESCRIPTION")), e.description);
  EXPECT_EQ(unescape_text(p.at("LOCATION")), e.location);
}

TEST(RenderIcs, EscapesTextSpecials) {
  CalendarEvent e = symposium();
  e.summary = "A, B; C \\ D\nE";
  e.description = "一行目\r\n二行目、三行目;\\終わり";
  e.location = "会場,オンライン;Zoom";
  const std::string ics = render_ics(e);
  const auto p = properties(ics);
  EXPECT_EQ(p.at("SUMMARY"), "A\\, B\\; C \\\\ D\\nE");
  EXPECT_EQ(p.at("LOCATION"), "会場\\,オンライン\\;Zoom");
  EXPECT_EQ(unescape_text(p.at("SUMMARY")), e.summary);
  EXPECT_EQ(unescape_text(p.at("DESCRIPTION")), "一行目\n二行目、三行目;\\終わり");
  EXPECT_EQ(unescape_text(p.at("LOCATION")), e.location);
}

TEST(RenderIcs, LongAsciiAndFourByteTextFoldExactly) {
  CalendarEvent e = symposium();
  e.summary = std::string(200, 'a');
  e.description.clear();
  for (int i = 0; i < 40; ++i) e.description += "𠮷é";  // 4- and 2-byte sequences
  const std::string ics = render_ics(e);
  for (const auto& line : physical_lines(ics)) {
    EXPECT_LE(line.size(), 75u);
    EXPECT_TRUE(text::is_valid_utf8(line));
  }
  const auto p = properties(ics);
  EXPECT_EQ(p.at("SUMMARY"), e.summary);
  EXPECT_EQ(p.at("DESCRIPTION"), e.description);
  // ASCII folds use the full width: 75 octets first, then a space and 74.
  const auto lines = physical_lines(ics);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("SUMMARY:", 0) == 0) {
      EXPECT_EQ(lines[i].size(), 75u);
      EXPECT_EQ(lines[i + 1].size(), 75u);
    }
  }
}

TEST(RenderIcs, OptionalFieldsAreLeftOutWhenEmpty) {
  CalendarEvent e = symposium();
  e.description.clear();
  e.location.clear();
  e.url.clear();
  e.organizer_name.clear();
  e.organizer_email.clear();
  const auto p = properties(render_ics(e));
  EXPECT_EQ(p.count("DESCRIPTION"), 0u);
  EXPECT_EQ(p.count("LOCATION"), 0u);
  EXPECT_EQ(p.count("URL"), 0u);
  for (const auto& [name, value] : p) EXPECT_NE(name.rfind("ORGANIZER", 0), 0u);
}

TEST(RenderIcs, OrganizerNameWithSpecialsStaysOneParameter) {
  CalendarEvent e = symposium();
  e.organizer_name = "事務局: \"本部\"; 窓口";
  const auto p = properties(render_ics(e));
  EXPECT_EQ(p.at("ORGANIZER;CN=\"事務局: ^'本部^'; 窓口\""), "mailto:office@regdesk.example.jp");
}

}  // namespace
}  // namespace regdesk::mail
