// Attendance reports from Zoom, Webex and Teams (tests/attendance/ samples and small inline
// reports), the minutes attended computed from their sessions.

#include "codec/attendance_report.hpp"

#include <date/date.h>
#include <gtest/gtest.h>

#include <chrono>
#include <climits>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/attendance.hpp"

namespace regdesk::codec {
namespace {

using namespace std::chrono_literals;
using std::chrono::seconds;

constexpr const char* kTokyo = "Asia/Tokyo";

std::string sample(const std::string& name) {
  std::ifstream in(std::string(REGDESK_ATTENDANCE_SAMPLES) + "/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("missing sample " + name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// 2026-12-01 hh:mm:ss UTC, built without the parser under test.
Instant utc(int h, int mi, int s = 0) {
  return Instant{date::sys_days{date::year{2026} / 12 / 1} + std::chrono::hours{h} +
                 std::chrono::minutes{mi} + std::chrono::seconds{s}};
}

std::string iso(std::optional<Instant> t) {
  if (!t) return "(none)";
  return date::format("%FT%TZ", std::chrono::time_point_cast<seconds>(*t));
}

long long secs(std::optional<seconds> d) {
  return d ? d->count() : -1;
}

AttendanceReport parse_ok(std::string_view bytes, const std::string& zone = kTokyo) {
  auto report = parse_attendance_report(bytes, zone);
  if (!report) throw std::runtime_error(report.error().code + ": " + report.error().detail);
  return *report;
}

std::string error_code(std::string_view bytes, const std::string& zone = kTokyo) {
  auto report = parse_attendance_report(bytes, zone);
  return report ? "(parsed " + std::to_string(report->rows.size()) + " rows)" : report.error().code;
}

void expect_row(const AttendanceRow& row, const std::string& name, const std::string& email,
                std::optional<Instant> joined, std::optional<Instant> left,
                std::optional<seconds> duration) {
  SCOPED_TRACE(name);
  EXPECT_EQ(row.name, name);
  EXPECT_EQ(row.email, email);
  EXPECT_EQ(iso(row.joined_at), iso(joined));
  EXPECT_EQ(iso(row.left_at), iso(left));
  EXPECT_EQ(secs(row.duration), secs(duration));
}

int minutes_for(const AttendanceReport& report, const std::string& email) {
  std::vector<AttendanceSpan> spans;
  for (const AttendanceRow& r : report.rows)
    if (r.email == email) spans.push_back({r.joined_at, r.left_at, r.duration.value_or(0s)});
  return minutes_attended(spans);
}

std::string utf16le(const std::u16string& text, bool bom) {
  std::string out = bom ? "\xFF\xFE" : "";
  for (char16_t u : text) {
    out += static_cast<char>(u & 0xFF);
    out += static_cast<char>(u >> 8);
  }
  return out;
}

// The same code units, the other way round (UTF-16LE -> UTF-16BE).
std::string swap_pairs(std::string bytes) {
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) std::swap(bytes[i], bytes[i + 1]);
  return bytes;
}

// --- The samples ------------------------------------------------------------------------------

TEST(AttendanceSamples, ZoomEnglishWithSummaryBlockIsReadFromTheParticipantsTable) {
  auto report = parse_ok(sample("zoom_participants.csv"));
  EXPECT_EQ(tool_name(report.tool), "zoom");
  ASSERT_EQ(report.rows.size(), 5u);
  expect_row(report.rows[0], "DX Symposium Office (事務局)", "organizer@example.co.jp",
             utc(4, 55, 2), utc(7, 5, 40), 131min);
  expect_row(report.rows[1], "Taro Yamada (山田 太郎)", "taro.yamada@example.co.jp", utc(4, 58, 47),
             utc(5, 41, 9), 43min);
  expect_row(report.rows[2], "Sato, Hanako (佐藤 花子)", "hanako.sato@example.co.jp", utc(5, 0, 13),
             utc(7, 0, 2), 120min);
  expect_row(report.rows[3], "Taro Yamada (山田 太郎)", "taro.yamada@example.co.jp", utc(5, 44, 30),
             utc(7, 1, 15), 77min);
}

TEST(AttendanceSamples, ZoomGuestWithoutAddressIsKeptWithAnEmptyEmail) {
  auto report = parse_ok(sample("zoom_participants.csv"));
  ASSERT_EQ(report.rows.size(), 5u);
  expect_row(report.rows[4], "鈴木 一郎", "", utc(5, 10), utc(6, 30, 59), 81min);
}

TEST(AttendanceSamples, ZoomPersonWithTwoSessionsAttendsTheirSum) {
  auto report = parse_ok(sample("zoom_participants.csv"));
  // 42m22s + 76m45s, not the 43 + 77 minutes Zoom rounds up per row.
  EXPECT_EQ(minutes_for(report, "taro.yamada@example.co.jp"), 119);
}

TEST(AttendanceSamples, ZoomJapaneseUiResavedByExcelInCp932) {
  auto report = parse_ok(sample("zoom_participants_ja_cp932.csv"));
  EXPECT_EQ(report.tool, ReportTool::kZoom);
  ASSERT_EQ(report.rows.size(), 4u);
  expect_row(report.rows[0], "事務局", "organizer@example.co.jp", utc(4, 55), utc(7, 5), 131min);
  expect_row(report.rows[1], "山田 太郎", "taro.yamada@example.co.jp", utc(4, 58), utc(5, 41),
             43min);
  // 髙 only exists in CP932 (IBM extension), not in Shift_JIS.
  expect_row(report.rows[2], "髙橋 美咲（たかはし みさき）", "misaki.takahashi@example.co.jp",
             utc(5, 5), utc(6, 59), 115min);
  expect_row(report.rows[3], "山田 太郎", "taro.yamada@example.co.jp", utc(5, 44), utc(7, 1),
             77min);
}

TEST(AttendanceSamples, TeamsEnglishPrefersThePerSessionActivities) {
  auto report = parse_ok(sample("teams_attendance.csv"));
  EXPECT_EQ(tool_name(report.tool), "teams");
  ASSERT_EQ(report.rows.size(), 5u);
  expect_row(report.rows[0], "DX Symposium Office", "organizer@example.co.jp", utc(4, 55, 2),
             utc(7, 5, 40), 2h + 10min + 38s);
  expect_row(report.rows[1], "Yamada Taro", "taro.yamada@example.co.jp", utc(4, 58, 47),
             utc(5, 41, 9), 42min + 22s);
  expect_row(report.rows[2], "Yamada Taro", "taro.yamada@example.co.jp", utc(5, 44, 30),
             utc(7, 1, 15), 1h + 16min + 45s);
  expect_row(report.rows[3], "Sato Hanako", "hanako.sato@example.co.jp", utc(5, 0, 13),
             utc(7, 0, 2), 1h + 59min + 49s);
  expect_row(report.rows[4], "Kimura Sho (Guest)", "", utc(5, 15, 30), utc(6, 0), 44min + 30s);
  EXPECT_EQ(minutes_for(report, "taro.yamada@example.co.jp"), 119);
}

TEST(AttendanceSamples, TeamsJapaneseUiWithAnOverlappingSecondDevice) {
  auto report = parse_ok(sample("teams_attendance_ja.csv"));
  EXPECT_EQ(report.tool, ReportTool::kTeams);
  ASSERT_EQ(report.rows.size(), 5u);
  expect_row(report.rows[0], "事務局", "organizer@example.co.jp", utc(4, 55, 2), utc(7, 5, 40),
             2h + 10min + 38s);
  expect_row(report.rows[1], "山田 太郎", "taro.yamada@example.co.jp", utc(4, 58, 47),
             utc(5, 41, 9), 42min + 22s);
  expect_row(report.rows[2], "山田 太郎", "taro.yamada@example.co.jp", utc(5, 44, 30),
             utc(7, 1, 15), 1h + 16min + 45s);
  expect_row(report.rows[3], "佐藤 花子", "hanako.sato@example.co.jp", utc(5, 0, 13), utc(7, 0, 2),
             1h + 59min + 49s);
  expect_row(report.rows[4], "佐藤 花子", "hanako.sato@example.co.jp", utc(5, 30), utc(5, 45),
             15min);
  // The phone session lies inside the PC session: 1h 59m 49s, once.
  EXPECT_EQ(minutes_for(report, "hanako.sato@example.co.jp"), 119);
}

TEST(AttendanceSamples, WebexAttendanceReport) {
  auto report = parse_ok(sample("webex_attendees.csv"));
  EXPECT_EQ(tool_name(report.tool), "webex");
  ASSERT_EQ(report.rows.size(), 4u);
  expect_row(report.rows[0], "DX Symposium Office", "organizer@example.co.jp", utc(4, 55),
             utc(7, 5), 131min);
  expect_row(report.rows[1], "山田 太郎", "taro.yamada@example.co.jp", utc(4, 58), utc(7, 1),
             123min);
  expect_row(report.rows[2], "Ito, Kenji \"Ken\"", "kenji.ito@example.ne.jp", utc(5, 3), utc(6, 33),
             90min);
  expect_row(report.rows[3], "Ito, Kenji \"Ken\"", "kenji.ito@example.ne.jp", utc(5, 5), utc(5, 35),
             30min);
  // The phone call ran alongside the desktop app.
  EXPECT_EQ(minutes_for(report, "kenji.ito@example.ne.jp"), 90);
}

TEST(AttendanceSamples, TimesAreReadInTheGivenZone) {
  auto report = parse_ok(sample("zoom_participants.csv"), "Europe/Berlin");
  ASSERT_FALSE(report.rows.empty());
  EXPECT_EQ(iso(report.rows[0].joined_at), "2026-12-01T12:55:02Z");  // CET, UTC+1
}

// --- Encodings --------------------------------------------------------------------------------

TEST(AttendanceEncoding, Utf8WithoutBomReadsTheSame) {
  std::string bytes = sample("zoom_participants.csv");
  ASSERT_EQ(bytes.substr(0, 3), "\xEF\xBB\xBF");
  auto with_bom = parse_ok(bytes);
  auto without = parse_ok(bytes.substr(3));
  ASSERT_EQ(without.rows.size(), with_bom.rows.size());
  EXPECT_EQ(without.rows[2].name, "Sato, Hanako (佐藤 花子)");
}

TEST(AttendanceEncoding, Utf16LeWithoutBomIsRecognisedByItsNulBytes) {
  std::string bytes = sample("teams_attendance_ja.csv");
  ASSERT_EQ(bytes.substr(0, 2), "\xFF\xFE");
  auto report = parse_ok(bytes.substr(2));
  ASSERT_EQ(report.rows.size(), 5u);
  EXPECT_EQ(report.rows[3].name, "佐藤 花子");
}

TEST(AttendanceEncoding, Utf16BeWithAndWithoutBom) {
  std::string le = sample("teams_attendance.csv").substr(2);
  std::string be = swap_pairs(le);
  for (const std::string& bytes : {std::string("\xFE\xFF") + be, be}) {
    auto report = parse_ok(bytes);
    EXPECT_EQ(report.tool, ReportTool::kTeams);
    ASSERT_EQ(report.rows.size(), 5u);
    EXPECT_EQ(report.rows[4].name, "Kimura Sho (Guest)");
  }
}

TEST(AttendanceEncoding, TextIsConvertedToUtf8First) {
  auto text = report_text_as_utf8(sample("zoom_participants_ja_cp932.csv"));
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->substr(0, 20), "ミーティングID");
  EXPECT_NE(text->find("髙橋"), std::string::npos);
  auto teams = report_text_as_utf8(sample("teams_attendance.csv"));
  ASSERT_TRUE(teams.has_value());
  EXPECT_EQ(teams->substr(0, 12), "1. Summary\r\n");
}

TEST(AttendanceEncoding, InvalidUtf8AfterAUtf8BomIsUnreadable) {
  EXPECT_EQ(error_code("\xEF\xBB\xBFName (Original Name),User Email\r\n\xC3\x28,x\r\n"),
            "unreadable_encoding");
}

TEST(AttendanceEncoding, InvalidUtf16IsUnreadable) {
  std::string header = utf16le(u"Full Name\tUser Action\tTimestamp\r\n", true);
  std::string lone_high = header + std::string("\x00\xD8\x41\x00", 4);  // D800 then 'A'
  std::string lone_low = header + std::string("\x00\xDC", 2);
  std::string odd = header + "\x41";
  EXPECT_EQ(error_code(lone_high), "unreadable_encoding");
  EXPECT_EQ(error_code(lone_low), "unreadable_encoding");
  EXPECT_EQ(error_code(odd), "unreadable_encoding");
  EXPECT_EQ(error_code(swap_pairs(lone_high.substr(2)).insert(0, "\xFE\xFF")),
            "unreadable_encoding");
}

TEST(AttendanceEncoding, InvalidCp932IsUnreadable) {
  std::string good = sample("zoom_participants_ja_cp932.csv");
  // 0x80 and 0xA0 are unassigned in CP932; 0x81 0x7F is no valid pair; a lead byte at the end.
  for (std::string bad : {"\x80", "\xA0", "\x81\x7F", "\x85\x40", "\x81"}) {
    SCOPED_TRACE(testing::PrintToString(bad));
    EXPECT_EQ(error_code(good + bad), "unreadable_encoding");
  }
}

// --- Delimiters and quoting -------------------------------------------------------------------

TEST(AttendanceCsv, QuotedFieldsHoldDelimitersQuotesAndLineBreaks) {
  auto records = split_delimited(
      "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"two\r\nlines\",\"lf\nonly\",\r\n\"\",x", ',');
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0], (std::vector<std::string>{"a", "b,c", "say \"hi\""}));
  EXPECT_EQ(records[1], (std::vector<std::string>{"two\r\nlines", "lf\nonly", ""}));
  EXPECT_EQ(records[2], (std::vector<std::string>{"", "x"}));
}

