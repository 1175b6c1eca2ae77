// Instants (RFC 3339), the event's time zone, and ISO 8601 durations.

#include "domain/time.hpp"

#include <date/date.h>
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace regdesk {
namespace {

using namespace std::chrono_literals;

// An instant built without the parser under test, so the two can disagree.
Instant utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return Instant{date::sys_days{date::year{y} / date::month{mo} / date::day{d}} +
                 std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{s}};
}

// Compared as microsecond counts so a failure prints numbers, not bytes.
long long micros(Instant t) {
  return t.time_since_epoch().count();
}

// --- parse_rfc3339 -----------------------------------------------------------------------------

TEST(ParseRfc3339, ReadsPlusNineOffsetAsTheMatchingUtcInstant) {
  auto t = parse_rfc3339("2024-01-15T00:00:00+09:00");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(micros(*t), micros(utc(2024, 1, 14, 15, 0, 0)));
}

TEST(ParseRfc3339, ReadsZuluAsUtc) {
  auto t = parse_rfc3339("2024-02-28T05:00:00Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(micros(*t), micros(utc(2024, 2, 28, 5, 0, 0)));
}

TEST(ParseRfc3339, SameInstantWrittenInTokyoAndUtcIsEqual) {
  auto tokyo = parse_rfc3339("2024-02-22T00:00:00+09:00");
  auto zulu = parse_rfc3339("2024-02-21T15:00:00Z");
  ASSERT_TRUE(tokyo && zulu);
  EXPECT_EQ(micros(*tokyo), micros(*zulu));
}

TEST(ParseRfc3339, AcceptsLowerCaseTAndZ) {
  auto t = parse_rfc3339("2024-02-28t05:00:00z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(micros(*t), micros(utc(2024, 2, 28, 5)));
}

TEST(ParseRfc3339, ReadsNegativeOffset) {
  auto t = parse_rfc3339("2024-01-15T00:00:00-05:00");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(micros(*t), micros(utc(2024, 1, 15, 5, 0, 0)));
}

TEST(ParseRfc3339, ReadsHalfHourOffset) {
  auto t = parse_rfc3339("2024-01-15T05:30:00+05:30");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(micros(*t), micros(utc(2024, 1, 15, 0, 0, 0)));
}

TEST(ParseRfc3339, OffsetCanMoveTheDateBackAcrossMidnightAndYearEnd) {
  auto t = parse_rfc3339("2024-01-01T08:59:59+09:00");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(micros(*t), micros(utc(2023, 12, 31, 23, 59, 59)));
}

TEST(ParseRfc3339, ReadsFractionalSeconds) {
  auto half = parse_rfc3339("2024-01-15T00:00:00.5Z");
  ASSERT_TRUE(half.has_value());
  EXPECT_EQ(micros(*half), micros(utc(2024, 1, 15)) + 500000);

  auto full = parse_rfc3339("2024-01-15T00:00:00.123456+09:00");
  ASSERT_TRUE(full.has_value());
  EXPECT_EQ(micros(*full), micros(utc(2024, 1, 14, 15)) + 123456);
}

TEST(ParseRfc3339, TruncatesFractionsBeyondMicroseconds) {
  auto t = parse_rfc3339("2024-01-15T00:00:00.123456789Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(micros(*t), micros(utc(2024, 1, 15)) + 123456);
}

TEST(ParseRfc3339, RejectsDotWithoutFractionDigits) {
  EXPECT_FALSE(parse_rfc3339("2024-01-15T00:00:00.Z"));
}

TEST(ParseRfc3339, AcceptsLeapDayOfALeapYear) {
  auto t = parse_rfc3339("2024-02-29T12:00:00Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(micros(*t), micros(utc(2024, 2, 29, 12)));
}

TEST(ParseRfc3339, RejectsDatesThatDoNotExist) {
  for (const char* s : {"2024-02-30T00:00:00+09:00", "2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z",
                        "2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z", "2024-01-00T00:00:00Z",
                        "2024-01-32T00:00:00Z"}) {
    EXPECT_FALSE(parse_rfc3339(s)) << s;
  }
}

TEST(ParseRfc3339, RejectsTimesThatDoNotExist) {
  for (const char* s : {"2024-01-15T24:00:00Z", "2024-01-15T23:60:00Z", "2024-01-15T23:59:60Z",
                        "2024-01-15T00:00:00+24:00", "2024-01-15T00:00:00+09:60"}) {
    EXPECT_FALSE(parse_rfc3339(s)) << s;
  }
}

TEST(ParseRfc3339, RejectsMissingOffset) {
  EXPECT_FALSE(parse_rfc3339("2024-01-15T00:00:00"));
  EXPECT_FALSE(parse_rfc3339("2024-01-15T00:00:00.000"));
}

TEST(ParseRfc3339, RejectsMalformedOffsets) {
  for (const char* s :
       {"2024-01-15T00:00:00+0900", "2024-01-15T00:00:00+09", "2024-01-15T00:00:00+9:00",
        "2024-01-15T00:00:00 +09:00", "2024-01-15T00:00:00JST"}) {
    EXPECT_FALSE(parse_rfc3339(s)) << s;
  }
}

TEST(ParseRfc3339, RejectsGarbage) {
  for (const char* s :
       {"", "not a date", "2024-01-15", "2024/01/15T00:00:00Z", "2024-01-15 00:00:00Z",
        "2024-1-15T00:00:00Z", "2024-01-15T0:00:00Z", "2024-01-15T00:00:00Zjunk",
        "2024-01-15T00:00:00+09:00x", "２０２４-01-15T00:00:00Z", "abcd-ef-ghTij:kl:mnZ"}) {
    EXPECT_FALSE(parse_rfc3339(s)) << "'" << s << "'";
  }
}

TEST(CivilText, WritesWhatDateFormatWrites) {
  // Every field's carries and widths: instants spread over 1900-2200 (before and after the
  // epoch), each with a fraction, in both precisions and with both separators.
  unsigned long long x = 88172645463325252ull;  // xorshift: a fixed, reproducible spread
  const long long span_us = 300LL * 366 * 86400 * 1'000'000;
  const Instant from = utc(1900, 1, 1);
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const Instant t = from + std::chrono::microseconds(static_cast<long long>(x % span_us));
    ASSERT_EQ(civil_text(t, ' ', true), date::format("%Y-%m-%d %H:%M:%S", t));
    ASSERT_EQ(civil_text(t, 'T', false),
              date::format("%Y-%m-%dT%H:%M:%S", std::chrono::floor<std::chrono::seconds>(t)));
  }
  EXPECT_EQ(civil_text(utc(2024, 2, 29, 23, 59, 59) + 999999us, ' ', true),
            "2024-02-29 23:59:59.999999");
  EXPECT_EQ(civil_text(utc(1969, 12, 31, 23, 59, 59) + 1us, 'T', true), "1969-12-31T23:59:59.000001");
  EXPECT_EQ(civil_text(utc(2030, 3, 1), 'T', false), "2030-03-01T00:00:00");
  EXPECT_EQ(format_utc_micros(utc(2030, 3, 1) + 5us), "2030-03-01T00:00:00.000005Z");
}

// --- zones ------------------------------------------------------------------------------------

TEST(FormatInZone, ShowsTokyoLocalTimeWithItsOffset) {
  EXPECT_EQ(format_in_zone(utc(2024, 2, 28, 5, 0, 0), "Asia/Tokyo"), "2024-02-28T14:00:00+09:00");
}

TEST(FormatInZone, ShowsUtcWithZeroOffset) {
  EXPECT_EQ(format_in_zone(utc(2024, 2, 28, 5, 0, 0), "UTC"), "2024-02-28T05:00:00+00:00");
}

TEST(FormatInZone, ShowsNegativeAndHalfHourOffsets) {
  EXPECT_EQ(format_in_zone(utc(2024, 2, 28, 5, 0, 0), "America/New_York"),
            "2024-02-28T00:00:00-05:00");
  EXPECT_EQ(format_in_zone(utc(2024, 2, 28, 5, 0, 0), "Asia/Kolkata"), "2024-02-28T10:30:00+05:30");
}

TEST(FormatInZone, DropsSubSecondPrecision) {
  EXPECT_EQ(format_in_zone(utc(2024, 2, 28, 5) + 999999us, "Asia/Tokyo"),
            "2024-02-28T14:00:00+09:00");
}

TEST(FormatInZone, ThrowsOnUnknownZone) {
  EXPECT_THROW(format_in_zone(utc(2024, 2, 28), "Asia/Atlantis"), std::runtime_error);
}

TEST(FormatInZone, OutputParsesBackToTheSameInstant) {
  Instant t = utc(2024, 1, 14, 15, 30, 7);
  auto back = parse_rfc3339(format_in_zone(t, "Asia/Tokyo"));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(micros(*back), micros(t));
}

// Found by tests/fuzz/event_document_fuzz: a zone's local mean time has an offset in seconds
// (Africa/Monrovia until 1972: -00:44:30; Asia/Tokyo before 1888: +09:18:59), which RFC 3339
// cannot write; the text must still name the instant (the event document is read back).
TEST(FormatInZone, OffsetOfSecondsIsCutToMinutesAndStillNamesTheInstant) {
  const Instant t = utc(1971, 6, 1, 12, 0, 0);
  EXPECT_EQ(format_in_zone(t, "Africa/Monrovia"), "1971-06-01T11:16:00-00:44");
  for (const char* zone : {"Africa/Monrovia", "Asia/Tokyo"}) {
    for (const Instant at : {t, utc(1012, 4, 16, 5, 0, 0)}) {
      auto back = parse_rfc3339(format_in_zone(at, zone));
      ASSERT_TRUE(back.has_value()) << zone;
      EXPECT_EQ(micros(*back), micros(at)) << zone << " " << format_in_zone(at, zone);
    }
  }
}

TEST(FormatUtc, ShowsZuluForm) {
  EXPECT_EQ(format_utc(utc(2024, 2, 28, 5, 0, 0)), "2024-02-28T05:00:00Z");
}

TEST(LocalDate, TokyoIsAlreadyTheNextDayAfterFifteenHundredUtc) {
  Instant t = utc(2024, 1, 14, 15, 30, 0);
  EXPECT_EQ(local_date(t, "Asia/Tokyo"), "2024-01-15");
  EXPECT_EQ(local_date(t, "UTC"), "2024-01-14");
}

TEST(LocalDate, LastSecondBeforeTokyoMidnightIsStillThePreviousDay) {
  EXPECT_EQ(local_date(utc(2024, 1, 14, 14, 59, 59), "Asia/Tokyo"), "2024-01-14");
  EXPECT_EQ(local_date(utc(2024, 1, 14, 15, 0, 0), "Asia/Tokyo"), "2024-01-15");
}

TEST(IsKnownZone, KnowsIanaZonesAndRejectsOthers) {
  EXPECT_TRUE(is_known_zone("Asia/Tokyo"));
  EXPECT_TRUE(is_known_zone("UTC"));
  EXPECT_FALSE(is_known_zone("Asia/Atlantis"));
  EXPECT_FALSE(is_known_zone("JST+9"));
  EXPECT_FALSE(is_known_zone(""));
}

// --- ISO 8601 durations -------------------------------------------------------------------------

TEST(ParseIsoDuration, ReadsTheFormsEventsUse) {
  struct Case {
    const char* text;
    std::chrono::seconds expected;
  };
  for (const auto& c : std::vector<Case>{{"P2D", 48h},
                                         {"PT1H", 1h},
                                         {"P1DT12H", 36h},
                                         {"PT30M", 30min},
                                         {"P1W", 7 * 24h},
                                         {"PT45S", 45s},
                                         {"PT1H30M", 90min},
                                         {"P0D", 0s}}) {
    auto d = parse_iso_duration(c.text);
    ASSERT_TRUE(d.has_value()) << c.text;
    EXPECT_EQ(d->count(), c.expected.count()) << c.text;
  }
}

TEST(ParseIsoDuration, RejectsYearsAndMonths) {
  EXPECT_FALSE(parse_iso_duration("P1Y"));
  EXPECT_FALSE(parse_iso_duration("P1M"));
  EXPECT_FALSE(parse_iso_duration("P1Y2D"));
}

TEST(ParseIsoDuration, RejectsDesignatorsWithoutAmounts) {
  EXPECT_FALSE(parse_iso_duration("P"));
  EXPECT_FALSE(parse_iso_duration("PT"));
  EXPECT_FALSE(parse_iso_duration("P1DT"));
  EXPECT_FALSE(parse_iso_duration("PD"));
  EXPECT_FALSE(parse_iso_duration("PTH"));
}

TEST(ParseIsoDuration, RejectsMissingP) {
  EXPECT_FALSE(parse_iso_duration("1D"));
  EXPECT_FALSE(parse_iso_duration("T1H"));
  EXPECT_FALSE(parse_iso_duration("p1d"));
}

TEST(ParseIsoDuration, RejectsNegativesAndGarbage) {
  for (const char* s : {"-P1D", "P-1D", "PT-1H", "", "garbage", "P1.5D", "P1D ", " P1D", "P1H",
                        "PT1D", "PT1W", "PTT1H", "P1X", "P１D", "P99999999999D"}) {
    EXPECT_FALSE(parse_iso_duration(s)) << "'" << s << "'";
  }
}

TEST(FormatIsoDuration, WritesCanonicalForms) {
  EXPECT_EQ(format_iso_duration(48h), "P2D");
  EXPECT_EQ(format_iso_duration(1h), "PT1H");
  EXPECT_EQ(format_iso_duration(36h), "P1DT12H");
  EXPECT_EQ(format_iso_duration(30min), "PT30M");
  EXPECT_EQ(format_iso_duration(7 * 24h), "P7D");
  EXPECT_EQ(format_iso_duration(1h + 30min + 15s), "PT1H30M15S");
  EXPECT_EQ(format_iso_duration(0s), "PT0S");
}

TEST(FormatIsoDuration, RoundTripsThroughParse) {
  for (const char* s : {"P2D", "PT1H", "P1DT12H", "PT30M", "P1W", "PT1S", "P3DT4H5M6S", "PT0S"}) {
    auto d = parse_iso_duration(s);
    ASSERT_TRUE(d.has_value()) << s;
    auto again = parse_iso_duration(format_iso_duration(*d));
    ASSERT_TRUE(again.has_value()) << s << " -> " << format_iso_duration(*d);
    EXPECT_EQ(again->count(), d->count()) << s;
  }
}

}  // namespace
}  // namespace regdesk
