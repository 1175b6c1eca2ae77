#include "store/organiser_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <memory>

#include <nlohmann/json.hpp>

#include "codec/answers.hpp"
#include "store/attendance_store.hpp"
#include "store/connection_pool.hpp"
#include "store/sql_text.hpp"
#include "store/sql_time.hpp"
#include "store/waitlist.hpp"

namespace regdesk::store {

namespace q {
constexpr const char* kPage =
    "SELECT public_id, number, status, email, name, name_kana, organization, department,"
    " category, phone, question, locale, registered_at, cancelled_at, first_joined_at,"
    " join_count, minutes_attended, attended_from, attended_until, unsubscribed_at, answers,"
    " (SELECT i.code FROM invitations i WHERE i.id = invitation_id),"
    " (SELECT i.organization FROM invitations i WHERE i.id = invitation_id)"
    " FROM registrations WHERE event_id = ? AND number > ? ";
constexpr const char* kCount = "SELECT COUNT(*) FROM registrations WHERE event_id = ? ";
// Every figure of the dashboard's stats in one pass over the event's registrations: grouped by
// status, category, 15-minute UTC bucket (fine enough to be counted into days of any zone in
// C++) and, for confirmed people with report minutes, 15-minute band of minutes attended.
const std::string kStats =
    "SELECT status, COALESCE(category, ''), FLOOR(UNIX_TIMESTAMP(registered_at) / 900) * 900,"
    " IF(status = 'confirmed' AND minutes_attended > 0, FLOOR(minutes_attended / 15) * 15, -1),"
    " COUNT(*), SUM(first_joined_at IS NOT NULL), SUM(join_count > 0),"
    " SUM(minutes_attended IS NOT NULL AND minutes_attended > 0), SUM(" +
    std::string(kAttendedSql) +
    "), SUM(unsubscribed_at IS NOT NULL)"
    " FROM registrations WHERE event_id = ? GROUP BY 1, 2, 3, 4";
constexpr const char* kInsertAnnouncement =
    "INSERT INTO announcements (event_id, audience, subject_ja, subject_en, body_ja, body_en,"
    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kQueueAnnouncement =
    "INSERT INTO outbox (event_id, registration_public_id, kind, dedupe_key, announcement_id,"
    " due_at, created_at) SELECT event_id, public_id, 'announcement', ?, ?, ?, ?"
    " FROM registrations WHERE event_id = ? AND unsubscribed_at IS NULL AND ";
constexpr const char* kCountRecipients = "UPDATE announcements SET recipients = ? WHERE id = ?";
constexpr const char* kPurge =
    "UPDATE registrations SET email = '', email_key = NULL, name = '', name_kana = '',"
    " organization = '', department = '', phone = '', question = NULL, decline_message = NULL,"
    " confirmation_owed = 0 WHERE event_id = ?";
constexpr const char* kAnswersToPurge =
    "SELECT id, answers FROM registrations WHERE event_id = ? AND answers IS NOT NULL";
constexpr const char* kKeepAnswers = "UPDATE registrations SET answers = ? WHERE id = ?";
constexpr const char* kPurgeUnmatched = "UPDATE attendance_imports SET unmatched = '[]' WHERE event_id = ?";
constexpr const char* kPurgeMailErrors =
    "UPDATE outbox SET last_error = NULL WHERE event_id = ? AND last_error IS NOT NULL";
constexpr const char* kChangesToPurge =
    "SELECT id, detail FROM audit_log WHERE event_slug = ? AND action = 'registration_changed'";
constexpr const char* kRewriteAudit = "UPDATE audit_log SET detail = ? WHERE id = ?";
constexpr const char* kPurgeMail =
    "UPDATE outbox SET state = 'cancelled' WHERE event_id = ? AND state IN ('queued', 'sending')";
constexpr const char* kPurgeInvitees =
    "UPDATE invitations SET name = '', email = NULL, email_key = NULL WHERE event_id = ?";
constexpr const char* kMarkPurged = "UPDATE events SET purged_at = ? WHERE id = ?";
constexpr const char* kDueForPurge =
    "SELECT id, slug FROM events WHERE ends_at < ? AND purged_at IS NULL ORDER BY ends_at";
}  // namespace q

namespace {

// What the list is narrowed to, after "event_id = ?".
struct ListFilter {
  const std::vector<std::string>& statuses;
  std::string pattern;  // a LIKE pattern for the text fields; empty: no search
  int number = -1;      // the search read as a 受付番号, or -1
};

ListFilter list_filter(const std::vector<std::string>& statuses, const std::string& search) {
  ListFilter f{statuses, "", -1};
  if (search.empty()) return f;
  f.pattern = "%";
  for (char ch : search) {  // '\\' is LIKE's escape character in MariaDB
    if (ch == '%' || ch == '_' || ch == '\\') f.pattern += '\\';
    f.pattern += ch;
  }
  f.pattern += '%';
  if (search.size() <= 9 && std::all_of(search.begin(), search.end(),
                                        [](char ch) { return ch >= '0' && ch <= '9'; }))
    f.number = std::stoi(search);
  return f;
}

std::string filter_sql(const ListFilter& f) {
  std::string sql;
  if (!f.statuses.empty()) sql += "AND status IN (" + placeholders(f.statuses.size()) + ") ";
  if (!f.pattern.empty())
    sql += "AND (name LIKE ? OR name_kana LIKE ? OR email LIKE ? OR organization LIKE ?"
           " OR number = ?) ";
  return sql;
}

int bind_filter(sql::PreparedStatement& st, int p, const ListFilter& f) {
  for (const auto& s : f.statuses) st.setString(p++, s);
  if (!f.pattern.empty()) {
    for (int i = 0; i < 4; ++i) st.setString(p++, f.pattern);
    st.setInt(p++, f.number);
  }
  return p;
}

RegistrationRow read_registration(sql::ResultSet& rs) {
  RegistrationRow r;
  r.public_id = rs.getString(1);
  r.number = rs.getInt(2);
  r.status = rs.getString(3);
  r.email = rs.getString(4);
  r.name = rs.getString(5);
  r.name_kana = rs.getString(6);
  r.organization = rs.getString(7);
  r.department = rs.getString(8);
  if (!rs.isNull(9)) r.category = category_from_string(rs.getString(9));
  r.phone = rs.getString(10);
  r.question = rs.isNull(11) ? "" : std::string(rs.getString(11));
  r.locale = rs.getString(12);
  r.registered_at = from_sql_time(rs.getString(13));
  if (!rs.isNull(14)) r.cancelled_at = from_sql_time(rs.getString(14));
  r.first_joined_at = optional_sql_time(rs, 15);
  r.join_count = rs.getInt(16);
  if (!rs.isNull(17)) r.minutes_attended = rs.getInt(17);
  r.attended_from = optional_sql_time(rs, 18);
  r.attended_until = optional_sql_time(rs, 19);
  r.unsubscribed = !rs.isNull(20);
  if (!rs.isNull(21)) r.answers = rs.getString(21);
  if (!rs.isNull(22)) {
    r.invitation_code = rs.getString(22);
    r.invitation_organization = rs.getString(23);
  }
  return r;
}

// Up to `limit` rows numbered above `after`: one statement, closed before the caller sees them.
std::vector<RegistrationRow> read_page(sql::Connection& c, long long event_id,
                                       const ListFilter& f, int after, int limit) {
  std::unique_ptr<sql::PreparedStatement> st(
      c.prepareStatement(q::kPage + filter_sql(f) + "ORDER BY number LIMIT ?"));
  st->setInt64(1, event_id);
  st->setInt(2, after);
  int p = bind_filter(*st, 3, f);
  st->setInt(p, limit);
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
  std::vector<RegistrationRow> out;
  out.reserve(static_cast<size_t>(limit));
  while (rs->next()) out.push_back(read_registration(*rs));
  return out;
}

}  // namespace

void OrganiserStore::for_each_registration(long long event_id,
                                           const std::vector<std::string>& statuses,
                                           const std::function<void(const RegistrationRow&)>& row,
                                           size_t page_size) {
  ListFilter all = list_filter(statuses, "");
  int after = 0;
  for (;;) {
    // One page per round trip, so no result set stays open while the caller writes (keyset
    // paging: "number > last").
    std::vector<RegistrationRow> page = with_connection(pool_, [&](sql::Connection& c) {
      return read_page(c, event_id, all, after, static_cast<int>(page_size));
    });
    for (const auto& r : page) row(r);
    if (page.size() < page_size) return;
    after = page.back().number;
  }
}

RegistrationPage OrganiserStore::registration_page(long long event_id,
                                                   const std::vector<std::string>& statuses,
                                                   const std::string& search, int after,
                                                   int limit) {
  ListFilter f = list_filter(statuses, search);
  return with_connection(pool_, [&](sql::Connection& c) {
    RegistrationPage page;
    page.rows = read_page(c, event_id, f, after, limit + 1);
    if (static_cast<int>(page.rows.size()) > limit) {
      page.more = true;
      page.rows.pop_back();
    }
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kCount + filter_sql(f)));
    st->setInt64(1, event_id);
    bind_filter(*st, 2, f);
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    if (rs->next()) page.total = rs->getInt(1);
    return page;
  });
}