TEST(AttendanceCsv, ExtraFieldsPastTheCapAreDropped) {
  auto records = split_delimited(std::string(100000, ',') + "x\ny", ',');
  ASSERT_EQ(records.size(), 1u);  // the x fell past the cap, so only "y" is left
  EXPECT_EQ(records[0], (std::vector<std::string>{"y"}));
}

TEST(AttendanceCsv, LineEndsAreCrLfLfOrCr) {
  auto records = split_delimited("a\tb\r\nc\td\ne\tf\rg\th", '\t');
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[3], (std::vector<std::string>{"g", "h"}));
}

TEST(AttendanceCsv, ExcelLeniencies) {
  // Text after a closing quote is kept; a quote inside an unquoted field is a character; an
  // unterminated quote runs to the end; no final line break still ends the record.
  auto records = split_delimited("\"a\"b,c\"d\",\"open,end", ',');
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0], (std::vector<std::string>{"ab", "c\"d\"", "open,end"}));
  EXPECT_TRUE(split_delimited("", ',').empty());
  EXPECT_TRUE(split_delimited("\r\n,,\r\n\"\"\r\n", ',').empty());  // blank lines are left out
}

TEST(AttendanceCsv, ReportWithANameSpanningTwoLinesAndCrOnlyLineEnds) {
  std::string report =
      "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\r"
      "\"Yamada\rTaro, \"\"Dr.\"\"\",taro.yamada@example.co.jp,2026/12/01 14:00:13,"
      "2026/12/01 15:00:13,60,No\r";
  auto parsed = parse_ok(report);
  ASSERT_EQ(parsed.rows.size(), 1u);
  expect_row(parsed.rows[0], "Yamada\rTaro, \"Dr.\"", "taro.yamada@example.co.jp", utc(5, 0, 13),
             utc(6, 0, 13), 60min);
}

