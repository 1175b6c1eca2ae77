#include "store/event_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>
#include <stdexcept>

#include "codec/event_document.hpp"
#include "domain/admission.hpp"
#include "store/connection_pool.hpp"
#include "store/random_id.hpp"
#include "store/sql_time.hpp"
#include "store/waitlist.hpp"

namespace regdesk::store {

namespace {

namespace q {
constexpr const char* kLockBySlug =
    "SELECT id, confirmed_count, waitlisted_count, document FROM events WHERE slug = ? FOR UPDATE";
constexpr const char* kInsert =
    "INSERT INTO events (slug, document, visibility, starts_at, ends_at, capacity,"
    " waitlist_enabled, waitlist_capacity, mail_schedule, approval_required, series_slug,"
    " invitation_required) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kUpdate =
    "UPDATE events SET document = ?, visibility = ?, starts_at = ?, ends_at = ?, capacity = ?,"
    " waitlist_enabled = ?, waitlist_capacity = ?, mail_schedule = ?, approval_required = ?,"
    " series_slug = ?, invitation_required = ?,"
    " updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
constexpr const char* kSelectColumns =
    "SELECT id, document, capacity, confirmed_count, waitlisted_count, waitlist_enabled,"
    " waitlist_capacity FROM events";
// A series as participants see it: drafts never, in the order its page lists the dates.
constexpr const char* kSeriesWhere =
    " WHERE series_slug = ? AND visibility IN ('public', 'unlisted') ORDER BY starts_at, slug";
}  // namespace q

SeatCounts read_counts(sql::ResultSet& rs, int first_column) {
  SeatCounts c;
  c.capacity = rs.getInt(first_column);
  c.confirmed = rs.getInt(first_column + 1);
  c.waitlisted = rs.getInt(first_column + 2);
  c.waitlist_enabled = rs.getBoolean(first_column + 3);
  c.waitlist_capacity = rs.getInt(first_column + 4);
  return c;
}

std::string document_etag(const std::string& document) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : sha256(document).substr(0, 16)) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out + "\"";
}

StoredEvent read_event(sql::ResultSet& rs) {
  StoredEvent s;
  s.id = rs.getInt64(1);
  const std::string document = rs.getString(2);
  s.etag = document_etag(document);
  auto parsed = codec::parse_event_document(nlohmann::json::parse(document));
  if (!parsed.event)
    throw std::runtime_error("stored event document does not parse: " + parsed.problems[0].key);
  s.event = std::move(*parsed.event);
  s.counts = read_counts(rs, 3);
  return s;
}

}  // namespace

UpsertResult EventStore::upsert(const Event& e, Instant now, const AuditEntry& audit,
                                const UpsertCondition& condition) {
  const std::string document = codec::event_document(e).dump();
  const std::string schedule_text = encode_schedule(e);
  const EventTiming timing{e.starts_at, e.ends_at, decode_schedule(schedule_text)};
  return in_transaction(pool_, [&](sql::Connection& c) {
    auto bind_definition = [&](sql::PreparedStatement& st, int first) {
      st.setString(first, document);
      st.setString(first + 1, to_string(e.visibility));
      st.setString(first + 2, to_sql_time(e.starts_at));
      st.setString(first + 3, to_sql_time(e.ends_at));
      st.setInt(first + 4, e.capacity);
      st.setBoolean(first + 5, e.waitlist_enabled);
      st.setInt(first + 6, e.waitlist_capacity);
      st.setString(first + 7, schedule_text);
      st.setBoolean(first + 8, e.approval_required);
      if (e.series_slug.empty())
        st.setNull(first + 9, sql::DataType::VARCHAR);
      else
        st.setString(first + 9, e.series_slug);
      st.setBoolean(first + 10, e.invitation_required);
    };
    std::unique_ptr<sql::PreparedStatement> lock(c.prepareStatement(q::kLockBySlug));
    lock->setString(1, e.slug);
    std::unique_ptr<sql::ResultSet> rs(lock->executeQuery());
    const bool exists = rs->next();
    // Checked behind the row lock: no other change can come between the look and the write.
    if ((condition.kind == UpsertCondition::kAbsent && exists) ||
        (condition.kind == UpsertCondition::kMatches &&
         (!exists || document_etag(rs->getString(4)) != condition.etag)))
      return UpsertResult{UpsertOutcome::kConditionFailed, exists ? rs->getInt64(1) : 0};
    if (!exists) {
      std::unique_ptr<sql::PreparedStatement> ins(c.prepareStatement(q::kInsert));
      ins->setString(1, e.slug);
      bind_definition(*ins, 2);
      ins->executeUpdate();
      std::unique_ptr<sql::Statement> last(c.createStatement());
      std::unique_ptr<sql::ResultSet> id(last->executeQuery("SELECT LAST_INSERT_ID()"));
      id->next();
      AuditEntry created = audit;
      created.action = "event_created";
      append_audit(c, created);
      return UpsertResult{UpsertOutcome::kCreated, id->getInt64(1)};
    }
    UpsertResult result{UpsertOutcome::kUpdated, rs->getInt64(1)};
    SeatCounts counts;
    counts.confirmed = rs->getInt(2);
    counts.waitlisted = rs->getInt(3);
    if (e.capacity < counts.confirmed) {
      result.outcome = UpsertOutcome::kCapacityBelowConfirmed;
      result.confirmed = counts.confirmed;
      return result;
    }
    std::unique_ptr<sql::PreparedStatement> upd(c.prepareStatement(q::kUpdate));
    bind_definition(*upd, 1);
    upd->setInt64(12, result.event_id);
    upd->executeUpdate();
    counts.capacity = e.capacity;
    counts.waitlist_enabled = e.waitlist_enabled;
    counts.waitlist_capacity = e.waitlist_capacity;
    result.promoted = promote_waitlisted(c, result.event_id, counts, timing, now);
    append_audit(c, audit);
    return result;
  });
}

std::optional<StoredEvent> EventStore::find(const std::string& slug) {
  return with_connection(pool_, [&](sql::Connection& c) -> std::optional<StoredEvent> {
    std::unique_ptr<sql::PreparedStatement> st(
        c.prepareStatement(std::string(q::kSelectColumns) + " WHERE slug = ?"));
    st->setString(1, slug);
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_event(*rs);
  });
}

std::vector<StoredEvent> EventStore::list(bool include_unlisted) {
  return with_connection(pool_, [&](sql::Connection& c) {
    std::string sql = q::kSelectColumns;
    if (!include_unlisted) sql += " WHERE visibility = 'public'";
    sql += " ORDER BY starts_at, slug";
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(sql));
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    std::vector<StoredEvent> out;
    while (rs->next()) out.push_back(read_event(*rs));
    return out;
  });
}

std::vector<StoredEvent> EventStore::list_series(const std::string& series_slug) {
  return with_connection(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(
        c.prepareStatement(std::string(q::kSelectColumns) + q::kSeriesWhere));
    st->setString(1, series_slug);
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    std::vector<StoredEvent> out;
    while (rs->next()) out.push_back(read_event(*rs));
    return out;
  });
}

}  // namespace regdesk::store