EventStats OrganiserStore::stats(long long event_id) {
  return with_connection(pool_, [&](sql::Connection& c) {
    EventStats s;
    std::map<long long, int> per_bucket;
    std::map<int, int> per_band;
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kStats));
    st->setInt64(1, event_id);
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    while (rs->next()) {
      const std::string status = rs->getString(1), category = rs->getString(2);
      const int n = rs->getInt(5);
      s.by_status[status] += n;
      if (status == "confirmed" || status == "waitlisted")
        s.by_category[category.empty() ? "unknown" : category] += n;
      per_bucket[rs->getInt64(3)] += n;
      s.joins += rs->getInt(6);
      if (status != "confirmed") continue;
      s.attendance.confirmed += n;
      s.attendance.joined_by_button += rs->getInt(7);
      s.attendance.in_reports += rs->getInt(8);
      s.attendance.attended += rs->getInt(9);
      s.attendance.unsubscribed += rs->getInt(10);
      if (int band = rs->getInt(4); band >= 0) per_band[band] += n;
    }
    for (const auto& [bucket, n] : per_bucket)
      s.signups_per_quarter_hour.emplace_back(Instant(std::chrono::seconds(bucket)), n);
    s.attendance.minutes_bands.assign(per_band.begin(), per_band.end());
    return s;
  });
}