TEST(AttendanceCsv, TabOrCommaIsDetectedPerFile) {
  std::string tabs =
      "Name (Original Name)\tUser Email\tJoin Time\tLeave Time\tDuration (Minutes)\tGuest\n"
      "\"Sato, Hanako\"\thanako.sato@example.co.jp\t12/1/2026 2:00 PM\t12/1/2026 3:00 PM\t60\t"
      "No\n";
  auto parsed = parse_ok(tabs);
  ASSERT_EQ(parsed.rows.size(), 1u);
  EXPECT_EQ(parsed.rows[0].name, "Sato, Hanako");
  // A tab inside a comma-separated file does not make it tab-separated.
  std::string commas =
      "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
      "\"Sato\tHanako\",hanako.sato@example.co.jp,12/1/2026 2:00 PM,12/1/2026 3:00 PM,60,No\n";
  auto parsed_commas = parse_ok(commas);
  ASSERT_EQ(parsed_commas.rows.size(), 1u);
  EXPECT_EQ(parsed_commas.rows[0].name, "Sato\tHanako");
}

// --- Formats ----------------------------------------------------------------------------------

TEST(AttendanceFormats, ZoomOlderTotalDurationLayoutHasDurationsOnly) {
  auto report = parse_ok(
      "Name (Original Name),User Email,Total Duration (Minutes),Guest\n"
      "山田 太郎,taro.yamada@example.co.jp,95,No\n"
      "ゲスト,,30,Yes\n");
  EXPECT_EQ(report.tool, ReportTool::kZoom);
  ASSERT_EQ(report.rows.size(), 2u);
  expect_row(report.rows[0], "山田 太郎", "taro.yamada@example.co.jp", std::nullopt, std::nullopt,
             95min);
  expect_row(report.rows[1], "ゲスト", "", std::nullopt, std::nullopt, 30min);
}

