#include "codec/invitee_list.hpp"

#include <set>

#include "codec/attendance_report.hpp"
#include "domain/signup.hpp"
#include "domain/text.hpp"

namespace regdesk::codec {

namespace {

enum class Column { kEmail, kName, kOrganization, kOther };

Column column_named(const std::string& raw) {
  std::string h = text::ascii_lower(text::trim(text::nfkc(raw)));
  if (h == "email" || h == "e-mail" || h == "mail" || h == "メール" || h == "メールアドレス" ||
      h == "email address" || h == "e-mail address")
    return Column::kEmail;
  if (h == "name" || h == "氏名" || h == "名前" || h == "お名前" || h == "full name")
    return Column::kName;
  if (h == "organization" || h == "organisation" || h == "所属" || h == "会社名" ||
      h == "法人名" || h == "company")
    return Column::kOrganization;
  return Column::kOther;
}

}  // namespace

InviteeList parse_invitee_list(std::string_view bytes) {
  InviteeList out;
  auto utf8 = report_text_as_utf8(bytes);
  if (!utf8) {
    out.error = "the file is not text in UTF-8, UTF-16 or Shift_JIS (CP932)";
    return out;
  }
  const char delimiter = utf8->find('\t') != std::string::npos ? '\t' : ',';
  auto rows = split_delimited(*utf8, delimiter);
  if (rows.empty()) {
    out.error = "the file holds no addresses";
    return out;
  }
  // A header row names its columns; without one they are email, name, organization.
  std::vector<Column> columns = {Column::kEmail, Column::kName, Column::kOrganization};
  size_t first = 0;
  {
    std::vector<Column> named;
    bool has_email = false;
    for (const auto& cell : rows[0]) {
      named.push_back(column_named(cell));
      has_email |= named.back() == Column::kEmail;
    }
    if (has_email) {
      columns = named;
      first = 1;
    }
  }
  std::set<std::string> seen;
  for (size_t i = first; i < rows.size(); ++i) {
    InviteeLine person;
    person.line = static_cast<int>(i + 1);
    for (size_t k = 0; k < rows[i].size() && k < columns.size(); ++k) {
      std::string cell = text::trim(rows[i][k]);
      switch (columns[k]) {
        case Column::kEmail:
          person.email = cell;
          break;
        case Column::kName:
          person.name = text::trim(text::nfkc(cell));
          break;
        case Column::kOrganization:
          person.organization = text::trim(text::nfkc(cell));
          break;
        case Column::kOther:
          break;
      }
    }
    const std::string written = person.email;
    person.email = normalize_email(written);
    if (!is_valid_email(person.email)) {
      out.problems.push_back({person.line, written, "invalid_email"});
      continue;
    }
    if (text::length(person.name) > 100 || text::length(person.organization) > 200) {
      out.problems.push_back({person.line, written, "too_long"});
      continue;
    }
    if (!seen.insert(text::ascii_lower(person.email)).second) {
      out.problems.push_back({person.line, written, "duplicate"});
      continue;
    }
    if (out.invitees.size() == kMaxInvitees) {
      out.error = "at most 5,000 people per import";
      return out;
    }
    out.invitees.push_back(std::move(person));
  }
  return out;
}

}  // namespace regdesk::codec
