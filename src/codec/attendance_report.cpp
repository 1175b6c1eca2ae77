#include "codec/attendance_report.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <stdexcept>

#include "domain/text.hpp"

namespace regdesk::codec {

using Record = std::vector<std::string>;
using Records = std::vector<Record>;

namespace {

ReportError unreadable(std::string detail) {
  return {"unreadable_encoding", std::move(detail)};
}

// ---- Encodings ---------------------------------------------------------------------------------

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

tl::expected<std::string, ReportError> utf16_to_utf8(std::string_view bytes, bool little_endian) {
  if (bytes.size() % 2 != 0) return tl::unexpected(unreadable("UTF-16 with an odd byte count"));
  auto unit = [&](size_t i) -> char32_t {
    auto lo = static_cast<unsigned char>(bytes[2 * i + (little_endian ? 0 : 1)]);
    auto hi = static_cast<unsigned char>(bytes[2 * i + (little_endian ? 1 : 0)]);
    return static_cast<char32_t>(hi << 8 | lo);
  };
  std::string out;
  out.reserve(bytes.size());
  const size_t units = bytes.size() / 2;
  for (size_t i = 0; i < units; ++i) {
    char32_t u = unit(i);
    if (u >= 0xDC00 && u <= 0xDFFF)
      return tl::unexpected(unreadable("UTF-16 with a lone low surrogate"));
    if (u >= 0xD800 && u <= 0xDBFF) {
      char32_t low = i + 1 < units ? unit(i + 1) : 0;
      if (low < 0xDC00 || low > 0xDFFF)
        return tl::unexpected(unreadable("UTF-16 with a lone high surrogate"));
      u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
      ++i;
    }
    append_utf8(out, u);
  }
  return out;
}

// UTF-16 without a byte order mark still shows itself: text that is mostly ASCII (digits,
// times, addresses, delimiters) has a NUL in every other byte. Returns little_endian.
std::optional<bool> utf16_by_nul_pattern(std::string_view bytes) {
  const size_t n = std::min<size_t>(bytes.size(), 4096) & ~size_t{1};
  if (n < 4) return std::nullopt;
  size_t nul_even = 0, nul_odd = 0;
  for (size_t i = 0; i < n; ++i)
    if (bytes[i] == '\0') ++(i % 2 == 0 ? nul_even : nul_odd);
  const size_t pairs = n / 2;
  if (nul_odd * 4 >= pairs && nul_even * 10 <= nul_odd) return true;
  if (nul_even * 4 >= pairs && nul_odd * 10 <= nul_even) return false;
  return std::nullopt;
}

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};

// Windows-31J as ICU knows it (alias of ibm-943_P15A-2003, the Microsoft variant: 0x5C is a
// backslash, NEC and IBM extensions included). Unmapped or malformed bytes stop the conversion.
tl::expected<std::string, ReportError> cp932_to_utf8(std::string_view bytes) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> conv(ucnv_open("windows-31j", &status));
  if (U_FAILURE(status)) throw std::runtime_error("ICU has no windows-31j converter");
  ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  if (U_FAILURE(status)) throw std::runtime_error("cannot configure the CP932 converter");
  // One byte or a two-byte pair never makes more than one UTF-16 unit.
  std::vector<UChar> units(bytes.size() + 1);
  int32_t n = ucnv_toUChars(conv.get(), units.data(), static_cast<int32_t>(units.size()),
                            bytes.data(), static_cast<int32_t>(bytes.size()), &status);
  if (U_FAILURE(status)) return tl::unexpected(unreadable("neither UTF-8, UTF-16 nor CP932"));
  std::string out;
  icu::UnicodeString(false, units.data(), n).toUTF8String(out);
  return out;
}

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

constexpr size_t kMaxFieldsPerRecord = 512;

// ---- Small text helpers -----------------------------------------------------------------------

bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}
char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
bool is_ascii_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Reads a value left to right; every step either consumes what it names or leaves the position.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}

  bool done() const { return pos_ == s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }

  void skip_spaces() {
    for (;;) {
      if (!done() && (s_[pos_] == ' ' || s_[pos_] == '\t')) {
        ++pos_;
      } else if (s_.substr(pos_, 3) == "\xE3\x80\x80") {  // U+3000
        pos_ += 3;
      } else {
        return;
      }
    }
  }

  bool eat(std::string_view token) {
    if (s_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }

  // ASCII letters compared without case; the token must not run on into another letter.
  bool eat_word(std::string_view lower_token) {
    if (s_.size() - pos_ < lower_token.size()) return false;
    for (size_t i = 0; i < lower_token.size(); ++i)
      if (ascii_lower(s_[pos_ + i]) != lower_token[i]) return false;
    size_t end = pos_ + lower_token.size();
    if (is_ascii_alpha(lower_token.back()) && end < s_.size() && is_ascii_alpha(s_[end]))
      return false;
    pos_ = end;
    return true;
  }

  // Between min_len and max_len (at most 18) digits; more digits than max_len is a mismatch,
  // not a split.
  std::optional<long long> digits(size_t min_len, size_t max_len, size_t* len = nullptr) {
    size_t end = pos_;
    while (end < s_.size() && is_ascii_digit(s_[end])) ++end;
    size_t n = end - pos_;
    if (n < min_len || n > max_len) return std::nullopt;
    long long v = 0;
    for (size_t i = pos_; i < end; ++i) v = v * 10 + (s_[i] - '0');
    pos_ = end;
    if (len) *len = n;
    return v;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// ---- Times ------------------------------------------------------------------------------------

enum class DayOrder { kMonthFirst, kDayFirst };

// "A/B/YYYY": which of A and B is the month is not written down. Decided once per report from
// all its times: a first number above 12 means day first (en-GB Teams "15/11/22, 09:30:17"),
// otherwise month first (the US layout Zoom, Webex and en-US Teams use).
DayOrder detect_day_order(const std::vector<std::string_view>& cells) {
  bool day_first_seen = false, month_first_seen = false;
  for (std::string_view cell : cells) {
    std::string trimmed = text::trim(cell);
    Cursor c(trimmed);
    auto a = c.digits(1, 2);
    if (!a || !(c.eat("/") || c.eat("-") || c.eat("."))) continue;
    auto b = c.digits(1, 2);
    if (!b) continue;
    if (*a > 12 && *b <= 12) day_first_seen = true;
    if (*b > 12 && *a <= 12) month_first_seen = true;
  }
  return day_first_seen && !month_first_seen ? DayOrder::kDayFirst : DayOrder::kMonthFirst;
}

struct LocalStamp {
  int year;
  unsigned month, day;
  int hour, minute, second;
};

enum class Meridiem { kNone, kAm, kPm };

Meridiem eat_meridiem(Cursor& c) {
  if (c.eat("午前") || c.eat_word("am") || c.eat_word("a.m.")) return Meridiem::kAm;
  if (c.eat("午後") || c.eat_word("pm") || c.eat_word("p.m.")) return Meridiem::kPm;
  return Meridiem::kNone;
}

// Dates: YYYY/M/D, YYYY-MM-DD, YYYY年M月D日, M/D/YYYY or D/M/YYYY (and 2-digit years, as Teams
// writes them). Then ", " or " " or "T", and H:MM[:SS[.fff]] with AM/PM or 午前/午後.
std::optional<LocalStamp> parse_local_stamp(std::string_view raw, DayOrder order) {
  std::string trimmed = text::trim(raw);
  Cursor c(trimmed);
  size_t first_len = 0, last_len = 0;
  auto first = c.digits(1, 4, &first_len);
  if (!first) return std::nullopt;
  char sep = c.peek();
  bool kanji = false;
  if (sep == '/' || sep == '-' || sep == '.') {
    c.eat(std::string_view(&sep, 1));
  } else if (c.eat("年")) {
    kanji = true;
  } else {
    return std::nullopt;
  }
  auto second = c.digits(1, 2);
  if (!second) return std::nullopt;
  if (kanji ? !c.eat("月") : !c.eat(std::string_view(&sep, 1))) return std::nullopt;
  auto third = c.digits(1, 4, &last_len);
  if (!third || (kanji && !c.eat("日"))) return std::nullopt;

  long long y, mo, d;
  if (first_len == 4 && last_len <= 2) {
    y = *first, mo = *second, d = *third;
  } else if (first_len <= 2 && !kanji && (last_len == 4 || last_len == 2)) {
    y = last_len == 2 ? 2000 + *third : *third;
    mo = order == DayOrder::kMonthFirst ? *first : *second;
    d = order == DayOrder::kMonthFirst ? *second : *first;
  } else {
    return std::nullopt;
  }

  c.eat(",");
  c.skip_spaces();
  c.eat("T");
  c.skip_spaces();
  Meridiem meridiem = eat_meridiem(c);  // ja-JP puts 午前/午後 before the time
  c.skip_spaces();
  auto h = c.digits(1, 2);
  if (!h || !c.eat(":")) return std::nullopt;
  auto mi = c.digits(2, 2);
  if (!mi) return std::nullopt;
  long long s = 0;
  if (c.eat(":")) {
    auto sec = c.digits(2, 2);
    if (!sec) return std::nullopt;
    s = *sec;
    if (c.eat(".") && !c.digits(1, 9)) return std::nullopt;  // fractions are dropped
  }
  c.skip_spaces();
  if (meridiem == Meridiem::kNone) meridiem = eat_meridiem(c);
  c.skip_spaces();
  if (!c.done()) return std::nullopt;

  long long hour = *h;
  if (meridiem != Meridiem::kNone) {
    if (hour < 1 || hour > 12) return std::nullopt;
    hour = hour % 12 + (meridiem == Meridiem::kPm ? 12 : 0);
  }
  if (hour > 23 || *mi > 59 || s > 59) return std::nullopt;
  if (y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  LocalStamp out{static_cast<int>(y),    static_cast<unsigned>(mo), static_cast<unsigned>(d),
                 static_cast<int>(hour), static_cast<int>(*mi),     static_cast<int>(s)};
  if (!(date::year{out.year} / date::month{out.month} / date::day{out.day}).ok())
    return std::nullopt;
  return out;
}

// Reads the report's wall-clock times in the organiser's zone.
class LocalTimeReader {
 public:
  LocalTimeReader(const date::time_zone* zone, DayOrder order) : zone_(zone), order_(order) {}

  std::optional<Instant> read(std::string_view cell) const {
    auto stamp = parse_local_stamp(cell, order_);
    if (!stamp) return std::nullopt;
    auto local = date::local_days{date::year{stamp->year} / date::month{stamp->month} /
                                  date::day{stamp->day}} +
                 std::chrono::hours{stamp->hour} + std::chrono::minutes{stamp->minute} +
                 std::chrono::seconds{stamp->second};
    // A time in a DST gap or overlap is read as the earlier instant instead of throwing.
    return Instant{zone_->to_sys(local, date::choose::earliest)};
  }

 private:
  const date::time_zone* zone_;
  DayOrder order_;
};

// ---- Durations --------------------------------------------------------------------------------

// A decimal number in thousandths ("12" -> 12000, "12.5" -> 12500), at most seven integer digits.
std::optional<long long> read_thousandths(Cursor& c) {
  auto whole = c.digits(1, 7);
  if (!whole) return std::nullopt;
  long long value = *whole * 1000;
  if (c.eat(".")) {
    size_t len = 0;
    auto frac = c.digits(1, 9, &len);
    if (!frac) return std::nullopt;
    long long f = *frac;
    for (; len > 3; --len) f /= 10;
    for (; len < 3; ++len) f *= 10;
    value += f;
  }
  return value;
}

struct DurationUnit {
  std::string_view word;
  long long seconds;
};

// ASCII words must end there ("m" does not match the start of "mins"), so order is free.
constexpr std::array<DurationUnit, 22> kDurationUnits{{
    {"seconds", 1}, {"second", 1}, {"secs", 1}, {"sec", 1},      {"s", 1},        {"minutes", 60},
    {"minute", 60}, {"mins", 60},  {"min", 60}, {"m", 60},       {"hours", 3600}, {"hour", 3600},
    {"hrs", 3600},  {"hr", 3600},  {"h", 3600}, {"days", 86400}, {"day", 86400},  {"d", 86400},
    {"時間", 3600}, {"分", 60},    {"秒", 1},   {"日", 86400},
}};

std::optional<long long> eat_duration_unit(Cursor& c) {
  for (const DurationUnit& u : kDurationUnits)
    if (is_ascii_alpha(u.word.front()) ? c.eat_word(u.word) : c.eat(u.word)) return u.seconds;
  return std::nullopt;
}

// "01:02:03" or "02:03".
std::optional<std::chrono::seconds> read_clock_duration(std::string_view s) {
  Cursor c(s);
  std::vector<long long> parts;
  do {
    auto part = c.digits(1, 7);
    if (!part) return std::nullopt;
    parts.push_back(*part);
  } while (parts.size() < 3 && c.eat(":"));
  if (!c.done() || parts.size() < 2) return std::nullopt;
  for (size_t i = 1; i < parts.size(); ++i)
    if (parts[i] > 59) return std::nullopt;
  long long total = 0;
  for (long long p : parts) total = total * 60 + p;
  return std::chrono::seconds{total};
}

// ---- Headers ----------------------------------------------------------------------------------

// How a header cell is compared: NFKC (full-width "（分）" is "(分)"), ASCII lower case, no
// white space, so "Name (Original Name)", "name(original name)" and "名前（元の名前）" each
// have one key.
std::string header_key(std::string_view cell) {
  if (cell.size() > 200) return {};  // no header is that long; keeps NFKC off data cells
  std::string key;
  for (char c : text::nfkc(cell))
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') key += ascii_lower(c);
  if (key.starts_with(kUtf8Bom)) key.erase(0, kUtf8Bom.size());
  return key;
}

// Vectors, not initializer_lists: the specs live for the whole program.
using Aliases = std::vector<std::string_view>;

// Where each value sits in a recognised table.
struct Columns {
  std::optional<size_t> name, email, joined, left, duration;
  std::chrono::seconds bare_duration_unit = std::chrono::minutes{1};
};

struct HeaderSpec {
  Aliases name, email, joined, left, duration;
  Aliases signature;  // at least one of these keys must be present (empty: not required)
};

// The alias order is the preference order. Columns right of the name column come first: one
// Zoom layout repeats the meeting's "User Email" and "Duration (Minutes)" before the person's.
std::optional<size_t> find_column(const std::vector<std::string>& keys, const Aliases& aliases,
                                  size_t prefer_from) {
  for (std::string_view alias : aliases)
    for (size_t i = prefer_from; i < keys.size(); ++i)
      if (keys[i] == alias) return i;
  for (std::string_view alias : aliases)
    for (size_t i = 0; i < prefer_from && i < keys.size(); ++i)
      if (keys[i] == alias) return i;
  return std::nullopt;
}

std::optional<Columns> match_header(const Record& record, const HeaderSpec& spec) {
  if (record.size() < 2 || record.size() > 100) return std::nullopt;
  std::vector<std::string> keys;
  keys.reserve(record.size());
  for (const std::string& cell : record) keys.push_back(header_key(cell));
  if (!spec.signature.empty()) {
    bool signed_by_tool = std::any_of(keys.begin(), keys.end(), [&](const std::string& k) {
      return std::find(spec.signature.begin(), spec.signature.end(), k) != spec.signature.end();
    });
    if (!signed_by_tool) return std::nullopt;
  }
  Columns cols;
  cols.name = find_column(keys, spec.name, 0);
  size_t after_name = cols.name ? *cols.name + 1 : 0;
  cols.email = find_column(keys, spec.email, after_name);
  cols.joined = find_column(keys, spec.joined, after_name);
  cols.left = find_column(keys, spec.left, after_name);
  cols.duration = find_column(keys, spec.duration, after_name);
  if (!cols.name && !cols.email) return std::nullopt;
  if (!(cols.joined && cols.left) && !cols.duration) return std::nullopt;
  if (cols.duration) {
    const std::string& k = keys[*cols.duration];
    if (k.find("(seconds)") != std::string::npos || k.find("(秒)") != std::string::npos)
      cols.bare_duration_unit = std::chrono::seconds{1};
  }
  return cols;
}

// Zoom web portal, Reports > Usage > Participants > Export (with or without "Export with meeting
// data", which puts the meeting summary block first). English and ja-JP UI.
const HeaderSpec& zoom_participants() {
  static const HeaderSpec spec{
      .name = {"name(originalname)", "名前(元の名前)", "ユーザー名(元の名前)", "name", "名前",
               "username", "ユーザー名"},
      .email = {"useremail", "email", "ユーザーメール", "メール", "メールアドレス",
                "ユーザーのメールアドレス"},
      .joined = {"jointime", "参加時刻", "参加時間", "入室時刻", "入室時間"},
      .left = {"leavetime", "退出時刻", "退出時間", "退室時刻", "退室時間"},
      .duration = {"duration(minutes)", "totalduration(minutes)", "所要時間(分)", "期間(分)",
                   "時間(分)", "合計所要時間(分)", "合計時間(分)", "合計期間(分)"},
      .signature = {"name(originalname)", "名前(元の名前)", "ユーザー名(元の名前)", "guest",
                    "ゲスト"},
  };
  return spec;
}

// Webex attendance report (Meeting Name, Meeting Start Time, Meeting End Time, Display Name,
// First Name, Last Name, Role, Attendee Email, Join Time, Leave Time, Attendance Duration,
// Connection Type, Session Name) and the older attendee report (Attendee Name, ...).
const HeaderSpec& webex_attendees() {
  static const HeaderSpec spec{
      .name = {"displayname", "attendeename", "name", "表示名", "出席者名", "名前"},
      .email = {"attendeeemail", "email", "emailaddress", "出席者のメールアドレス",
                "出席者のメール", "メールアドレス", "メール"},
      .joined = {"jointime", "参加時刻", "参加時間", "入室時刻"},
      .left = {"leavetime", "退出時刻", "退出時間", "退室時刻"},
      .duration = {"attendanceduration", "attendedduration", "duration", "duration(minutes)",
                   "出席時間", "出席期間", "参加期間", "期間"},
      .signature = {"attendeeemail", "attendeename", "attendanceduration", "attendedduration",
                    "出席者のメールアドレス", "出席者のメール", "出席者名", "出席時間", "出席期間"},
  };
  return spec;
}

// Teams attendance report since 2021, section "2. Participants": one row per person.
const HeaderSpec& teams_participants() {
  static const HeaderSpec spec{
      .name = {"name", "名前", "フルネーム"},
      .email = {"email", "メール", "メールアドレス"},
      .joined = {"firstjoin", "初めての参加", "最初の参加", "最初の参加時刻"},
      .left = {"lastleave", "最終退出", "最後の退出", "最後の退出時刻"},
      .duration = {"in-meetingduration", "会議の長さ", "会議中の時間", "会議の時間"},
      .signature = {"firstjoin", "lastleave", "in-meetingduration", "初めての参加", "最初の参加",
                    "最終退出", "最後の退出", "会議の長さ"},
  };
  return spec;
}

// Section "3. In-Meeting Activities": one row per session (a rejoin is a second row).
const HeaderSpec& teams_activities() {
  static const HeaderSpec spec{
      .name = {"name", "名前", "フルネーム"},
      .email = {"email", "メール", "メールアドレス"},
      .joined = {"jointime", "参加時刻", "参加時間"},
      .left = {"leavetime", "退出時刻", "退出時間"},
      .duration = {"duration", "期間", "時間", "会議の長さ"},
      .signature = {},
  };
  return spec;
}

// The Teams meeting report before 2021: one row per Joined/Left event.
struct LegacyHeaderSpec {
  Aliases name, action, timestamp;
};

const LegacyHeaderSpec& teams_legacy() {
  static const LegacyHeaderSpec spec{
      .name = {"fullname", "フルネーム", "氏名", "名前"},
      .action = {"useraction", "ユーザーアクション", "ユーザーのアクション", "ユーザー操作",
                 "アクション"},
      .timestamp = {"timestamp", "タイムスタンプ"},
  };
  return spec;
}

// Zoom's summary block and a Webex preamble come before the table, never dozens of lines.
constexpr size_t kHeaderSearchRecords = 32;

// ---- Sections and rows ------------------------------------------------------------------------

bool is_blank(const Record& record) {
  return std::all_of(record.begin(), record.end(),
                     [](const std::string& cell) { return text::trim(cell).empty(); });
}

enum class Section { kNone, kSummary, kParticipants, kActivities, kOther };

// Teams heads its sections with a lone "1. Summary", "2. Participants", "3. In-Meeting
// Activities" (ja-JP: "1. 要約", "2. 参加者", "3. 会議中のアクティビティ").
Section section_marker(const Record& record) {
  std::string title;
  for (const std::string& cell : record) {
    std::string t = text::trim(cell);
    if (t.empty()) continue;
    if (!title.empty()) return Section::kNone;
    title = std::move(t);
  }
  Cursor c(title);
  if (!c.digits(1, 2) || !c.eat(".") || (c.peek() != ' ' && c.peek() != '\t'))
    return Section::kNone;
  std::string key = header_key(title.substr(title.find('.') + 1));
  if (key == "summary" || key == "要約" || key == "概要") return Section::kSummary;
  if (key == "participants" || key == "参加者") return Section::kParticipants;
  if (key == "in-meetingactivities" || key == "会議中のアクティビティ") return Section::kActivities;
  return Section::kOther;
}

// The cells of one row by column, trimmed; a short row reads as empty cells.
struct RawRow {
  std::string name, email, joined, left, duration;
};

std::string cell_at(const Record& record, std::optional<size_t> column) {
  if (!column || *column >= record.size()) return {};
  return text::trim(record[*column]);
}

// Rows after the header up to the next Teams section line (or the end).
std::vector<RawRow> table_rows(const Records& records, size_t header, const Columns& cols) {
  std::vector<RawRow> rows;
  for (size_t i = header + 1; i < records.size(); ++i) {
    const Record& r = records[i];
    if (section_marker(r) != Section::kNone) break;
    if (is_blank(r)) continue;
    rows.push_back({cell_at(r, cols.name), cell_at(r, cols.email), cell_at(r, cols.joined),
                    cell_at(r, cols.left), cell_at(r, cols.duration)});
  }
  return rows;
}

std::vector<AttendanceRow> to_attendance_rows(const std::vector<RawRow>& raw, const Columns& cols,
                                              const date::time_zone* zone) {
  std::vector<std::string_view> times;
  for (const RawRow& r : raw) {
    times.push_back(r.joined);
    times.push_back(r.left);
  }
  LocalTimeReader reader(zone, detect_day_order(times));
  std::vector<AttendanceRow> rows;
  for (const RawRow& r : raw) {
    // A row nobody can be matched by is no attendance.
    if (r.name.empty() && r.email.empty()) continue;
    AttendanceRow row{r.email, r.name, reader.read(r.joined), reader.read(r.left),
                      parse_report_duration(r.duration, cols.bare_duration_unit)};
    if (!row.joined_at && !row.left_at && !row.duration) continue;
    rows.push_back(std::move(row));
  }
  return rows;
}

// ---- One reader per tool ----------------------------------------------------------------------

std::optional<AttendanceReport> read_table(const Records& records, const HeaderSpec& spec,
                                           ReportTool tool, const date::time_zone* zone) {
  const size_t limit = std::min(records.size(), kHeaderSearchRecords);
  for (size_t i = 0; i < limit; ++i) {
    if (auto cols = match_header(records[i], spec))
      return AttendanceReport{tool, to_attendance_rows(table_rows(records, i, *cols), *cols, zone)};
  }
  return std::nullopt;
}

std::optional<AttendanceReport> read_zoom(const Records& records, const date::time_zone* zone) {
  return read_table(records, zoom_participants(), ReportTool::kZoom, zone);
}

std::optional<AttendanceReport> read_webex(const Records& records, const date::time_zone* zone) {
  return read_table(records, webex_attendees(), ReportTool::kWebex, zone);
}

// The first table of a section: its header is the first non-blank line after the marker.
std::optional<std::vector<AttendanceRow>> read_teams_section(const Records& records, size_t marker,
                                                             const HeaderSpec& spec,
                                                             const date::time_zone* zone) {
  for (size_t i = marker + 1; i < records.size(); ++i) {
    if (is_blank(records[i])) continue;
    auto cols = match_header(records[i], spec);
    if (!cols) return std::nullopt;
    return to_attendance_rows(table_rows(records, i, *cols), *cols, zone);
  }
  return std::nullopt;
}

// The 2021+ report: the per-session activities when Teams wrote them, else one row per person.
std::optional<AttendanceReport> read_teams_sections(const Records& records,
                                                    const date::time_zone* zone) {
  std::optional<size_t> participants, activities;
  for (size_t i = 0; i < records.size(); ++i) {
    Section s = section_marker(records[i]);
    if (s == Section::kParticipants && !participants) participants = i;
    if (s == Section::kActivities && !activities) activities = i;
  }
  std::optional<std::vector<AttendanceRow>> sessions, people;
  if (activities) sessions = read_teams_section(records, *activities, teams_activities(), zone);
  if (sessions && !sessions->empty()) return AttendanceReport{ReportTool::kTeams, *sessions};
  if (participants) people = read_teams_section(records, *participants, teams_participants(), zone);
  if (people) return AttendanceReport{ReportTool::kTeams, *people};
  if (sessions) return AttendanceReport{ReportTool::kTeams, *sessions};
  return std::nullopt;
}

// A participants table saved on its own, without the section lines.
std::optional<AttendanceReport> read_teams_table(const Records& records,
                                                 const date::time_zone* zone) {
  return read_table(records, teams_participants(), ReportTool::kTeams, zone);
}

enum class LegacyAction { kJoined, kLeft };

// "Joined", "Joined before", "Left" (and the Japanese UI's 参加/退出 wording).
std::optional<LegacyAction> legacy_action(std::string_view cell) {
  std::string lower;
  for (char c : cell) lower += ascii_lower(c);
  if (lower.find("join") != std::string::npos || lower.find("参加") != std::string::npos)
    return LegacyAction::kJoined;
  if (lower.find("left") != std::string::npos || lower.find("leave") != std::string::npos ||
      lower.find("退") != std::string::npos)
    return LegacyAction::kLeft;
  return std::nullopt;
}

struct LegacyColumns {
  size_t name, action, timestamp;
};

std::optional<LegacyColumns> match_legacy_header(const Record& record) {
  if (record.size() < 3 || record.size() > 100) return std::nullopt;
  std::vector<std::string> keys;
  for (const std::string& cell : record) keys.push_back(header_key(cell));
  const LegacyHeaderSpec& spec = teams_legacy();
  auto name = find_column(keys, spec.name, 0);
  auto action = find_column(keys, spec.action, 0);
  auto stamp = find_column(keys, spec.timestamp, 0);
  if (!name || !action || !stamp) return std::nullopt;
  return LegacyColumns{*name, *action, *stamp};
}

struct LegacyEvent {
  Instant at;
  LegacyAction action;
};

// One person's events in time order -> sessions. A second join while in (another device)
// keeps the first; a leave without a join is dropped; a join never left stays open.
void pair_events(const std::string& name, std::vector<LegacyEvent>& events,
                 std::vector<AttendanceRow>& rows) {
  std::stable_sort(events.begin(), events.end(),
                   [](const LegacyEvent& a, const LegacyEvent& b) { return a.at < b.at; });
  std::optional<Instant> joined;
  for (const LegacyEvent& e : events) {
    if (e.action == LegacyAction::kJoined) {
      if (!joined) joined = e.at;
    } else if (joined) {
      rows.push_back({"", name, joined, e.at, std::nullopt});
      joined.reset();
    }
  }
  if (joined) rows.push_back({"", name, joined, std::nullopt, std::nullopt});
}

// "Full Name, User Action, Timestamp": each person's Joined and Left events, paired in time
// order. "Joined before" (already in when the report started) counts as a join at its time.
// The report has no addresses, so the rows carry names only.
std::optional<AttendanceReport> read_teams_legacy(const Records& records,
                                                  const date::time_zone* zone) {
  const size_t limit = std::min(records.size(), kHeaderSearchRecords);
  for (size_t h = 0; h < limit; ++h) {
    auto cols = match_legacy_header(records[h]);
    if (!cols) continue;
    std::vector<std::string_view> stamps;
    for (size_t i = h + 1; i < records.size(); ++i)
      if (cols->timestamp < records[i].size()) stamps.push_back(records[i][cols->timestamp]);
    LocalTimeReader reader(zone, detect_day_order(stamps));

    std::vector<std::string> people;  // in order of first appearance
    std::map<std::string, std::vector<LegacyEvent>> events;
    for (size_t i = h + 1; i < records.size(); ++i) {
      const Record& r = records[i];
      if (is_blank(r)) continue;
      std::string who = cell_at(r, cols->name);
      auto what = legacy_action(cell_at(r, cols->action));
      auto at = reader.read(cell_at(r, cols->timestamp));
      if (who.empty() || !what || !at) continue;
      auto [it, inserted] = events.try_emplace(who);
      if (inserted) people.push_back(who);
      it->second.push_back({*at, *what});
    }
    std::vector<AttendanceRow> rows;
    for (const std::string& who : people) pair_events(who, events[who], rows);
    return AttendanceReport{ReportTool::kTeams, std::move(rows)};
  }
  return std::nullopt;
}

std::optional<AttendanceReport> recognise(const Records& records, const date::time_zone* zone) {
  if (auto r = read_teams_sections(records, zone)) return r;
  if (auto r = read_zoom(records, zone)) return r;
  if (auto r = read_webex(records, zone)) return r;
  if (auto r = read_teams_table(records, zone)) return r;
  if (auto r = read_teams_legacy(records, zone)) return r;
  return std::nullopt;
}

}  // namespace

std::string_view tool_name(ReportTool tool) {
  switch (tool) {
    case ReportTool::kZoom:
      return "zoom";
    case ReportTool::kWebex:
      return "webex";
    case ReportTool::kTeams:
      return "teams";
  }
  return "unknown";
}

tl::expected<std::string, ReportError> report_text_as_utf8(std::string_view bytes) {
  tl::expected<std::string, ReportError> text;
  if (bytes.starts_with(kUtf8Bom)) {
    std::string_view rest = bytes.substr(kUtf8Bom.size());
    if (!text::is_valid_utf8(rest))
      return tl::unexpected(unreadable("invalid UTF-8 after a UTF-8 byte order mark"));
    text = std::string(rest);
  } else if (bytes.starts_with("\xFF\xFE")) {
    text = utf16_to_utf8(bytes.substr(2), true);
  } else if (bytes.starts_with("\xFE\xFF")) {
    text = utf16_to_utf8(bytes.substr(2), false);
  } else if (auto little_endian = utf16_by_nul_pattern(bytes)) {
    text = utf16_to_utf8(bytes, *little_endian);
  } else if (text::is_valid_utf8(bytes)) {
    text = std::string(bytes);
  } else {
    text = cp932_to_utf8(bytes);
  }
  // A byte order mark written twice (re-saved files) is no part of the first header.
  if (text && text->starts_with(kUtf8Bom)) text->erase(0, kUtf8Bom.size());
  return text;
}

Records split_delimited(std::string_view text, char delimiter) {
  Records records;
  Record record;
  std::string field;
  bool in_quotes = false;
  bool field_start = true;  // nothing read yet in this field: a quote here opens quoting
  bool pending = false;     // something read since the last record ended
  bool any_text = false;    // some field of this record holds text
  auto end_field = [&] {
    // No report has this many columns; the cap keeps a line of delimiters from costing a
    // string per byte.
    if (record.size() < kMaxFieldsPerRecord) {
      any_text = any_text || !field.empty();
      record.push_back(std::move(field));
    }
    field.clear();
    field_start = true;
  };
  auto end_record = [&] {
    end_field();
    if (any_text) records.push_back(std::move(record));  // blank lines are left out
    record.clear();
    pending = any_text = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c != '"') {
        field += c;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        in_quotes = false;
      }
      continue;
    }
    if (c == '\r' || c == '\n') {
      end_record();
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      continue;
    }
    pending = true;
    if (c == delimiter) {
      end_field();
    } else if (c == '"' && field_start) {
      in_quotes = true;
      field_start = false;
    } else {
      field += c;  // includes text after a closing quote, as Excel keeps it
      field_start = false;
    }
  }
  if (pending || in_quotes) end_record();  // no final line break, or a quote left open
  return records;
}

