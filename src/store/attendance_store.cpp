#include "store/attendance_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <openssl/sha.h>

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "domain/attendance.hpp"
#include "domain/signup.hpp"
#include "domain/text.hpp"
#include "store/connection_pool.hpp"
#include "store/sql_text.hpp"
#include "store/sql_time.hpp"

namespace regdesk::store {

namespace q {
// Active registrations hold their key in email_key; a cancelled one is matched by its address
// (a person who cancelled and came anyway still attended). Active ones win (ORDER BY).
constexpr const char* kMatch =
    "SELECT id, COALESCE(email_key, LOWER(email)) FROM registrations"
    " WHERE event_id = ? AND COALESCE(email_key, LOWER(email)) IN ";
constexpr const char* kMatchOrder = " ORDER BY email_key IS NULL DESC, id";
constexpr const char* kInsertSession =
    "INSERT IGNORE INTO attendance_sessions (registration_id, session_key, joined_at, left_at,"
    " duration_seconds) VALUES (?, ?, ?, ?, ?)";
constexpr const char* kSessionsOf =
    "SELECT joined_at, left_at, duration_seconds FROM attendance_sessions"
    " WHERE registration_id = ?";
constexpr const char* kSetAttendance =
    "UPDATE registrations SET minutes_attended = ?, attended_from = ?, attended_until = ?"
    " WHERE id = ?";
constexpr const char* kRecordImport =
    "INSERT INTO attendance_imports (event_id, tool, content_sha256, row_count, matched,"
    " unmatched, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kSummary =
    "SELECT COUNT(*), MAX(imported_at) FROM attendance_imports WHERE event_id = ?";
constexpr const char* kLastUnmatched =
    "SELECT unmatched FROM attendance_imports WHERE event_id = ? ORDER BY id DESC LIMIT 1";
}  // namespace q

namespace {

std::string session_key(const ReportedSession& s) {
  std::string text = (s.joined_at ? to_sql_time(*s.joined_at) : "") + "|" +
                     (s.left_at ? to_sql_time(*s.left_at) : "") + "|" +
                     std::to_string(s.duration.count());
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

void set_optional_time(sql::PreparedStatement& st, int index, const std::optional<Instant>& t) {
  if (t)
    st.setString(index, to_sql_time(*t));
  else
    st.setNull(index, sql::DataType::TIMESTAMP);
}

// registration id by matching key, for the keys the report names.
std::map<std::string, long long> match(sql::Connection& c, long long event_id,
                                       const std::set<std::string>& keys) {
  std::map<std::string, long long> out;
  std::vector<std::string> all(keys.begin(), keys.end());
  constexpr size_t kChunk = 500;
  for (size_t start = 0; start < all.size(); start += kChunk) {
    size_t n = std::min(kChunk, all.size() - start);
    std::unique_ptr<sql::PreparedStatement> st(
        c.prepareStatement(std::string(q::kMatch) + "(" + placeholders(n) + ")" + q::kMatchOrder));
    st->setInt64(1, event_id);
    for (size_t i = 0; i < n; ++i) st->setString(static_cast<int>(i) + 2, all[start + i]);
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    // Cancelled rows come first, so an active registration with the same address overwrites.
    while (rs->next()) out[rs->getString(2)] = rs->getInt64(1);
  }
  return out;
}

void recompute(sql::Connection& c, long long registration_id) {
  std::vector<AttendanceSpan> spans;
  std::optional<Instant> from, until;
  {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kSessionsOf));
    st->setInt64(1, registration_id);
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    while (rs->next()) {
      AttendanceSpan span;
      span.from = optional_sql_time(*rs, 1);
      span.until = optional_sql_time(*rs, 2);
      span.duration = std::chrono::seconds(rs->getInt(3));
      if (span.from && (!from || *span.from < *from)) from = span.from;
      if (span.until && (!until || *span.until > *until)) until = span.until;
      spans.push_back(span);
    }
  }
  std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kSetAttendance));
  st->setInt(1, minutes_attended(std::move(spans)));
  set_optional_time(*st, 2, from);
  set_optional_time(*st, 3, until);
  st->setInt64(4, registration_id);
  st->executeUpdate();
}

}  // namespace

