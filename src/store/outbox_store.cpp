#include "store/outbox_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "codec/event_document.hpp"
#include "store/connection_pool.hpp"
#include "store/mail_queue.hpp"
#include "store/sql_text.hpp"
#include "store/sql_time.hpp"
#include "store/tokens.hpp"
#include "store/waitlist.hpp"

namespace regdesk::store {

namespace q {
constexpr const char* kExpiredLeases =
    "SELECT id FROM outbox WHERE state = 'sending' AND lease_until < ?"
    " ORDER BY lease_until LIMIT ? FOR UPDATE SKIP LOCKED";
constexpr const char* kDue =
    "SELECT id FROM outbox WHERE state = 'queued' AND due_at <= ?"
    " ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED";
constexpr const char* kTake =
    "UPDATE outbox SET state = 'sending', attempts = attempts + 1, lease_until = ? WHERE id IN ";
constexpr const char* kDetails =
    // A personal invitation's mail has no registration: the invitation names the person.
    "SELECT o.id, o.kind, o.dedupe_key, o.attempts, o.created_at, COALESCE(r.public_id, ''),"
    " COALESCE(r.number, 0), COALESCE(r.status, ''), COALESCE(r.email, iv.email),"
    " COALESCE(r.name, iv.name), COALESCE(r.organization, iv.organization),"
    " COALESCE(r.locale, iv.locale),"
    // Only a waitlisted person has a position; skipping the count for everyone else keeps a
    // stale-statistics plan from scanning the event's registrations for every mail.
    " CASE WHEN r.status = 'waitlisted' THEN (SELECT COUNT(*) FROM registrations w"
    "   WHERE w.event_id = r.event_id AND w.status = 'waitlisted' AND w.number <= r.number)"
    "   ELSE 0 END,"
    " e.document, a.subject_ja, a.subject_en, a.body_ja, a.body_en, r.minutes_attended,"
    " r.answers, r.decline_message, iv.code, iv.expires_at"
    " FROM outbox o LEFT JOIN registrations r ON r.public_id = o.registration_public_id"
    " LEFT JOIN invitations iv ON iv.id = o.invitation_id"
    " JOIN events e ON e.id = o.event_id LEFT JOIN announcements a ON a.id = o.announcement_id"
    " WHERE o.id IN ";
constexpr const char* kSent =
    "UPDATE outbox SET state = 'sent', lease_until = NULL, last_error = NULL, sent_at = ";
constexpr const char* kRetry =
    "UPDATE outbox SET state = 'queued', due_at = ?, lease_until = NULL, last_error = ?"
    " WHERE id = ?";
constexpr const char* kRelease =
    "UPDATE outbox SET state = 'queued', due_at = ?, lease_until = NULL, last_error = ?,"
    " attempts = GREATEST(attempts - 1, 0) WHERE state = 'sending' AND id IN ";
constexpr const char* kFailed =
    "UPDATE outbox SET state = 'failed', lease_until = NULL, last_error = ? WHERE id = ?";
constexpr const char* kList =
    "SELECT o.id, o.kind, o.state, COALESCE(r.email, iv.email), COALESCE(o.last_error, ''),"
    " COALESCE(r.number, 0), o.attempts, o.due_at, o.created_at, o.sent_at FROM outbox o"
    " LEFT JOIN registrations r ON r.public_id = o.registration_public_id"
    " LEFT JOIN invitations iv ON iv.id = o.invitation_id"
    " WHERE o.event_id = ? AND (? = '' OR o.state = ?) ORDER BY o.id DESC LIMIT ?";
constexpr const char* kCounts =
    "SELECT state, COUNT(*) FROM outbox WHERE event_id = ? GROUP BY state";
constexpr const char* kCancelled =
    "UPDATE outbox SET state = 'cancelled', lease_until = NULL, last_error = ? WHERE id = ?";
// Events with numbers given since their mark (a number is given with every registration).
constexpr const char* kEventsPastMark =
    "SELECT e.id, e.next_number, COALESCE(m.queued_below, 1) FROM events e"
    " LEFT JOIN confirmation_marks m ON m.event_id = e.id"
    " WHERE e.next_number > COALESCE(m.queued_below, 1)";
constexpr int kNumbersPerTransaction = 1000;
constexpr const char* kOwedNotQueued =
    "SELECT COUNT(*) FROM registrations r LEFT JOIN confirmation_marks m ON m.event_id = r.event_id"
    " WHERE r.event_id = ? AND r.number >= COALESCE(m.queued_below, 1) AND r.confirmation_owed"
    " AND r.status = 'confirmed'";
}  // namespace q

struct OutboxStore::Impl {
  TokenKey token_key;
};

OutboxStore::OutboxStore(ConnectionPool& pool) : pool_(pool), impl_(std::make_unique<Impl>()) {}
OutboxStore::~OutboxStore() = default;

namespace {

std::vector<long long> select_ids(sql::Connection& c, const char* sql, Instant now, size_t limit) {
  std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(sql));
  st->setString(1, to_sql_time(now));
  st->setInt(2, static_cast<int>(limit));
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
  std::vector<long long> ids;
  while (rs->next()) ids.push_back(rs->getInt64(1));
  return ids;
}

void bind_ids(sql::PreparedStatement& st, int first, const std::vector<long long>& ids) {
  for (size_t i = 0; i < ids.size(); ++i) st.setInt64(first + static_cast<int>(i), ids[i]);
}

}  // namespace

