#pragma once
// Attendance reports as Zoom, Webex and Microsoft Teams export them (English and Japanese UI,
// UTF-8, UTF-16 or CP932, comma- or tab-separated) -> one row per session. Pure: no I/O, no
// clock. Any byte string is safe input: errors are values, work is linear in the input.
// Thread-safe (no shared state).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "domain/clock.hpp"

namespace regdesk::codec {

enum class ReportTool { kZoom, kWebex, kTeams };
std::string_view tool_name(ReportTool tool);  // "zoom", "webex", "teams"

// One session of one person as the report lists it.
struct AttendanceRow {
  std::string email;  // trimmed, as written; may be empty (guests without an address)
  std::string name;
  std::optional<Instant> joined_at;  // the report's local times, read in `zone`
  std::optional<Instant> left_at;
  std::optional<std::chrono::seconds> duration;  // the report's own duration column
};

struct AttendanceReport {
  ReportTool tool;
  std::vector<AttendanceRow> rows;
};

// code: "unreadable_encoding" (bytes invalid in the encoding they appear to be in),
// "unknown_format" (no header of a known report), "no_rows" (a known header but no usable row),
// "too_large" (over kMaxReportBytes), "unknown_zone" (zone is no IANA zone).
struct ReportError {
  std::string code;
  std::string detail;
};

// Far above any real report (10 000 sessions are about 2 MB); keeps the work bounded.
inline constexpr size_t kMaxReportBytes = 32 * 1024 * 1024;

// `zone` is the IANA zone the report's times are written in (the organiser's, e.g. Asia/Tokyo).
tl::expected<AttendanceReport, ReportError> parse_attendance_report(std::string_view bytes,
                                                                    const std::string& zone);

// The steps, exposed for the tests and for callers that already hold text.

// The report's bytes as UTF-8: BOM (UTF-8, UTF-16LE/BE), UTF-16 without BOM by its NUL bytes,
// plain UTF-8, else CP932 (Windows-31J, what Japanese Excel saves).
tl::expected<std::string, ReportError> report_text_as_utf8(std::string_view bytes);

// RFC 4180 records: quoted fields may hold the delimiter, doubled quotes and line breaks;
// CRLF, LF and CR end records. Lenient where Excel is (text after a closing quote is kept).
// Blank lines (no field holds text) are left out; fields past the 512th are dropped.
std::vector<std::vector<std::string>> split_delimited(std::string_view text, char delimiter);

// "1h 2m 3s", "1 時間 2 分 3 秒", "45 mins", "01:02:03"; a bare number counts in
// `bare_number_unit` (Zoom's "Duration (Minutes)" column).
std::optional<std::chrono::seconds> parse_report_duration(
    std::string_view text, std::chrono::seconds bare_number_unit = std::chrono::minutes{1});

}  // namespace regdesk::codec