namespace {
constexpr std::pair<Audience, const char*> kAudienceNames[] = {
    {Audience::kConfirmed, "confirmed"},
    {Audience::kWaitlisted, "waitlisted"},
    {Audience::kAll, "all"},
    {Audience::kAttended, "attended"},
    {Audience::kAbsent, "absent"}};
}  // namespace

const char* to_string(Audience a) {
  for (const auto& [value, name] : kAudienceNames)
    if (value == a) return name;
  return "confirmed";
}

std::optional<Audience> audience_from_string(const std::string& s) {
  for (const auto& [value, name] : kAudienceNames)
    if (s == name) return value;
  return std::nullopt;
}

std::map<std::string, std::map<std::string, int>> OrganiserStore::answer_counts(
    long long event_id, const std::vector<Question>& questions) {
  return with_connection(pool_, [&](sql::Connection& c) {
    std::map<std::string, std::map<std::string, int>> out;
    for (const auto& q : questions) {
      // Checked again here, not only by check_event: the id is spelled into a JSON path.
      if (!valid_question_id(q.id)) continue;
      std::string sql;
      if (q.type == QuestionType::kMulti)
        sql = "SELECT jt.v, COUNT(*) FROM registrations r, JSON_TABLE(r.answers, '$." + q.id +
              "[*]' COLUMNS (v VARCHAR(64) PATH '$')) jt";
      else if (q.type == QuestionType::kSelect || q.type == QuestionType::kCheckbox)
        sql = "SELECT JSON_UNQUOTE(JSON_EXTRACT(r.answers, '$." + q.id +
              "')) AS v, COUNT(*) FROM registrations r";
      else
        continue;
      sql +=
          " WHERE r.event_id = ? AND r.status IN ('confirmed', 'waitlisted')"
          " AND r.answers IS NOT NULL GROUP BY v";
      auto& counts = out[q.id];
      if (q.type == QuestionType::kCheckbox) counts["true"] = 0;
      for (const auto& o : q.options) counts[o.value] = 0;
      std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(sql));
      st->setInt64(1, event_id);
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
      while (rs->next())
        if (!rs->isNull(1)) counts[rs->getString(1)] += rs->getInt(2);
    }
    return out;
  });
}

