#include "mail/templates.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <kainjow/mustache.hpp>
#include <map>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "mail/message.hpp"

namespace regdesk::mail {

// Generated at build time from templates/email/*.txt (cmake/embed_templates.cmake), keyed by
// "<kind>.<locale>".
const std::map<std::string, std::string>& embedded_templates();

namespace {

using MustacheData = kainjow::mustache::data;
using Mustache = kainjow::mustache::mustache;

// 70 columns: 35 full-width characters, what Japanese mail clients show without breaking.
constexpr size_t kBodyColumns = 70;

constexpr std::array<std::pair<MailKind, const char*>, 12> kKindNames{{
    {MailKind::kConfirmation, "confirmation"},
    {MailKind::kWaitlisted, "waitlisted"},
    {MailKind::kPromoted, "promoted"},
    {MailKind::kCancellation, "cancellation"},
    {MailKind::kMeetingLink, "meeting_link"},
    {MailKind::kReminder, "reminder"},
    {MailKind::kAnnouncement, "announcement"},
    {MailKind::kFollowUpAttended, "follow_up_attended"},
    {MailKind::kFollowUpAbsent, "follow_up_absent"},
    {MailKind::kPending, "pending"},
    {MailKind::kDeclined, "declined"},
    {MailKind::kInvitation, "invitation"},
}};

enum class Language { kJapanese, kEnglish };

// "en", "en-US", "EN_gb" are English; everything else (including "" and unknown languages) is
// Japanese, the service's first language.
Language language_of(const std::string& locale) {
  std::string primary;
  for (char c : locale) {
    if (c == '-' || c == '_') break;
    primary += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return primary == "en" ? Language::kEnglish : Language::kJapanese;
}

const char* template_locale(Language lang) {
  return lang == Language::kEnglish ? "en" : "ja";
}

// kainjow/mustache drops a line holding only a section tag when the section renders, but
// keeps its line end when the section is skipped, leaving stray blank lines. So standalone tag
// lines ("{{#passcode}}", "{{/passcode}}", "{{^x}}", "{{! note }}") get this mark before
// rendering, and lines holding nothing but marks are removed afterwards: such a line never
// shows, whether its section renders or not. Data cannot contain the mark (to_mustache
// strips it).
constexpr char kStandaloneMark = '\x01';

bool is_standalone_tag(std::string_view line) {
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  if (line.size() < 5 || line.substr(0, 2) != "{{" || line.substr(line.size() - 2) != "}}") {
    return false;
  }
  const char sigil = line[2];
  if (sigil != '#' && sigil != '^' && sigil != '/' && sigil != '!') return false;
  return line.find("{{", 2) == std::string_view::npos;
}

std::string mark_standalone_tags(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 64);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    const bool has_newline = end != std::string::npos;
    if (!has_newline) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    out += line;
    if (is_standalone_tag(line)) out += kStandaloneMark;
    if (has_newline) out += '\n';
    start = end + 1;
  }
  return out;
}

std::string without_marks(std::string s) {
  std::erase(s, kStandaloneMark);
  return s;
}

// JSON → mustache data. Numbers become their decimal text. Empty strings and null become
// false, so "{{#passcode}}...{{/passcode}}" disappears for an empty passcode (mustache itself
// treats every string as true).
MustacheData to_mustache(const nlohmann::json& j) {
  using nlohmann::json;
  switch (j.type()) {
    case json::value_t::object: {
      MustacheData d{MustacheData::type::object};
      for (const auto& [key, value] : j.items()) d.set(key, to_mustache(value));
      return d;
    }
    case json::value_t::array: {
      MustacheData d{MustacheData::type::list};
      for (const auto& value : j) d.push_back(to_mustache(value));
      return d;
    }
    case json::value_t::string: {
      std::string s = without_marks(j.get<std::string>());
      if (s.empty()) return MustacheData{false};
      return MustacheData{std::move(s)};
    }
    case json::value_t::boolean:
      return MustacheData{j.get<bool>()};
    case json::value_t::number_integer:
      return MustacheData{std::to_string(j.get<std::int64_t>())};
    case json::value_t::number_unsigned:
      return MustacheData{std::to_string(j.get<std::uint64_t>())};
    case json::value_t::number_float:
      return MustacheData{j.dump()};
    case json::value_t::null:
    case json::value_t::binary:
    case json::value_t::discarded:
      return MustacheData{false};
  }
  return MustacheData{false};
}

struct TemplateParts {
  std::string subject;
  std::string body;
};

// "Subject: ...\n\n<body>"; CRLF line ends (a template saved on Windows) are accepted.
TemplateParts split_template(const std::string& key, std::string text) {
  std::string unix_text;
  unix_text.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    unix_text += text[i];
  }
  constexpr std::string_view kPrefix = "Subject: ";
  const size_t first_end = unix_text.find('\n');
  if (unix_text.compare(0, kPrefix.size(), kPrefix) != 0 || first_end == std::string::npos) {
    throw std::runtime_error("mail template " + key + ": the first line must be \"Subject: ...\"");
  }
  TemplateParts parts;
  parts.subject = unix_text.substr(kPrefix.size(), first_end - kPrefix.size());
  size_t body_start = first_end + 1;
  if (body_start >= unix_text.size() || unix_text[body_start] != '\n') {
    throw std::runtime_error("mail template " + key + ": a blank line must follow the subject");
  }
  parts.body = unix_text.substr(body_start + 1);
  return parts;
}

