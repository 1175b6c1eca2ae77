#pragma once
// The attendee list as organisers open it: 受付番号, status, registered at (event's zone),
// name, reading, e-mail, organisation, department, category (Japanese label), phone, question,
// language, cancelled at, attendance (attended, minutes, first join, last leave), then one
// column per question of the event (its Japanese label; option labels as values). Cells that a
// spreadsheet would run as a formula
// (= + - @, tab, CR) are neutralised with a leading apostrophe. Not thread-safe.

#include <memory>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "store/organiser_store.hpp"

namespace regdesk::exporting {

enum class Format { kCsv, kXlsx, kJson };
enum class Encoding { kUtf8, kCp932 };

// One export, fed row by row.
class ExportWriter {
 public:
  virtual ~ExportWriter() = default;
  virtual void row(const store::RegistrationRow& r) = 0;
  virtual void finish() = 0;
  // Characters CP932 could not hold (replaced by 〓); 0 for other encodings.
  virtual size_t replaced_characters() const { return 0; }
};

// Rows an xlsx sheet holds under its header: Excel's limit (1,048,576 rows in all).
inline constexpr size_t kXlsxRowsPerSheet = 1048575;

// CSV (RFC 4180, CRLF, header row; UTF-8 with BOM, or CP932) and JSON write to `out`;
// xlsx writes to `xlsx_path` (the format is a zip file), continuing on sheets "参加者 (2)",
// "参加者 (3)", ... (each with the header) past `xlsx_rows_per_sheet` rows, so no row is
// dropped. Times in the event's zone.
std::unique_ptr<ExportWriter> make_writer(Format format, Encoding encoding, const Event& event,
                                          std::ostream* out, const std::string& xlsx_path,
                                          size_t xlsx_rows_per_sheet = kXlsxRowsPerSheet);

// One registration as the JSON list shows it (times in `zone`).
nlohmann::json row_json(const store::RegistrationRow& r, const std::string& zone);

std::string neutralise_formula(const std::string& cell);
std::string csv_field(const std::string& cell);
const char* content_type(Format f, Encoding e);
const char* file_extension(Format f);

}  // namespace regdesk::exporting
