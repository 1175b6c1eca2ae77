#include "store/registration_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <openssl/crypto.h>

#include <functional>
#include <memory>

#include "store/connection_pool.hpp"
#include "store/invitation_store.hpp"
#include "store/mail_queue.hpp"
#include "store/sql_time.hpp"
#include "store/waitlist.hpp"

namespace regdesk::store {

namespace q {
constexpr const char* kSelect =
    "SELECT r.id, r.public_id, r.event_id, e.slug, r.number, r.status, r.email, r.name, r.locale,"
    " r.registered_at, r.cancelled_at, r.first_joined_at,"
    " r.organization, r.last_joined_at, r.join_count, r.minutes_attended, r.attended_from,"
    " r.attended_until, r.unsubscribed_at,"
    // Only a waitlisted person has a position; skipping the count for everyone else keeps a
    // stale-statistics plan from scanning the event's registrations for every mail.
    " CASE WHEN r.status = 'waitlisted' THEN (SELECT COUNT(*) FROM registrations w"
    "   WHERE w.event_id = r.event_id AND w.status = 'waitlisted' AND w.number <= r.number)"
    "   ELSE 0 END,"
    " r.name_kana, r.department, COALESCE(r.category, ''), r.phone, COALESCE(r.question, ''),"
    " COALESCE(r.answers, '')"
    " FROM registrations r JOIN events e ON e.id = r.event_id WHERE ";
constexpr const char* kEventOf = "SELECT event_id FROM registrations WHERE ";
constexpr const char* kLockRegistration =
    "SELECT id, public_id, status FROM registrations WHERE event_id = ? AND ";
constexpr const char* kCancel =
    "UPDATE registrations SET status = 'cancelled', cancelled_at = ?, email_key = NULL WHERE id = "
    "?";
constexpr const char* kLedgerConfirmedLeft =
    "UPDATE events SET confirmed_count = confirmed_count - 1 WHERE id = ?";
constexpr const char* kLedgerWaitlistedLeft =
    "UPDATE events SET waitlisted_count = waitlisted_count - 1 WHERE id = ?";
constexpr const char* kRecordJoin =
    "UPDATE registrations SET first_joined_at = COALESCE(first_joined_at, ?),"
    " last_joined_at = ?, join_count = join_count + 1 WHERE id = ?";
constexpr const char* kUnsubscribe =
    "UPDATE registrations SET unsubscribed_at = COALESCE(unsubscribed_at, ?) WHERE id = ?";
constexpr const char* kDropQueuedBulkMail =
    "UPDATE outbox o JOIN registrations r ON r.public_id = o.registration_public_id"
    " SET o.state = 'cancelled' WHERE r.id = ? AND o.state = 'queued'"
    " AND o.kind IN ('announcement', 'follow_up_attended', 'follow_up_absent')";
}  // namespace q

namespace {

RegistrationView read_view(sql::ResultSet& rs) {
  RegistrationView v;
  v.id = rs.getInt64(1);
  v.public_id = rs.getString(2);
  v.event_id = rs.getInt64(3);
  v.event_slug = rs.getString(4);
  v.number = rs.getInt(5);
  v.status = rs.getString(6);
  v.email = rs.getString(7);
  v.name = rs.getString(8);
  v.locale = rs.getString(9);
  v.registered_at = from_sql_time(rs.getString(10));
  if (!rs.isNull(11)) v.cancelled_at = from_sql_time(rs.getString(11));
  v.first_joined_at = optional_sql_time(rs, 12);
  v.organization = rs.getString(13);
  v.last_joined_at = optional_sql_time(rs, 14);
  v.join_count = rs.getInt(15);
  if (!rs.isNull(16)) v.minutes_attended = rs.getInt(16);
  v.attended_from = optional_sql_time(rs, 17);
  v.attended_until = optional_sql_time(rs, 18);
  v.unsubscribed_at = optional_sql_time(rs, 19);
  if (v.status == "waitlisted") v.waitlist_position = rs.getInt(20);
  v.name_kana = rs.getString(21);
  v.department = rs.getString(22);
  v.category = rs.getString(23);
  v.phone = rs.getString(24);
  v.question = rs.getString(25);
  v.answers = rs.getString(26);
  return v;
}

std::optional<RegistrationView> select_one(
    sql::Connection& c, const std::string& where,
    const std::function<void(sql::PreparedStatement&)>& bind) {
  std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(std::string(q::kSelect) + where));
  bind(*st);
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
  if (!rs->next()) return std::nullopt;
  return read_view(*rs);
}

}  // namespace

std::optional<std::string> RegistrationStore::registration_of(TokenKind kind,
                                                              const std::string& token) {
  const std::string& key = with_connection(
      pool_, [&](sql::Connection& c) -> const std::string& { return token_key_.get(c); });
  return token_registration(key, kind, token);
}

std::optional<RegistrationView> RegistrationStore::find_by_token(TokenKind kind,
                                                                 const std::string& token) {
  auto public_id = registration_of(kind, token);
  if (!public_id) return std::nullopt;
  return with_connection(pool_, [&](sql::Connection& c) {
    return select_one(c, "r.public_id = ?",
                      [&](sql::PreparedStatement& st) { st.setString(1, *public_id); });
  });
}

std::optional<RegistrationView> RegistrationStore::find(long long event_id,
                                                        const std::string& public_id) {
  return with_connection(pool_, [&](sql::Connection& c) {
    return select_one(c, "r.event_id = ? AND r.public_id = ?", [&](sql::PreparedStatement& st) {
      st.setInt64(1, event_id);
      st.setString(2, public_id);
    });
  });
}