std::vector<ReportedSession> reported_sessions(const codec::AttendanceReport& report) {
  std::vector<ReportedSession> sessions;
  sessions.reserve(report.rows.size());
  for (const auto& row : report.rows) {
    ReportedSession s;
    s.email = text::trim(row.email);
    if (!s.email.empty()) s.email_key = text::ascii_lower(normalize_email(s.email));
    s.name = row.name;
    s.joined_at = row.joined_at;
    s.left_at = row.left_at;
    s.duration = row.duration.value_or(std::chrono::seconds(0));
    if (s.duration.count() == 0 && s.joined_at && s.left_at && *s.left_at > *s.joined_at)
      s.duration = std::chrono::duration_cast<std::chrono::seconds>(*s.left_at - *s.joined_at);
    sessions.push_back(std::move(s));
  }
  return sessions;
}

AttendanceImport AttendanceStore::import(long long event_id, const std::string& tool,
                                         const std::string& content_sha256,
                                         const std::vector<ReportedSession>& sessions, Instant now,
                                         const AuditEntry& audit) {
  return in_transaction(pool_, [&](sql::Connection& c) {
    AttendanceImport result;
    result.rows = static_cast<int>(sessions.size());
    std::set<std::string> keys;
    for (const auto& s : sessions)
      if (!s.email_key.empty()) keys.insert(s.email_key);
    auto registration_of = match(c, event_id, keys);

    std::set<long long> touched;
    std::set<std::string> unmatched_seen;
    std::unique_ptr<sql::PreparedStatement> insert(c.prepareStatement(q::kInsertSession));
    for (const auto& s : sessions) {
      auto it = s.email_key.empty() ? registration_of.end() : registration_of.find(s.email_key);
      if (it == registration_of.end()) {
        std::string who = s.email_key.empty() ? "name:" + s.name : s.email_key;
        if (unmatched_seen.insert(who).second) result.unmatched.push_back({s.email, s.name});
        continue;
      }
      ++result.matched;
      touched.insert(it->second);
      insert->setInt64(1, it->second);
      std::string key = session_key(s);
      insert->setString(2, key);
      set_optional_time(*insert, 3, s.joined_at);
      set_optional_time(*insert, 4, s.left_at);
      insert->setInt(5, static_cast<int>(s.duration.count()));
      result.new_sessions += insert->executeUpdate();
    }
    for (long long id : touched) recompute(c, id);
    result.registrations = static_cast<int>(touched.size());

    nlohmann::json unmatched = nlohmann::json::array();
    for (const auto& u : result.unmatched)
      unmatched.push_back({{"email", u.email}, {"name", u.name}});
    std::unique_ptr<sql::PreparedStatement> record(c.prepareStatement(q::kRecordImport));
    record->setInt64(1, event_id);
    record->setString(2, tool);
    record->setString(3, content_sha256);
    record->setInt(4, result.rows);
    record->setInt(5, result.matched);
    record->setString(6, unmatched.dump());
    record->setString(7, to_sql_time(now));
    record->executeUpdate();

    AuditEntry entry = audit;
    entry.detail_json = nlohmann::json{{"tool", tool},
                                       {"sha256", content_sha256},
                                       {"rows", result.rows},
                                       {"matched", result.matched},
                                       {"new_sessions", result.new_sessions},
                                       {"unmatched", result.unmatched.size()}}
                            .dump();
    append_audit(c, entry);
    return result;
  });
}

AttendanceSummary AttendanceStore::summary(long long event_id) {
  return with_connection(pool_, [&](sql::Connection& c) {
    AttendanceSummary s;
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kSummary));
    st->setInt64(1, event_id);
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    if (rs->next()) {
      s.imports = rs->getInt(1);
      if (!rs->isNull(2)) s.last_import_at = from_sql_time(rs->getString(2));
    }
    std::unique_ptr<sql::PreparedStatement> last(c.prepareStatement(q::kLastUnmatched));
    last->setInt64(1, event_id);
    std::unique_ptr<sql::ResultSet> lr(last->executeQuery());
    if (lr->next()) {
      auto list = nlohmann::json::parse(std::string(lr->getString(1)), nullptr, false);
      if (list.is_array())
        for (const auto& u : list)
          s.last_unmatched.push_back({u.value("email", ""), u.value("name", "")});
    }
    return s;
  });
}

}  // namespace regdesk::store
