// The cells of the attendee-list exports (src/export): neutralise_formula, csv_field, a whole
// CSV row from the writer in UTF-8 and CP932, and the CP932 encoder. Input: the text fields of
// one registration (name, reading, e-mail, organisation, department, phone, question, locale)
// separated by 0x1F. The UTF-8 CSV is read back with the project's RFC 4180 reader
// (codec::split_delimited) and must give the neutralised cells; the CP932 bytes must be valid
// Windows-31J that reads back to the same number of columns.

#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codec/attendance_report.hpp"
#include "export/cp932.hpp"
#include "export/registration_export.hpp"
#include "fuzz_support.hpp"

using namespace regdesk;

namespace {

// 17 fixed columns, then one per question: the harness's event asks one, a free-text "note",
// whose answer is the fuzzed question field too.
constexpr size_t kColumns = 18;

const Event& event() {
  static const Event e = [] {
    Event x;
    x.timezone = "Asia/Tokyo";
    x.questions = {{"note", QuestionType::kText, {"備考", "Note"}, {}, {}, false, 0}};
    return x;
  }();
  return e;
}

// Visible ASCII, space, tab and line breaks: what CP932 holds unchanged (IBM's table swaps some
// other C0 controls, which validated text never holds).
bool is_plain_ascii(std::string_view s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c >= 0x7F) return false;
  return true;
}

// Windows-31J -> UTF-8, stopping at the first byte sequence that is not CP932.
std::optional<std::string> from_cp932(std::string_view bytes) {
  UErrorCode status = U_ZERO_ERROR;
  UConverter* conv = ucnv_open("windows-31j", &status);
  ucnv_setToUCallBack(conv, UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  std::vector<UChar> units(bytes.size() + 1);
  int32_t n = ucnv_toUChars(conv, units.data(), static_cast<int32_t>(units.size()), bytes.data(),
                            static_cast<int32_t>(bytes.size()), &status);
  ucnv_close(conv);
  if (U_FAILURE(status)) return std::nullopt;
  std::string out;
  icu::UnicodeString(false, units.data(), n).toUTF8String(out);
  return out;
}

void check_cell(const std::string& cell) {
  const std::string safe = exporting::neutralise_formula(cell);
  const bool risky =
      !cell.empty() && std::string_view("=+-@\t\r").find(cell[0]) != std::string::npos;
  FUZZ_CHECK(safe == (risky ? "'" + cell : cell), std::string(safe));

  const std::string field = exporting::csv_field(safe);
  auto records = codec::split_delimited(field, ',');
  if (safe.empty()) {
    FUZZ_CHECK(records.empty(), std::string(field));
  } else {
    FUZZ_CHECK(records.size() == 1 && records[0].size() == 1 && records[0][0] == safe,
               std::string(safe) + "   written as " + std::string(field));
  }
}

store::RegistrationRow row_of(const std::vector<std::string>& f) {
  store::RegistrationRow r;
  r.number = 42;
  r.status = "confirmed";
  r.registered_at = Instant{std::chrono::seconds{1705244400}};
  r.name = f[0];
  r.name_kana = f[1];
  r.email = f[2];
  r.organization = f[3];
  r.department = f[4];
  r.phone = f[5];
  r.question = f[6];
  r.locale = f[7];
  r.category = Category::kAcademia;
  r.answers = nlohmann::json{{"note", f[6]}}.dump(-1, ' ', false,
                                                  nlohmann::json::error_handler_t::replace);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string> fields = fuzz::split(in, '\x1f', 8);
  for (const auto& f : fields) check_cell(f);
  const store::RegistrationRow row = row_of(fields);

  {  // UTF-8 with BOM: header, row, each CRLF; read back cell by cell.
    std::ostringstream out;
    auto writer = exporting::make_writer(exporting::Format::kCsv, exporting::Encoding::kUtf8,
                                         event(), &out, "");
    writer->row(row);
    writer->finish();
    const std::string csv = out.str();
    FUZZ_CHECK(csv.starts_with("\xEF\xBB\xBF") && csv.ends_with("\r\n"), std::string(csv));
    auto records = codec::split_delimited(std::string_view(csv).substr(3), ',');
    FUZZ_CHECK(
        records.size() == 2 && records[0].size() == kColumns && records[1].size() == kColumns,
        std::string(csv));
    const std::vector<std::pair<size_t, const std::string*>> text_columns = {
        {3, &row.name},       {4, &row.name_kana}, {5, &row.email},     {6, &row.organization},
        {7, &row.department}, {9, &row.phone},     {10, &row.question}, {11, &row.locale}};
    for (const auto& [column, value] : text_columns)
      FUZZ_CHECK(records[1][column] == exporting::neutralise_formula(*value),
                 "column " + std::to_string(column) + ": " + std::string(records[1][column]));
    // The question's column holds the answer as stored (invalid UTF-8 was replaced on the way).
    const std::string stored = nlohmann::json::parse(row.answers)["note"].get<std::string>();
    FUZZ_CHECK(records[1][kColumns - 1] == exporting::neutralise_formula(stored),
               "the question's column: " + std::string(records[1][kColumns - 1]));
  }

  {  // CP932: valid Windows-31J throughout, the same columns; ASCII comes back unchanged.
    std::ostringstream out;
    auto writer = exporting::make_writer(exporting::Format::kCsv, exporting::Encoding::kCp932,
                                         event(), &out, "");
    writer->row(row);
    writer->finish();
    const std::string bytes = out.str();
    auto text = from_cp932(bytes);
    FUZZ_CHECK(text.has_value(), std::string(bytes));
    auto records = codec::split_delimited(*text, ',');
    FUZZ_CHECK(records.size() == 2 && records[1].size() == kColumns, std::string(*text));
    if (is_plain_ascii(row.name))
      FUZZ_CHECK(records[1][3] == exporting::neutralise_formula(row.name),
                 std::string(records[1][3]));
  }

  exporting::Cp932Encoder encoder;
  for (const auto& f : fields) {
    const size_t before = encoder.replaced();
    const std::string bytes = encoder.encode(f);
    FUZZ_CHECK(from_cp932(bytes).has_value(), std::string(bytes));
    if (is_plain_ascii(f))
      FUZZ_CHECK(bytes == f && encoder.replaced() == before, std::string(bytes));
  }
  return 0;
}