TEST(AttendanceFormats, ZoomLayoutWithTheMeetingRepeatedOnEveryRow) {
  // The host's "User Email" and the meeting's "Duration (Minutes)" come before the person's.
  auto report = parse_ok(
      "Topic,Meeting ID,User Name,User Email,Start Time,End Time,Duration (Minutes),"
      "Participants,Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),"
      "Guest\n"
      "DX,812,Office,organizer@example.co.jp,12/01/2026 01:55 PM,12/01/2026 04:05 PM,131,2,"
      "山田 太郎,taro.yamada@example.co.jp,12/01/2026 02:00 PM,12/01/2026 03:00 PM,60,No\n");
  ASSERT_EQ(report.rows.size(), 1u);
  expect_row(report.rows[0], "山田 太郎", "taro.yamada@example.co.jp", utc(5, 0), utc(6, 0), 60min);
}

TEST(AttendanceFormats, TeamsParticipantsWhenThereAreNoActivities) {
  std::u16string text =
      u"1. 要約\r\n会議のタイトル\t定例\r\n\r\n2. 参加者\r\n"
      u"名前\t初めての参加\t最終退出\t会議の長さ\tメール\t参加者 ID (UPN)\t役割\r\n"
      u"山田 太郎\t2026/12/1 14:00:13\t2026/12/1 15:00:13\t1 時間\ttaro.yamada@example.co.jp\t"
      u"taro.yamada@example.co.jp\t出席者\r\n\r\n3. 会議中のアクティビティ\r\nなし\r\n";
  auto report = parse_ok(utf16le(text, true));
  ASSERT_EQ(report.rows.size(), 1u);
  expect_row(report.rows[0], "山田 太郎", "taro.yamada@example.co.jp", utc(5, 0, 13), utc(6, 0, 13),
             1h);
}

