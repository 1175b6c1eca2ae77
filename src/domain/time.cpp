#include "domain/time.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <cctype>
#include <stdexcept>

namespace regdesk {

namespace {

bool parse_digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::optional<Instant> parse_rfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
  int y, mo, d, h, mi, sec;
  if (s.size() < 20) return std::nullopt;
  if (!parse_digits(s, 0, 4, y) || s[4] != '-' || !parse_digits(s, 5, 2, mo) || s[7] != '-' ||
      !parse_digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !parse_digits(s, 11, 2, h) ||
      s[13] != ':' || !parse_digits(s, 14, 2, mi) || s[16] != ':' || !parse_digits(s, 17, 2, sec))
    return std::nullopt;
  size_t pos = 19;
  long long micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (digits < 6) micros = micros * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 6; ++i) micros *= 10;
  }
  if (pos >= s.size()) return std::nullopt;
  int offset_minutes = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!parse_digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !parse_digits(s, pos + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset_minutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
  auto ymd =
      date::year{y} / date::month{static_cast<unsigned>(mo)} / date::day{static_cast<unsigned>(d)};
  if (!ymd.ok()) return std::nullopt;
  auto local = date::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
               std::chrono::seconds{sec} + std::chrono::microseconds{micros};
  return Instant{local - std::chrono::minutes{offset_minutes}};
}

std::string civil_text(Instant t, char between, bool micros) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const date::year_month_day ymd{day};
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {  // never an event's; date::format knows how to write it
    const std::string pattern = std::string("%Y-%m-%d") + between + "%H:%M:%S";
    return micros ? date::format(pattern, t) : date::format(pattern, floor<seconds>(t));
  }
  // date::format builds a stream and imbues a locale on every call: 4.6 % of a sign-up's CPU
  // (perf, bench/RESULTS.md), for text whose every digit is known.
  long long us = (t - day).count();
  const long long seconds_of_day = us / 1'000'000;
  us %= 1'000'000;
  char buf[27];
  auto put = [&buf](size_t at, long long value, int digits) {
    for (int i = digits - 1; i >= 0; --i, value /= 10) buf[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, year, 4);
  buf[4] = '-';
  put(5, static_cast<unsigned>(ymd.month()), 2);
  buf[7] = '-';
  put(8, static_cast<unsigned>(ymd.day()), 2);
  buf[10] = between;
  put(11, seconds_of_day / 3600, 2);
  buf[13] = ':';
  put(14, seconds_of_day / 60 % 60, 2);
  buf[16] = ':';
  put(17, seconds_of_day % 60, 2);
  if (!micros) return std::string(buf, 19);
  buf[19] = '.';
  put(20, us, 6);
  return std::string(buf, 26);
}

std::string format_in_zone(Instant t, const std::string& zone) {
  const auto* tz = date::locate_zone(zone);
  const auto secs = std::chrono::time_point_cast<std::chrono::seconds>(t);
  // RFC 3339 offsets are whole minutes, a zone's local mean time is not (Africa/Monrovia until
  // 1972: -00:44:30): the clock time is written for the offset cut to minutes, so the text
  // still names the instant.
  const auto offset = std::chrono::duration_cast<std::chrono::minutes>(tz->get_info(secs).offset);
  std::string out = civil_text(Instant(secs + offset), 'T', false);
  auto off = offset.count();
  char buf[8];
  std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", off < 0 ? '-' : '+', std::llabs(off) / 60,
                std::llabs(off) % 60);
  return out + buf;
}

std::string format_utc(Instant t) {
  return civil_text(Instant(std::chrono::time_point_cast<std::chrono::seconds>(t)), 'T', false) +
         'Z';
}

std::string format_utc_micros(Instant t) { return civil_text(t, 'T', true) + 'Z'; }

std::string local_date(Instant t, const std::string& zone) {
  auto zoned = date::make_zoned(zone, std::chrono::time_point_cast<std::chrono::seconds>(t));
  return date::format("%Y-%m-%d", zoned.get_local_time());
}

bool is_known_zone(const std::string& zone) {
  try {
    date::locate_zone(zone);
    return true;
  } catch (const std::runtime_error&) {
    return false;
  }
}

std::optional<std::chrono::seconds> parse_iso_duration(std::string_view s) {
  if (s.size() < 3 || s[0] != 'P') return std::nullopt;
  long long total = 0;
  bool in_time = false, any = false;
  size_t pos = 1;
  while (pos < s.size()) {
    if (s[pos] == 'T') {
      if (in_time) return std::nullopt;
      in_time = true;
      ++pos;
      continue;
    }
    long long n = 0;
    size_t start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      n = n * 10 + (s[pos] - '0');
      if (n > 100000000) return std::nullopt;
      ++pos;
    }
    if (pos == start || pos >= s.size()) return std::nullopt;
    char unit = s[pos++];
    long long mult;
    if (!in_time && unit == 'W')
      mult = 7 * 86400;
    else if (!in_time && unit == 'D')
      mult = 86400;
    else if (in_time && unit == 'H')
      mult = 3600;
    else if (in_time && unit == 'M')
      mult = 60;
    else if (in_time && unit == 'S')
      mult = 1;
    else
      return std::nullopt;
    total += n * mult;
    any = true;
  }
  if (!any || s.back() == 'T') return std::nullopt;
  return std::chrono::seconds{total};
}

std::string format_iso_duration(std::chrono::seconds d) {
  long long s = d.count();
  std::string out = "P";
  if (s >= 86400) out += std::to_string(s / 86400) + "D";
  s %= 86400;
  if (s > 0) {
    out += "T";
    if (s >= 3600) out += std::to_string(s / 3600) + "H";
    s %= 3600;
    if (s >= 60) out += std::to_string(s / 60) + "M";
    s %= 60;
    if (s > 0) out += std::to_string(s) + "S";
  }
  if (out == "P") out = "PT0S";
  return out;
}

}  // namespace regdesk