std::pair<long long, int> OrganiserStore::announce(long long event_id, Audience to,
                                                   const LocalizedText& subject,
                                                   const LocalizedText& body, Instant now,
                                                   const AuditEntry& audit) {
  const char* audience = to_string(to);
  const std::string attended = kAttendedSql;  // domain/attendance.hpp's rule
  std::string statuses = to == Audience::kConfirmed    ? "status = 'confirmed'"
                         : to == Audience::kWaitlisted ? "status = 'waitlisted'"
                         : to == Audience::kAll        ? "status IN ('confirmed', 'waitlisted')"
                         : to == Audience::kAttended
                             ? std::string("status = 'confirmed' AND ") + attended
                             : std::string("status = 'confirmed' AND NOT ") + attended;
  return in_transaction(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> ins(c.prepareStatement(q::kInsertAnnouncement));
    ins->setInt64(1, event_id);
    ins->setString(2, audience);
    ins->setString(3, subject.ja);
    ins->setString(4, subject.en);
    ins->setString(5, body.ja);
    ins->setString(6, body.en);
    ins->setString(7, to_sql_time(now));
    ins->executeUpdate();
    std::unique_ptr<sql::Statement> last(c.createStatement());
    std::unique_ptr<sql::ResultSet> id_rs(last->executeQuery("SELECT LAST_INSERT_ID()"));
    id_rs->next();
    long long id = id_rs->getInt64(1);
    std::unique_ptr<sql::PreparedStatement> queue(
        c.prepareStatement(std::string(q::kQueueAnnouncement) + statuses));
    queue->setString(1, "announcement:" + std::to_string(id));
    queue->setInt64(2, id);
    queue->setString(3, to_sql_time(now));
    queue->setString(4, to_sql_time(now));
    queue->setInt64(5, event_id);
    int recipients = queue->executeUpdate();
    std::unique_ptr<sql::PreparedStatement> count(c.prepareStatement(q::kCountRecipients));
    count->setInt(1, recipients);
    count->setInt64(2, id);
    count->executeUpdate();
    AuditEntry sent = audit;
    sent.target = "announcement:" + std::to_string(id);
    sent.detail_json = "{\"recipients\":" + std::to_string(recipients) + "}";
    append_audit(c, sent);
    return std::make_pair(id, recipients);
  });
}

namespace {

// Free-text answers go; choices stay. One row at a time: a daily job, not a hot path.
void purge_answers(sql::Connection& c, long long event_id, const std::vector<Question>& questions) {
  std::vector<std::pair<long long, std::string>> rows;
  {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kAnswersToPurge));
    st->setInt64(1, event_id);
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    while (rs->next()) rows.emplace_back(rs->getInt64(1), rs->getString(2));
  }
  std::unique_ptr<sql::PreparedStatement> keep(c.prepareStatement(q::kKeepAnswers));
  for (const auto& [id, stored] : rows) {
    std::string kept = codec::answers_kept_by_purge(stored, questions);
    if (kept == stored) continue;
    if (kept.empty())
      keep->setNull(1, sql::DataType::VARCHAR);
    else
      keep->setString(1, kept);
    keep->setInt64(2, id);
    keep->executeUpdate();
  }
}

// A registration change's entry keeps which fields changed; their old and new values go.
void purge_change_values(sql::Connection& c, const std::string& slug) {
  std::vector<std::pair<long long, std::string>> entries;
  {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kChangesToPurge));
    st->setString(1, slug);
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    while (rs->next()) entries.emplace_back(rs->getInt64(1), rs->isNull(2) ? "" : std::string(rs->getString(2)));
  }
  std::unique_ptr<sql::PreparedStatement> rewrite(c.prepareStatement(q::kRewriteAudit));
  for (const auto& [id, text] : entries) {
    auto detail = nlohmann::json::parse(text, nullptr, false);
    if (!detail.is_object() || !detail.contains("changed") || !detail["changed"].is_array())
      continue;
    nlohmann::json fields = nlohmann::json::array();
    for (const auto& change : detail["changed"])
      if (change.is_object() && change.contains("field")) fields.push_back({{"field", change["field"]}});
    detail["changed"] = fields;
    detail["values_purged"] = true;
    rewrite->setString(1, detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    rewrite->setInt64(2, id);
    rewrite->executeUpdate();
  }
}

}  // namespace

int OrganiserStore::purge(long long event_id, const std::vector<Question>& questions, Instant now,
                          const AuditEntry& audit) {
  return in_transaction(pool_, [&](sql::Connection& c) {
    auto exec = [&](const char* sql, bool with_time) {
      std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(sql));
      int p = 1;
      if (with_time) st->setString(p++, to_sql_time(now));
      st->setInt64(p++, event_id);
      return st->executeUpdate();
    };
    int rows = exec(q::kPurge, false);
    exec(q::kPurgeMail, false);  // nothing may still be mailed to an address that is gone
    exec(q::kPurgeInvitees, false);
    exec(q::kPurgeUnmatched, false);
    exec(q::kPurgeMailErrors, false);
    purge_answers(c, event_id, questions);
    purge_change_values(c, audit.event_slug);
    exec(q::kMarkPurged, true);
    AuditEntry done = audit;
    done.detail_json = "{\"registrations\":" + std::to_string(rows) + "}";
    append_audit(c, done);
    return rows;
  });
}

std::vector<std::pair<long long, std::string>> OrganiserStore::events_due_for_purge(
    Instant cutoff) {
  return with_connection(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kDueForPurge));
    st->setString(1, to_sql_time(cutoff));
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    std::vector<std::pair<long long, std::string>> out;
    while (rs->next()) out.emplace_back(rs->getInt64(1), rs->getString(2));
    return out;
  });
}

}  // namespace regdesk::store