TEST(AttendanceFormats, TeamsParticipantsTableWithoutSectionLines) {
  auto report = parse_ok(
      "Name,First Join,Last Leave,In-Meeting Duration,Email,Participant ID (UPN),Role\n"
      "Yamada Taro,\"12/1/26, 2:00:13 PM\",\"12/1/26, 3:00:13 PM\",1h,taro.yamada@example.co.jp,"
      "taro.yamada@example.co.jp,Attendee\n");
  EXPECT_EQ(report.tool, ReportTool::kTeams);
  ASSERT_EQ(report.rows.size(), 1u);
  EXPECT_EQ(iso(report.rows[0].joined_at), iso(utc(5, 0, 13)));
}

TEST(AttendanceFormats, TeamsBritishDatesAreReadDayFirst) {
  std::u16string text =
      u"1. Summary\r\nMeeting title\tWeekly\r\n\r\n2. Participants\r\n"
      u"Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole\r\n"
      u"Goliath, David\t01/12/26, 14:00:13\t01/12/26, 15:00:13\t1h\td@example.es\td@example.es\t"
      u"Presenter\r\n"
      u"Igor Landis\t13/12/26, 14:00:00\t13/12/26, 14:30:00\t30m\ti@example.net\ti@example.net\t"
      u"Presenter\r\n";
  auto report = parse_ok(utf16le(text, true));
  ASSERT_EQ(report.rows.size(), 2u);
  EXPECT_EQ(report.rows[0].name, "Goliath, David");
  EXPECT_EQ(iso(report.rows[0].joined_at), iso(utc(5, 0, 13)));  // 1 December, not 12 January
}

