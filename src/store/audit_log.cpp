#include "store/audit_log.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "store/connection_pool.hpp"
#include "store/sql_text.hpp"
#include "store/sql_time.hpp"

namespace regdesk::store {

namespace q {
constexpr const char* kAppend =
    "INSERT INTO audit_log (at, actor, action, event_slug, target, client, detail)"
    " VALUES (?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), ?, NULLIF(?, ''))";
constexpr const char* kList =
    "SELECT id, at, actor, action, COALESCE(event_slug, ''), COALESCE(target, ''), client,"
    " COALESCE(detail, '') FROM audit_log WHERE 1 = 1 ";
}  // namespace q

void append_audit(sql::Connection& c, const AuditEntry& e) {
  std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kAppend));
  st->setString(1, to_sql_time(e.at));
  st->setString(2, e.actor);
  st->setString(3, e.action);
  st->setString(4, e.event_slug);
  st->setString(5, e.target);
  st->setString(6, e.client);
  st->setString(7, e.detail_json);
  st->executeUpdate();
}

void AuditLog::append(const AuditEntry& entry) {
  in_transaction(pool_, [&](sql::Connection& c) { append_audit(c, entry); });
}

std::vector<StoredAuditEntry> AuditLog::list(const AuditQuery& query) {
  std::string sql = q::kList;
  if (!query.event_slug.empty()) sql += "AND event_slug = ? ";
  if (query.since) sql += "AND at >= ? ";
  if (!query.only_events.empty())
    sql += "AND event_slug IN (" + placeholders(query.only_events.size()) + ") ";
  sql += "ORDER BY id LIMIT ?";
  return with_connection(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(sql));
    int p = 1;
    if (!query.event_slug.empty()) st->setString(p++, query.event_slug);
    if (query.since) st->setString(p++, to_sql_time(*query.since));
    for (const auto& s : query.only_events) st->setString(p++, s);
    st->setInt64(p++, static_cast<int64_t>(query.limit));
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    std::vector<StoredAuditEntry> out;
    while (rs->next()) {
      StoredAuditEntry s;
      s.id = rs->getInt64(1);
      s.entry.at = from_sql_time(rs->getString(2));
      s.entry.actor = rs->getString(3);
      s.entry.action = rs->getString(4);
      s.entry.event_slug = rs->getString(5);
      s.entry.target = rs->getString(6);
      s.entry.client = rs->getString(7);
      s.entry.detail_json = rs->getString(8);
      out.push_back(std::move(s));
    }
    return out;
  });
}

}  // namespace regdesk::store
