#include "export/registration_export.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <array>
#include <functional>
#include <optional>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "codec/answers.hpp"
#include "domain/attendance.hpp"
#include "domain/time.hpp"
#include "export/cp932.hpp"

namespace regdesk::exporting {

namespace {

bool attended(const store::RegistrationRow& r) {
  return counts_as_attended(r.minutes_attended, r.join_count);
}

std::string local_time(Instant t, const std::string& zone) {
  std::string s = format_in_zone(t, zone);  // 2024-01-15T10:00:01+09:00 -> 2024-01-15 10:00:01
  return s.substr(0, 10) + " " + s.substr(11, 8);
}

const char* status_label(const std::string& s) {
  if (s == "confirmed") return "確定";
  if (s == "waitlisted") return "キャンセル待ち";
  if (s == "pending") return "承認待ち";
  if (s == "declined") return "不承認";
  if (s == "cancelled") return "キャンセル";
  return "";
}

// The earliest evidence of joining: the join button, or the first session in a report.
std::optional<Instant> first_join(const store::RegistrationRow& r) {
  if (r.first_joined_at && r.attended_from) return std::min(*r.first_joined_at, *r.attended_from);
  return r.first_joined_at ? r.first_joined_at : r.attended_from;
}

struct Column {
  std::string header;
  double width;  // in characters, for .xlsx
  std::function<std::string(const store::RegistrationRow&, const std::string& zone)> value;
};

// A row's answers parsed once, whichever question's column asks first.
class AnswersOfRow {
 public:
  const nlohmann::json& of(const store::RegistrationRow& r) {
    if (public_id_ != r.public_id) {  // nullopt before the first row
      public_id_ = r.public_id;
      parsed_ =
          r.answers.empty() ? nlohmann::json() : nlohmann::json::parse(r.answers, nullptr, false);
    }
    return parsed_;
  }

 private:
  std::optional<std::string> public_id_;
  nlohmann::json parsed_;
};

const std::vector<Column>& fixed_columns() {
  using R = store::RegistrationRow;
  static const std::vector<Column> kColumns = {
      {"受付番号", 9, [](const R& r, auto&) { return std::to_string(r.number); }},
      {"状態", 14, [](const R& r, auto&) { return std::string(status_label(r.status)); }},
      {"登録日時", 20, [](const R& r, auto& z) { return local_time(r.registered_at, z); }},
      {"氏名", 18, [](const R& r, auto&) { return r.name; }},
      {"ふりがな", 18, [](const R& r, auto&) { return r.name_kana; }},
      {"メールアドレス", 30, [](const R& r, auto&) { return r.email; }},
      {"所属", 28, [](const R& r, auto&) { return r.organization; }},
      {"部署", 22, [](const R& r, auto&) { return r.department; }},
      {"所属区分", 14,
       [](const R& r, auto&) {
         return r.category ? std::string(japanese_label(*r.category)) : "";
       }},
      {"電話番号", 16, [](const R& r, auto&) { return r.phone; }},
      {"質問・要望", 40, [](const R& r, auto&) { return r.question; }},
      {"言語", 6, [](const R& r, auto&) { return r.locale; }},
      {"キャンセル日時", 20,
       [](const R& r, auto& z) { return r.cancelled_at ? local_time(*r.cancelled_at, z) : ""; }},
      {"出席", 6, [](const R& r, auto&) { return std::string(attended(r) ? "出席" : ""); }},
      {"参加時間（分）", 10,
       [](const R& r, auto&) {
         return r.minutes_attended ? std::to_string(*r.minutes_attended) : "";
       }},
      {"初回参加日時", 20,
       [](const R& r, auto& z) {
         auto t = first_join(r);
         return t ? local_time(*t, z) : "";
       }},
      {"最終退出日時", 20,
       [](const R& r, auto& z) {
         return r.attended_until ? local_time(*r.attended_until, z) : "";
       }},
  };
  return kColumns;
}

// The fixed columns, the invitation each used (events by invitation), then one per question
// headed by its label (exports are in Japanese, the organiser's language; an English-only label
// is used as it is).
std::vector<Column> columns(const Event& event) {
  const std::vector<Question>& questions = event.questions;
  std::vector<Column> out = fixed_columns();
  if (event.invitation_required) {
    out.push_back({"招待（所属）", 24, [](const store::RegistrationRow& r, auto&) {
                     return r.invitation_organization; }});
    out.push_back({"招待コード", 14, [](const store::RegistrationRow& r, auto&) {
                     return r.invitation_code; }});
  }
  auto answers = std::make_shared<AnswersOfRow>();
  for (const Question& q : questions) {
    double width = q.type == QuestionType::kTextarea   ? 40
                   : q.type == QuestionType::kCheckbox ? 8
                                                       : 24;
    out.push_back({q.label.in("ja"), width, [q, answers](const store::RegistrationRow& r, auto&) {
                     return codec::answer_text(q, answers->of(r), "ja");
                   }});
  }
  return out;
}

class CsvWriter final : public ExportWriter {
 public:
  CsvWriter(std::ostream& out, Encoding enc, std::string zone, std::vector<Column> columns)
      : out_(out), enc_(enc), zone_(std::move(zone)), columns_(std::move(columns)) {
    if (enc_ == Encoding::kUtf8) out_ << "\xEF\xBB\xBF";  // the BOM Excel needs to read UTF-8
    std::string line;
    for (const auto& c : columns_) line += (line.empty() ? "" : ",") + csv_field(c.header);
    write_line(line);
  }
  void row(const store::RegistrationRow& r) override {
    std::string line;
    bool first = true;
    for (const auto& c : columns_) {
      if (!first) line += ',';
      first = false;
      line += csv_field(neutralise_formula(c.value(r, zone_)));
    }
    write_line(line);
  }
  void finish() override { out_.flush(); }
  size_t replaced_characters() const override { return cp932_ ? cp932_->replaced() : 0; }