std::string render_mustache(const std::string& key, const std::string& text,
                            const MustacheData& data) {
  Mustache tmpl{mark_standalone_tags(text)};
  if (!tmpl.is_valid()) {
    throw std::runtime_error("mail template " + key + ": " + tmpl.error_message());
  }
  // Plain-text mail: no HTML escaping, so {{x}} and {{{x}}} both give the value as is
  // ("A&B <株>" stays "A&B <株>"). The templates use {{{x}}} anyway, so they read the same in
  // any mustache renderer.
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  std::string out = tmpl.render(data);
  if (!tmpl.is_valid()) {
    throw std::runtime_error("mail template " + key + ": " + tmpl.error_message());
  }
  return out;
}

// One header line: control characters (a line break typed into an announcement subject)
// become spaces, runs of spaces collapse, ends are trimmed.
std::string one_line(const std::string& s) {
  std::string out;
  bool pending_space = false;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f || c == ' ') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += static_cast<char>(c);
  }
  return out;
}

// LF line ends, no trailing blanks on a line, no blank lines at the start or the end, one
// final line end.
std::string tidy_body(const std::string& s) {
  std::string out;
  std::string line;
  size_t blank_run = 0;
  auto flush = [&]() {
    const bool only_marks =
        line.find(kStandaloneMark) != std::string::npos &&
        line.find_first_not_of(std::string{kStandaloneMark, ' ', '\t'}) == std::string::npos;
    if (only_marks) {
      line.clear();
      return;
    }
    std::erase(line, kStandaloneMark);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (line.empty()) {
      if (!out.empty()) ++blank_run;
    } else {
      out.append(blank_run, '\n');
      blank_run = 0;
      out += line;
      out += '\n';
    }
    line.clear();
  };
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\r') {
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
      flush();
    } else if (c == '\n') {
      flush();
    } else {
      line += c;
    }
  }
  if (!line.empty()) flush();
  return out;
}

// ---- local times ----

struct LocalMinute {
  date::year_month_day ymd;
  date::weekday weekday;
  int hour;
  int minute;
};

LocalMinute to_local(Instant t, const std::string& zone) {
  const auto* tz = date::locate_zone(zone);  // throws std::runtime_error on an unknown zone
  const auto zoned = date::make_zoned(tz, std::chrono::floor<std::chrono::minutes>(t));
  const auto local = zoned.get_local_time();
  const auto day = date::floor<date::days>(local);
  const auto since_midnight = std::chrono::duration_cast<std::chrono::minutes>(local - day);
  return LocalMinute{date::year_month_day{day}, date::weekday{day},
                     static_cast<int>(since_midnight.count() / 60),
                     static_cast<int>(since_midnight.count() % 60)};
}