int OutboxStore::materialize_schedules(Instant now) {
  return with_connection(pool_,
                         [&](sql::Connection& c) { return materialize_due_schedules(c, now); });
}

int OutboxStore::queue_owed_confirmations(Instant now) {
  struct Range {
    long long event_id;
    int from, below;
  };
  std::vector<Range> ranges = with_connection(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kEventsPastMark));
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    std::vector<Range> out;
    while (rs->next()) out.push_back({rs->getInt64(1), rs->getInt(3), rs->getInt(2)});
    return out;
  });
  // Every number below `below` was committed with the next_number just read, so nothing this
  // skips over can still appear.
  int queued = 0;
  for (Range r : ranges) {
    while (r.from < r.below) {
      const int to = std::min(r.below, r.from + q::kNumbersPerTransaction);
      queued += in_transaction(pool_, [&](sql::Connection& c) {
        return queue_owed_in_range(c, r.event_id, r.from, to, now);
      });
      r.from = to;
    }
  }
  return queued;
}

std::vector<OutboxItem> OutboxStore::claim(Instant now, size_t limit, std::chrono::seconds lease) {
  std::vector<long long> ids = in_transaction(pool_, [&](sql::Connection& c) {
    auto ids = select_ids(c, q::kExpiredLeases, now, limit);
    if (ids.size() < limit) {
      auto due = select_ids(c, q::kDue, now, limit - ids.size());
      ids.insert(ids.end(), due.begin(), due.end());
    }
    if (ids.empty()) return ids;
    std::unique_ptr<sql::PreparedStatement> take(
        c.prepareStatement(std::string(q::kTake) + "(" + placeholders(ids.size()) + ")"));
    take->setString(1, to_sql_time(now + lease));
    bind_ids(*take, 2, ids);
    take->executeUpdate();
    return ids;
  });
  if (ids.empty()) return {};
  return with_connection(pool_, [&](sql::Connection& c) {
    const std::string& key = impl_->token_key.get(c);
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(
        std::string(q::kDetails) + "(" + placeholders(ids.size()) + ") ORDER BY o.id"));
    bind_ids(*st, 1, ids);
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    std::vector<OutboxItem> items;
    while (rs->next()) {
      OutboxItem it;
      it.id = rs->getInt64(1);
      it.kind = rs->getString(2);
      it.dedupe_key = rs->getString(3);
      it.attempts = rs->getInt(4);
      it.created_at = from_sql_time(rs->getString(5));
      it.public_id = rs->getString(6);
      it.number = rs->getInt(7);
      it.status = rs->getString(8);
      it.email = rs->getString(9);
      it.name = rs->getString(10);
      it.organization = rs->getString(11);
      it.locale = rs->getString(12);
      it.waitlist_position = it.status == "waitlisted" ? rs->getInt(13) : 0;
      auto parsed =
          codec::parse_event_document(nlohmann::json::parse(std::string(rs->getString(14))));
      if (parsed.event) it.event = std::move(*parsed.event);
      if (!rs->isNull(15))
        it.announcement = AnnouncementText{{rs->getString(15), rs->getString(16)},
                                           {rs->getString(17), rs->getString(18)}};
      if (!rs->isNull(19)) it.minutes_attended = rs->getInt(19);
      if (!rs->isNull(20)) it.answers = rs->getString(20);
      if (!rs->isNull(21)) {
        auto words = nlohmann::json::parse(std::string(rs->getString(21)), nullptr, false);
        if (words.is_object())
          it.decline_message = {words.value("ja", ""), words.value("en", "")};
      }
      if (!rs->isNull(22)) it.invitation_code = rs->getString(22);
      it.invitation_expires_at = optional_sql_time(*rs, 23);
      it.manage_token = derive_token(key, TokenKind::kManage, it.public_id);
      it.join_token = derive_token(key, TokenKind::kJoin, it.public_id);
      it.unsubscribe_token = derive_token(key, TokenKind::kUnsubscribe, it.public_id);
      items.push_back(std::move(it));
    }
    return items;
  });
}