std::optional<std::chrono::seconds> parse_report_duration(std::string_view text,
                                                          std::chrono::seconds bare_number_unit) {
  std::string t = text::trim(text);
  if (t.empty()) return std::nullopt;
  if (t.find(':') != std::string::npos) return read_clock_duration(t);
  {
    Cursor c(t);
    auto n = read_thousandths(c);
    c.skip_spaces();
    if (n && c.done()) {
      long long total;
      if (bare_number_unit.count() < 0 ||
          __builtin_mul_overflow(*n, bare_number_unit.count(), &total))
        return std::nullopt;
      return std::chrono::seconds{total / 1000};
    }
  }
  // Number-and-unit pairs; each term is below 10^7 days, so a cap on the sum keeps it exact.
  constexpr long long kMaxThousandths = 1'000'000'000'000'000;  // about 31 700 years
  Cursor c(t);
  long long total = 0;
  bool any = false;
  for (c.skip_spaces(); !c.done(); c.skip_spaces()) {
    auto n = read_thousandths(c);
    if (!n) return std::nullopt;
    c.skip_spaces();
    auto unit = eat_duration_unit(c);
    if (!unit) return std::nullopt;
    total += *n * *unit;
    if (total > kMaxThousandths) return std::nullopt;
    any = true;
    c.skip_spaces();
    c.eat(",");
  }
  if (!any) return std::nullopt;
  return std::chrono::seconds{total / 1000};
}