bool same_day(const LocalMinute& a, const LocalMinute& b) {
  return a.ymd == b.ymd;
}

std::string clock_text(const LocalMinute& m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", m.hour, m.minute);
  return buf;
}

// "2024年2月28日(水)"
std::string japanese_date(const LocalMinute& m) {
  static constexpr std::array<const char*, 7> kWeekdays{"日", "月", "火", "水", "木", "金", "土"};
  return std::to_string(static_cast<int>(m.ymd.year())) + "年" +
         std::to_string(static_cast<unsigned>(m.ymd.month())) + "月" +
         std::to_string(static_cast<unsigned>(m.ymd.day())) + "日(" +
         kWeekdays[m.weekday.c_encoding()] + ")";
}

// "Wed 28 Feb 2024"
std::string english_date(const LocalMinute& m) {
  static constexpr std::array<const char*, 7> kWeekdays{"Sun", "Mon", "Tue", "Wed",
                                                        "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return std::string(kWeekdays[m.weekday.c_encoding()]) + " " +
         std::to_string(static_cast<unsigned>(m.ymd.day())) + " " +
         kMonths[static_cast<unsigned>(m.ymd.month()) - 1] + " " +
         std::to_string(static_cast<int>(m.ymd.year()));
}

std::string zone_label(const std::string& zone, Language lang) {
  if (zone == "Asia/Tokyo") return lang == Language::kEnglish ? "Japan time" : "日本時間";
  return zone;
}

}  // namespace

const char* to_string(MailKind k) {
  for (const auto& [kind, name] : kKindNames) {
    if (kind == k) return name;
  }
  return "unknown";
}

std::optional<MailKind> mail_kind_from_string(const std::string& s) {
  for (const auto& [kind, name] : kKindNames) {
    if (s == name) return kind;
  }
  return std::nullopt;
}

RenderedMail render_mail(MailKind kind, const std::string& locale, const nlohmann::json& data) {
  const std::string key = std::string(to_string(kind)) + "." + template_locale(language_of(locale));
  const auto& all = embedded_templates();
  const auto it = all.find(key);
  if (it == all.end()) throw std::runtime_error("mail template " + key + " is missing");

  const TemplateParts parts = split_template(key, it->second);
  const MustacheData values = to_mustache(data);
  RenderedMail mail;
  mail.subject = one_line(without_marks(render_mustache(key, parts.subject, values)));
  mail.body = wrap_text(tidy_body(render_mustache(key, parts.body, values)), kBodyColumns);
  if (!mail.body.empty() && mail.body.back() != '\n') mail.body += '\n';
  return mail;
}

std::string format_event_period(Instant starts, Instant ends, const std::string& zone,
                                const std::string& locale) {
  const Language lang = language_of(locale);
  const LocalMinute from = to_local(starts, zone);
  const LocalMinute to = to_local(ends, zone);
  const std::string label = zone_label(zone, lang);
  if (lang == Language::kEnglish) {
    if (same_day(from, to)) {
      return english_date(from) + ", " + clock_text(from) + "–" + clock_text(to) + " (" + label +
             ")";
    }
    return english_date(from) + ", " + clock_text(from) + " – " + english_date(to) + ", " +
           clock_text(to) + " (" + label + ")";
  }
  if (same_day(from, to)) {
    return japanese_date(from) + " " + clock_text(from) + "〜" + clock_text(to) + "（" + label +
           "）";
  }
  return japanese_date(from) + " " + clock_text(from) + "〜" + japanese_date(to) + " " +
         clock_text(to) + "（" + label + "）";
}

std::string format_local_time(Instant t, const std::string& zone, const std::string& locale) {
  const LocalMinute m = to_local(t, zone);
  if (language_of(locale) == Language::kEnglish) return english_date(m) + ", " + clock_text(m);
  return japanese_date(m) + " " + clock_text(m);
}

}  // namespace regdesk::mail