 private:
  void write_line(const std::string& utf8) {
    if (enc_ == Encoding::kCp932) {
      if (!cp932_) cp932_ = std::make_unique<Cp932Encoder>();
      out_ << cp932_->encode(utf8);
    } else {
      out_ << utf8;
    }
    out_ << "\r\n";
  }
  std::ostream& out_;
  Encoding enc_;
  std::string zone_;
  std::vector<Column> columns_;
  std::unique_ptr<Cp932Encoder> cp932_;
};

class JsonWriter final : public ExportWriter {
 public:
  JsonWriter(std::ostream& out, std::string zone) : out_(out), zone_(std::move(zone)) {
    out_ << "{\"registrations\":[";
  }
  void row(const store::RegistrationRow& r) override {
    nlohmann::json j = row_json(r, zone_);
    out_ << (first_ ? "" : ",") << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    first_ = false;
  }
  void finish() override {
    out_ << "]}";
    out_.flush();
  }

 private:
  std::ostream& out_;
  std::string zone_;
  bool first_ = true;
};

class XlsxWriter final : public ExportWriter {
 public:
  XlsxWriter(const std::string& path, std::string zone, std::vector<Column> columns,
             size_t rows_per_sheet)
      : zone_(std::move(zone)), columns_(std::move(columns)),
        rows_per_sheet_(std::clamp<size_t>(rows_per_sheet, 1, kXlsxRowsPerSheet)) {
    lxw_workbook_options options = {};
    options.constant_memory = LXW_TRUE;  // rows go to disk as they are written
    options.tmpdir = nullptr;
    workbook_ = workbook_new_opt(path.c_str(), &options);
    if (!workbook_) throw std::runtime_error("cannot create the .xlsx file");
    bold_ = workbook_add_format(workbook_);
    format_set_bold(bold_);
    text_ = workbook_add_format(workbook_);
    format_set_num_format(text_, "@");  // text cells: Excel never reinterprets them
    start_sheet();
  }
  ~XlsxWriter() override {
    if (workbook_) workbook_close(workbook_);
  }
  void row(const store::RegistrationRow& r) override {
    if (row_ == rows_per_sheet_) start_sheet();  // a full sheet: on to the next, never a row lost
    ++row_;
    const auto& cols = columns_;
    for (size_t i = 0; i < cols.size(); ++i) {
      std::string v = neutralise_formula(cols[i].value(r, zone_));
      // Every cell a string, never a formula or a number Excel would reformat.
      if (!v.empty() && worksheet_write_string(sheet_, static_cast<lxw_row_t>(row_),
                                               static_cast<lxw_col_t>(i), v.c_str(),
                                               text_) != LXW_NO_ERROR)
        throw std::runtime_error("writing an .xlsx cell failed");
    }
  }
  void finish() override {
    lxw_error err = workbook_close(workbook_);
    workbook_ = nullptr;
    if (err != LXW_NO_ERROR)
      throw std::runtime_error(std::string("writing .xlsx failed: ") + lxw_strerror(err));
  }