void OutboxStore::mark_sent(long long id, Instant now) {
  with_connection(pool_, [&](sql::Connection& c) {
    // Text, one round trip: this runs once per message sent (see sql_text.hpp).
    SqlText sent(c, q::kSent);
    return sent.text(to_sql_time(now)).sql(" WHERE id = ").number(id).execute_update();
  });
}

void OutboxStore::mark_retry(long long id, Instant next_due, const std::string& error) {
  with_connection(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kRetry));
    st->setString(1, to_sql_time(next_due));
    st->setString(2, error.substr(0, 1000));
    st->setInt64(3, id);
    return st->executeUpdate();
  });
}

void OutboxStore::release(const std::vector<long long>& ids, Instant next_due,
                          const std::string& error) {
  if (ids.empty()) return;
  with_connection(pool_, [&](sql::Connection& c) {
    // Not attempted, so the claim's attempt is given back.
    std::unique_ptr<sql::PreparedStatement> st(
        c.prepareStatement(std::string(q::kRelease) + "(" + placeholders(ids.size()) + ")"));
    st->setString(1, to_sql_time(next_due));
    st->setString(2, error.substr(0, 1000));
    bind_ids(*st, 3, ids);
    return st->executeUpdate();
  });
}

void OutboxStore::mark_cancelled(long long id, const std::string& why) {
  with_connection(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kCancelled));
    st->setString(1, why.substr(0, 1000));
    st->setInt64(2, id);
    return st->executeUpdate();
  });
}

void OutboxStore::mark_failed(long long id, const std::string& error) {
  with_connection(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kFailed));
    st->setString(1, error.substr(0, 1000));
    st->setInt64(2, id);
    return st->executeUpdate();
  });
}

std::vector<OutboxRow> OutboxStore::list(long long event_id, const std::string& state,
                                         size_t limit) {
  return with_connection(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kList));
    st->setInt64(1, event_id);
    st->setString(2, state);
    st->setString(3, state);
    st->setInt(4, static_cast<int>(limit));
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    std::vector<OutboxRow> rows;
    while (rs->next()) {
      OutboxRow r;
      r.id = rs->getInt64(1);
      r.kind = rs->getString(2);
      r.state = rs->getString(3);
      r.email = rs->getString(4);
      r.last_error = rs->getString(5);
      r.number = rs->getInt(6);
      r.attempts = rs->getInt(7);
      r.due_at = from_sql_time(rs->getString(8));
      r.created_at = from_sql_time(rs->getString(9));
      if (!rs->isNull(10)) r.sent_at = from_sql_time(rs->getString(10));
      rows.push_back(std::move(r));
    }
    return rows;
  });
}

std::map<std::string, int> OutboxStore::counts_by_state(long long event_id) {
  return with_connection(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kCounts));
    st->setInt64(1, event_id);
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    std::map<std::string, int> out;
    while (rs->next()) out[rs->getString(1)] = rs->getInt(2);
    // Confirmations owed but not yet in the outbox are queued, as far as anyone can tell.
    std::unique_ptr<sql::PreparedStatement> owed(c.prepareStatement(q::kOwedNotQueued));
    owed->setInt64(1, event_id);
    std::unique_ptr<sql::ResultSet> n(owed->executeQuery());
    if (n->next() && n->getInt(1) > 0) out["queued"] += n->getInt(1);
    return out;
  });
}

}  // namespace regdesk::store