tl::expected<AttendanceReport, ReportError> parse_attendance_report(std::string_view bytes,
                                                                    const std::string& zone) {
  if (bytes.size() > kMaxReportBytes)
    return tl::unexpected(ReportError{"too_large", std::to_string(bytes.size()) + " bytes"});
  const date::time_zone* tz = nullptr;
  try {
    tz = date::locate_zone(zone);
  } catch (const std::runtime_error&) {
    return tl::unexpected(ReportError{"unknown_zone", zone});
  }
  auto text = report_text_as_utf8(bytes);
  if (!text) return tl::unexpected(text.error());

  // Tab first when there is one: Teams and Webex write tabs, and their dates hold commas
  // ("12/1/26, 2:00:13 PM"). A wrong guess finds no header and the other delimiter is tried.
  std::vector<char> delimiters{','};
  if (text->find('\t') != std::string::npos) delimiters.insert(delimiters.begin(), '\t');
  for (char delimiter : delimiters) {
    auto report = recognise(split_delimited(*text, delimiter), tz);
    if (!report) continue;
    if (report->rows.empty())
      return tl::unexpected(ReportError{
          "no_rows", std::string(tool_name(report->tool)) + " report without a usable row"});
    return std::move(*report);
  }
  return tl::unexpected(
      ReportError{"unknown_format", "no Zoom, Webex or Teams attendance report header found"});
}

}  // namespace regdesk::codec