TEST(AttendanceFormats, TeamsLegacyJoinedAndLeftEventsArePaired) {
  std::u16string text =
      u"Full Name\tUser Action\tTimestamp\r\n"
      u"Yamada Taro\tJoined before\t12/1/2026, 1:58:47 PM\r\n"
      u"Sato Hanako\tJoined\t12/1/2026, 2:00:13 PM\r\n"
      u"Yamada Taro\tLeft\t12/1/2026, 2:41:09 PM\r\n"
      u"Yamada Taro\tJoined\t12/1/2026, 2:44:30 PM\r\n"
      u"Sato Hanako\tLeft\t12/1/2026, 4:00:02 PM\r\n"
      u"Kimura Sho\tLeft\t12/1/2026, 3:00:00 PM\r\n";
  auto report = parse_ok(utf16le(text, true));
  EXPECT_EQ(report.tool, ReportTool::kTeams);
  ASSERT_EQ(report.rows.size(), 3u);
  expect_row(report.rows[0], "Yamada Taro", "", utc(4, 58, 47), utc(5, 41, 9), std::nullopt);
  expect_row(report.rows[1], "Yamada Taro", "", utc(5, 44, 30), std::nullopt, std::nullopt);
  expect_row(report.rows[2], "Sato Hanako", "", utc(5, 0, 13), utc(7, 0, 2), std::nullopt);
}

TEST(AttendanceFormats, WebexOlderAttendeeReport) {
  auto report = parse_ok(
      "Attendee Name,Attendee Email,Join Time,Leave Time,Duration\n"
      "渡辺 健,ken.watanabe@example.jp,12/01/2026 02:00 PM,12/01/2026 03:05 PM,65 mins\n");
  EXPECT_EQ(report.tool, ReportTool::kWebex);
  ASSERT_EQ(report.rows.size(), 1u);
  expect_row(report.rows[0], "渡辺 健", "ken.watanabe@example.jp", utc(5, 0), utc(6, 5), 65min);
}

// --- Times ------------------------------------------------------------------------------------

std::string joined_at_in_zoom_row(const std::string& time) {
  auto report = parse_attendance_report(
      "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
      "山田 太郎,taro.yamada@example.co.jp,\"" +
          time + "\",,60,No\n",
      kTokyo);
  if (!report) return report.error().code;
  return iso(report->rows.at(0).joined_at);
}

TEST(AttendanceTimes, CommonLayoutsOfEachTool) {
  const std::string expected = "2026-12-01T05:00:13Z";
  for (const char* t :
       {"12/01/2026 02:00:13 PM", "12/1/2026 2:00:13 pm", "2026/12/01 14:00:13",
        "2026/12/1 14:00:13", "2026-12-01 14:00:13", "2026-12-01T14:00:13", "12/1/26, 2:00:13 PM",
        "2026/12/1 午後 2:00:13", "2026/12/1 2:00:13 午後", "2026年12月1日 14:00:13",
        " 2026/12/01 14:00:13.250 ", "2026/12/01　14:00:13"}) {
    EXPECT_EQ(joined_at_in_zoom_row(t), expected) << t;
  }
  EXPECT_EQ(joined_at_in_zoom_row("2026/12/1 14:00"), "2026-12-01T05:00:00Z");
  EXPECT_EQ(joined_at_in_zoom_row("12/1/2026 12:05 AM"), "2026-11-30T15:05:00Z");
  EXPECT_EQ(joined_at_in_zoom_row("12/1/2026 12:05 PM"), "2026-12-01T03:05:00Z");
}

TEST(AttendanceTimes, UnreadableTimesLeaveTheDurationOnly) {
  for (const char* t : {"yesterday", "2026/13/01 14:00", "2026/02/30 14:00", "12/1/2026 13:00 PM",
                        "2026/12/01 24:00", "2026/12/01", "14:00:13", "2026/12/01 14:00 +09:00",
                        "99999999999/1/1 1:00"}) {
    EXPECT_EQ(joined_at_in_zoom_row(t), "(none)") << t;
  }
}

