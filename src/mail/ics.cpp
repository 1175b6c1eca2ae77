#include "mail/ics.hpp"

#include <chrono>
#include <cstdio>
#include <string_view>

namespace regdesk::mail {

namespace {

// RFC 5545 3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break.
constexpr size_t kMaxLineOctets = 75;

// "20240228T050000Z" (RFC 5545 3.3.5, form #2: UTC time).
std::string utc_date_time(Instant t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{secs - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02ld%02ld%02ldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  return buf;
}

bool is_control(unsigned char c) {
  return (c < 0x20 && c != '\t') || c == 0x7F;
}

// TEXT values (RFC 5545 3.3.11): backslash, semicolon and comma escaped, line breaks as \n,
// other control characters dropped (they are not allowed in TEXT).
std::string escape_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\' || c == ';' || c == ',') {
      out += '\\';
      out += c;
    } else if (c == '\r') {
      out += "\\n";
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\\n";
    } else if (!is_control(static_cast<unsigned char>(c))) {
      out += c;
    }
  }
  return out;
}

// A parameter value (ORGANIZER;CN=...): always quoted; DQUOTE, ^ and line breaks are written
// with RFC 6868's caret escapes since a quoted parameter value cannot carry them.
std::string quote_parameter(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"') {
      out += "^'";
    } else if (c == '^') {
      out += "^^";
    } else if (c == '\r' || c == '\n') {
      out += "^n";
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else if (!is_control(static_cast<unsigned char>(c))) {
      out += c;
    }
  }
  out += '"';
  return out;
}

// URI values are not escaped; anything that could break the line structure is dropped.
std::string clean_uri(std::string_view s) {
  std::string out;
  for (char c : s)
    if (!is_control(static_cast<unsigned char>(c)) && c != ' ') out += c;
  return out;
}

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Appends the content line folded at 75 octets (CRLF + one space, RFC 5545 3.1), never
// between the bytes of one UTF-8 sequence.
void append_line(std::string& out, std::string_view line) {
  size_t limit = kMaxLineOctets;  // the first physical line
  while (line.size() > limit) {
    size_t cut = limit;
    while (cut > 0 && is_continuation_byte(line[cut])) --cut;
    if (cut == 0) cut = limit;  // not UTF-8 at all: cut anyway rather than loop
    out.append(line.substr(0, cut));
    out += "\r\n ";
    line.remove_prefix(cut);
    limit = kMaxLineOctets - 1;  // the leading space counts
  }
  out.append(line);
  out += "\r\n";
}

}  // namespace

std::string render_ics(const CalendarEvent& e) {
  std::string out;
  auto line = [&out](std::string_view name, std::string_view value) {
    std::string l(name);
    l += ':';
    l += value;
    append_line(out, l);
  };
  line("BEGIN", "VCALENDAR");
  line("VERSION", "2.0");
  line("PRODID", "-//regdesk//regdesk//JA");
  line("CALSCALE", "GREGORIAN");
  line("METHOD", "PUBLISH");
  line("BEGIN", "VEVENT");
  line("UID", escape_text(e.uid));
  line("DTSTAMP", utc_date_time(e.stamp));
  line("DTSTART", utc_date_time(e.starts_at));
  line("DTEND", utc_date_time(e.ends_at));
  line("SUMMARY", escape_text(e.summary));
  if (!e.description.empty()) line("DESCRIPTION", escape_text(e.description));
  if (!e.location.empty()) line("LOCATION", escape_text(e.location));
  if (!e.url.empty()) line("URL", clean_uri(e.url));
  if (!e.organizer_email.empty()) {
    std::string name = "ORGANIZER";
    if (!e.organizer_name.empty()) name += ";CN=" + quote_parameter(e.organizer_name);
    line(name, "mailto:" + clean_uri(e.organizer_email));
  }
  line("END", "VEVENT");
  line("END", "VCALENDAR");
  return out;
}

}  // namespace regdesk::mail