CancelResult RegistrationStore::cancel_by_token(const std::string& token, Instant now) {
  auto public_id = registration_of(TokenKind::kManage, token);
  if (!public_id) return {};
  return cancel_where("public_id", *public_id, 0, now, nullptr);
}

CancelResult RegistrationStore::cancel(long long event_id, const std::string& public_id,
                                       Instant now, const AuditEntry& audit) {
  return cancel_where("public_id", public_id, event_id, now, &audit);
}

CancelResult RegistrationStore::cancel_where(const std::string& column, const std::string& value,
                                             long long event_id, Instant now,
                                             const AuditEntry* audit) {
  CancelResult result = in_transaction(pool_, [&](sql::Connection& c) {
    CancelResult r;
    // Lock order everywhere: the event's ledger row first, then registrations.
    long long event = event_id;
    {
      std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(
          std::string(q::kEventOf) + column + " = ?" + (event_id ? " AND event_id = ?" : "")));
      st->setString(1, value);
      if (event_id) st->setInt64(2, event_id);
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
      if (!rs->next()) return r;
      event = rs->getInt64(1);
    }
    auto ledger = lock_ledger(c, event);
    if (!ledger) return r;
    SeatCounts counts = ledger->counts;
    const EventTiming& timing = ledger->timing;

    std::unique_ptr<sql::PreparedStatement> pick(
        c.prepareStatement(std::string(q::kLockRegistration) + column + " = ? FOR UPDATE"));
    pick->setInt64(1, event);
    pick->setString(2, value);
    std::unique_ptr<sql::ResultSet> row(pick->executeQuery());
    if (!row->next()) return r;
    long long id = row->getInt64(1);
    std::string public_id = row->getString(2);
    std::string status = row->getString(3);
    if (status == "cancelled" || status == "declined") {  // nothing left to withdraw
      r.outcome = CancelOutcome::kAlreadyCancelled;
      return r;
    }
    std::unique_ptr<sql::PreparedStatement> cancel(c.prepareStatement(q::kCancel));
    cancel->setString(1, to_sql_time(now));
    cancel->setInt64(2, id);
    cancel->executeUpdate();
    if (status != "pending") {  // a pending sign-up holds no seat and no waitlist place
      std::unique_ptr<sql::PreparedStatement> move(c.prepareStatement(
          status == "confirmed" ? q::kLedgerConfirmedLeft : q::kLedgerWaitlistedLeft));
      move->setInt64(1, event);
      move->executeUpdate();
    }
    give_back_invitation_use(c, id);
    cancel_queued_mails(c, public_id);
    insert_mails(c, event, {{public_id, "cancellation", "cancellation", now}}, now);
    if (status == "confirmed") {
      --counts.confirmed;
      r.promoted = promote_waitlisted(c, event, counts, timing, now);
    } else if (status == "waitlisted") {
      --counts.waitlisted;
    }
    r.outcome = CancelOutcome::kCancelled;
    if (audit) append_audit(c, *audit);
    return r;
  });
  if (result.outcome != CancelOutcome::kNotFound) {
    // Read back after the commit, so the caller sees the registration as it now is.
    std::string where = "r." + column + " = ?";
    auto view = with_connection(pool_, [&](sql::Connection& c) {
      return select_one(c, where, [&](sql::PreparedStatement& st) { st.setString(1, value); });
    });
    if (view) result.registration = *view;
  }
  return result;
}

void RegistrationStore::record_join(long long registration_id, Instant now) {
  with_connection(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kRecordJoin));
    st->setString(1, to_sql_time(now));
    st->setString(2, to_sql_time(now));
    st->setInt64(3, registration_id);
    st->executeUpdate();
    return 0;
  });
}

std::string RegistrationStore::certificate_number(const std::string& slug, int number,
                                                  const std::string& public_id) {
  return with_connection(pool_, [&](sql::Connection& c) {
    return store::certificate_number(token_key_.get(c), slug, number, public_id);
  });
}

std::optional<RegistrationView> RegistrationStore::find_by_certificate(const std::string& text) {
  auto parts = parse_certificate_number(text);
  if (!parts) return std::nullopt;
  return with_connection(pool_, [&](sql::Connection& c) -> std::optional<RegistrationView> {
    auto v = select_one(c, "e.slug = ? AND r.number = ?", [&](sql::PreparedStatement& st) {
      st.setString(1, parts->slug);
      st.setInt(2, parts->number);
    });
    if (!v) return std::nullopt;
    std::string expected =
        store::certificate_number(token_key_.get(c), v->event_slug, v->number, v->public_id);
    if (expected.size() != text.size() ||
        CRYPTO_memcmp(expected.data(), text.data(), expected.size()) != 0)
      return std::nullopt;
    return v;
  });
}

void RegistrationStore::unsubscribe(long long registration_id, Instant now) {
  in_transaction(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kUnsubscribe));
    st->setString(1, to_sql_time(now));
    st->setInt64(2, registration_id);
    st->executeUpdate();
    // What is queued and not yet sent does not go either.
    std::unique_ptr<sql::PreparedStatement> drop(c.prepareStatement(q::kDropQueuedBulkMail));
    drop->setInt64(1, registration_id);
    drop->executeUpdate();
    return 0;
  });
}

}  // namespace regdesk::store