TEST(AttendanceTimes, RowsWithNeitherTimesNorDurationAreDropped) {
  std::string report =
      "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
      "山田 太郎,taro.yamada@example.co.jp,soon,later,lots,No\n"
      "佐藤 花子,hanako.sato@example.co.jp,,,45,No\n"
      ",,2026/12/01 14:00,2026/12/01 15:00,60,Yes\n";
  auto parsed = parse_ok(report);
  ASSERT_EQ(parsed.rows.size(), 1u);
  expect_row(parsed.rows[0], "佐藤 花子", "hanako.sato@example.co.jp", std::nullopt, std::nullopt,
             45min);
}

TEST(AttendanceTimes, DaylightSavingGapsAndOverlapsDoNotThrow) {
  // 2026-03-08 02:30 does not exist in New York; 2026-11-01 01:30 exists twice.
  std::string report =
      "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
      "A,a@example.com,3/8/2026 2:30 AM,11/1/2026 1:30 AM,1,No\n";
  auto parsed = parse_ok(report, "America/New_York");
  ASSERT_EQ(parsed.rows.size(), 1u);
  EXPECT_TRUE(parsed.rows[0].joined_at.has_value());
  EXPECT_EQ(iso(parsed.rows[0].left_at), "2026-11-01T05:30:00Z");  // the earlier, EDT
}

// --- Durations --------------------------------------------------------------------------------

TEST(AttendanceDurations, EachToolsWriting) {
  EXPECT_EQ(secs(parse_report_duration("1h 2m 3s")), 3723);
  EXPECT_EQ(secs(parse_report_duration("42m 22s")), 2542);
  EXPECT_EQ(secs(parse_report_duration("45s")), 45);
  EXPECT_EQ(secs(parse_report_duration("1 時間 2 分 3 秒")), 3723);
  EXPECT_EQ(secs(parse_report_duration("15 分 0 秒")), 900);
  EXPECT_EQ(secs(parse_report_duration("1時間")), 3600);
  EXPECT_EQ(secs(parse_report_duration("45 mins")), 2700);
  EXPECT_EQ(secs(parse_report_duration("1 hr 5 mins")), 3900);
  EXPECT_EQ(secs(parse_report_duration("2 hours, 1 minute")), 7260);
  EXPECT_EQ(secs(parse_report_duration("01:02:03")), 3723);
  EXPECT_EQ(secs(parse_report_duration("02:03")), 123);
  EXPECT_EQ(secs(parse_report_duration("128")), 128 * 60);
  EXPECT_EQ(secs(parse_report_duration("12.5")), 750);
  EXPECT_EQ(secs(parse_report_duration("90", 1s)), 90);
}

TEST(AttendanceDurations, AnythingElseIsNoDuration) {
  for (const char* d : {"", " ", "abc", "-5", "5 parsecs", "1h 2", "h", "1:60:00", "1:2:3:4",
                        "12345678", "1.", "9999999 d 9999999 d 9999999 d 9999999 d"}) {
    EXPECT_FALSE(parse_report_duration(d).has_value()) << d;
  }
}

// --- What is no report ------------------------------------------------------------------------

TEST(AttendanceErrors, GarbageIsAnUnknownFormat) {
  for (const char* text : {"", "hello world", "a,b,c\n1,2,3\n", "Name,Email\nx,y\n",
                           "1. Summary\nMeeting title\tx\n", "\t\t\t\n,,,\n"}) {
    EXPECT_EQ(error_code(text), "unknown_format") << text;
  }
}

TEST(AttendanceErrors, AKnownHeaderWithoutUsableRowsHasNoRows) {
  EXPECT_EQ(error_code("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"),
            "no_rows");
  EXPECT_EQ(error_code("\xEF\xBB\xBFName (Original Name),User Email,Join Time,Leave Time,"
                       "Duration (Minutes),Guest\r\nx,y,?,?,?,No\r\n"),
            "no_rows");
}

TEST(AttendanceErrors, UnknownZoneAndOversizedInput) {
  EXPECT_EQ(error_code(sample("zoom_participants.csv"), "Mars/Olympus_Mons"), "unknown_zone");
  EXPECT_EQ(error_code(sample("zoom_participants.csv"), ""), "unknown_zone");
  EXPECT_EQ(error_code(std::string(kMaxReportBytes + 1, 'a')), "too_large");
}

