// Attendance reports as organisers upload them (POST .../attendance): any bytes through
// codec::parse_attendance_report with the zone Asia/Tokyo, and the steps it exposes. The header
// promises that any byte string is safe input and that errors are values.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "codec/attendance_report.hpp"
#include "domain/text.hpp"
#include "fuzz_support.hpp"

using namespace regdesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  auto report = codec::parse_attendance_report(bytes, "Asia/Tokyo");
  if (!report) {
    static const std::set<std::string> kCodes = {"unreadable_encoding", "unknown_format", "no_rows",
                                                 "too_large"};
    FUZZ_CHECK(kCodes.count(report.error().code) == 1, report.error().code);
  } else {
    FUZZ_CHECK(!report->rows.empty(), "a report is returned with rows only");
    FUZZ_CHECK(codec::tool_name(report->tool) != "unknown", "tool");
    for (const auto& row : report->rows) {
      FUZZ_CHECK(!row.email.empty() || !row.name.empty(), "a row nobody can be matched by");
      FUZZ_CHECK(row.joined_at || row.left_at || row.duration, std::string(row.name));
      for (const std::string* s : {&row.email, &row.name}) {
        FUZZ_CHECK(text::is_valid_utf8(*s), std::string(*s));
        FUZZ_CHECK(text::trim(*s) == *s, std::string(*s));
      }
      if (row.duration) FUZZ_CHECK(row.duration->count() >= 0, std::string(row.name));
    }
  }

  // The steps on their own.
  auto text = codec::report_text_as_utf8(bytes);
  if (text) {
    FUZZ_CHECK(text::is_valid_utf8(*text), std::string(*text));
    for (char delimiter : {',', '\t'}) {
      for (const auto& record : codec::split_delimited(*text, delimiter)) {
        FUZZ_CHECK(!record.empty() && record.size() <= 512, std::to_string(record.size()));
        bool any_text = false;
        for (const auto& field : record) any_text = any_text || !field.empty();
        FUZZ_CHECK(any_text, "blank records are left out");
      }
    }
  }
  for (auto unit : {std::chrono::seconds{1}, std::chrono::seconds{60}}) {
    if (auto d = codec::parse_report_duration(bytes, unit))
      FUZZ_CHECK(d->count() >= 0, std::string(bytes));
  }
  return 0;
}