 private:
  // A sheet with the header row, frozen and filtered: "参加者", then "参加者 (2)", ...
  void start_sheet() {
    ++sheets_;
    std::string name = sheets_ == 1 ? "参加者" : "参加者 (" + std::to_string(sheets_) + ")";
    sheet_ = workbook_add_worksheet(workbook_, name.c_str());
    if (!sheet_) throw std::runtime_error("cannot add an .xlsx sheet");
    const auto& cols = columns_;
    for (size_t i = 0; i < cols.size(); ++i) {
      worksheet_set_column(sheet_, static_cast<lxw_col_t>(i), static_cast<lxw_col_t>(i),
                           cols[i].width, nullptr);
      worksheet_write_string(sheet_, 0, static_cast<lxw_col_t>(i), cols[i].header.c_str(), bold_);
    }
    worksheet_freeze_panes(sheet_, 1, 0);
    worksheet_autofilter(sheet_, 0, 0, 0, static_cast<lxw_col_t>(cols.size() - 1));
    row_ = 0;
  }

  std::string zone_;
  std::vector<Column> columns_;
  size_t rows_per_sheet_;
  lxw_workbook* workbook_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  lxw_format* bold_ = nullptr;
  lxw_format* text_ = nullptr;
  size_t row_ = 0;  // data rows on this sheet
  int sheets_ = 0;
};

}  // namespace

nlohmann::json row_json(const store::RegistrationRow& r, const std::string& zone) {
  nlohmann::json j = {
      {"id", r.public_id},
      {"number", r.number},
      {"status", r.status},
      {"email", r.email},
      {"name", r.name},
      {"name_kana", r.name_kana},
      {"organization", r.organization},
      {"department", r.department},
      {"category", r.category ? nlohmann::json(to_string(*r.category)) : nlohmann::json()},
      {"phone", r.phone},
      {"question", r.question},
      {"locale", r.locale},
      {"registered_at", format_in_zone(r.registered_at, zone)},
      {"cancelled_at", r.cancelled_at ? nlohmann::json(format_in_zone(*r.cancelled_at, zone))
                                      : nlohmann::json()},
      {"attended", attended(r)},
      {"minutes_attended",
       r.minutes_attended ? nlohmann::json(*r.minutes_attended) : nlohmann::json()},
      {"first_joined_at",
       first_join(r) ? nlohmann::json(format_in_zone(*first_join(r), zone)) : nlohmann::json()},
      {"last_left_at", r.attended_until ? nlohmann::json(format_in_zone(*r.attended_until, zone))
                                        : nlohmann::json()},
      {"join_count", r.join_count},
      {"unsubscribed", r.unsubscribed}};
  nlohmann::json answers =
      r.answers.empty() ? nlohmann::json() : nlohmann::json::parse(r.answers, nullptr, false);
  j["answers"] = answers.is_object() ? answers : nlohmann::json::object();
  if (!r.invitation_code.empty())
    j["invitation"] = {{"code", r.invitation_code}, {"organization", r.invitation_organization}};
  return j;
}

std::string neutralise_formula(const std::string& cell) {
  if (!cell.empty() && std::string_view("=+-@\t\r").find(cell[0]) != std::string_view::npos)
    return "'" + cell;
  return cell;
}

std::string csv_field(const std::string& cell) {
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

const char* content_type(Format f, Encoding e) {
  switch (f) {
    case Format::kCsv:
      return e == Encoding::kCp932 ? "text/csv; charset=Shift_JIS" : "text/csv; charset=utf-8";
    case Format::kXlsx:
      return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    case Format::kJson:
      return "application/json; charset=utf-8";
  }
  return "application/octet-stream";
}

const char* file_extension(Format f) {
  return f == Format::kCsv ? "csv" : f == Format::kXlsx ? "xlsx" : "json";
}

std::unique_ptr<ExportWriter> make_writer(Format format, Encoding encoding, const Event& event,
                                          std::ostream* out, const std::string& xlsx_path,
                                          size_t xlsx_rows_per_sheet) {
  const std::string& zone = event.timezone;
  switch (format) {
    case Format::kCsv:
      return std::make_unique<CsvWriter>(*out, encoding, zone, columns(event));
    case Format::kJson:
      return std::make_unique<JsonWriter>(*out, zone);
    case Format::kXlsx:
      return std::make_unique<XlsxWriter>(xlsx_path, zone, columns(event), xlsx_rows_per_sheet);
  }
  return nullptr;
}

}  // namespace regdesk::exporting