// Cheap stand-in until the libFuzzer target exists: every prefix and single-byte change of the
// samples gives a value, never an exception.
TEST(AttendanceErrors, DamagedSamplesNeverThrow) {
  for (const char* name :
       {"zoom_participants.csv", "zoom_participants_ja_cp932.csv", "teams_attendance.csv",
        "teams_attendance_ja.csv", "webex_attendees.csv"}) {
    std::string bytes = sample(name);
    for (size_t cut = 0; cut < bytes.size(); cut += 13)
      EXPECT_NO_THROW(parse_attendance_report(bytes.substr(0, cut), kTokyo)) << name << cut;
    for (size_t i = 0; i < bytes.size(); i += 17) {
      std::string damaged = bytes;
      for (char c : {'\0', '"', '\n', '\xFF', '\t', ','}) {
        damaged[i] = c;
        EXPECT_NO_THROW(parse_attendance_report(damaged, kTokyo)) << name << i;
      }
    }
  }
}

}  // namespace
}  // namespace regdesk::codec

// --- Minutes attended -------------------------------------------------------------------------

namespace regdesk {
namespace {

using namespace std::chrono_literals;

// 2026-12-01 14:mm JST as UTC (05:mm Z), minute-exact.
Instant at(int minute_after_two_pm, int second = 0) {
  return Instant{date::sys_days{date::year{2026} / 12 / 1} + 5h +
                 std::chrono::minutes{minute_after_two_pm} + std::chrono::seconds{second}};
}

AttendanceSpan timed(Instant from, Instant until) {
  return {from, until, 0s};
}

TEST(AttendanceMinutes, NoSessionsIsZero) {
  EXPECT_EQ(minutes_attended({}), 0);
}

TEST(AttendanceMinutes, RoundsDownToWholeMinutes) {
  EXPECT_EQ(minutes_attended({timed(at(0), at(61, 59))}), 61);
  EXPECT_EQ(minutes_attended({timed(at(0), at(0, 59))}), 0);
}

TEST(AttendanceMinutes, OverlappingSessionsCountOnce) {
  // PC 14:00-15:00, phone 14:30-15:30: present 14:00-15:30.
  EXPECT_EQ(minutes_attended({timed(at(0), at(60)), timed(at(30), at(90))}), 90);
}

TEST(AttendanceMinutes, TheSameReportImportedTwiceCountsOnce) {
  std::vector<AttendanceSpan> once{timed(at(0), at(40)), timed(at(50), at(120))};
  std::vector<AttendanceSpan> twice = once;
  twice.insert(twice.end(), once.begin(), once.end());
  EXPECT_EQ(minutes_attended(once), 110);
  EXPECT_EQ(minutes_attended(twice), 110);
}

TEST(AttendanceMinutes, NestedSessionsCountOnce) {
  EXPECT_EQ(minutes_attended({timed(at(0), at(120)), timed(at(10), at(20)), timed(at(30), at(40))}),
            120);
}

TEST(AttendanceMinutes, ReconnectsWithGapsAddUpInAnyOrder) {
  EXPECT_EQ(minutes_attended({timed(at(60), at(90)), timed(at(0), at(30)), timed(at(30), at(45))}),
            75);
}

TEST(AttendanceMinutes, SessionsWithoutBothTimesCountTheirDuration) {
  EXPECT_EQ(minutes_attended({{std::nullopt, std::nullopt, 45min}}), 45);
  EXPECT_EQ(minutes_attended({{at(0), std::nullopt, 20min}, {std::nullopt, at(90), 10min}}), 30);
  // A leave before the join is a broken row: its duration, not a negative stay.
  EXPECT_EQ(minutes_attended({{at(60), at(0), 15min}}), 15);
  // Durations are added to the timed union (they cannot be placed in time).
  EXPECT_EQ(minutes_attended({timed(at(0), at(60)), {std::nullopt, std::nullopt, 30min + 59s}}),
            90);
  EXPECT_EQ(minutes_attended({{std::nullopt, std::nullopt, -5min}}), 0);
}

TEST(AttendanceMinutes, HugeValuesSaturateInsteadOfOverflowing) {
  std::vector<AttendanceSpan> spans{{std::nullopt, std::nullopt, std::chrono::seconds::max()},
                                    {std::nullopt, std::nullopt, std::chrono::seconds::max()},
                                    timed(Instant::min(), Instant::max())};
  EXPECT_EQ(minutes_attended(spans), INT_MAX);
}

}  // namespace
}  // namespace regdesk
