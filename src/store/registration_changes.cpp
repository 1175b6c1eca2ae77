#include "store/registration_changes.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "codec/answers.hpp"
#include "store/connection_pool.hpp"
#include "store/mail_queue.hpp"
#include "store/sql_time.hpp"
#include "store/waitlist.hpp"

namespace regdesk::store {

namespace q {
constexpr const char* kLockDetails =
    "SELECT id, event_id, status, email, name, name_kana, organization, department,"
    " COALESCE(category, ''), phone, COALESCE(question, ''), locale, COALESCE(answers, '')"
    " FROM registrations WHERE public_id = ? AND (? = 0 OR event_id = ?) FOR UPDATE";
constexpr const char* kUpdateDetails =
    "UPDATE registrations SET name = ?, name_kana = ?, organization = ?, department = ?,"
    " category = ?, phone = ?, question = ?, locale = ?, answers = ? WHERE id = ?";
// Locks the registration's row only (a join would lock the event's row too, in no set order).
constexpr const char* kLockStatus =
    "SELECT id, event_id, status FROM registrations"
    " WHERE public_id = ? AND (? = 0 OR event_id = ?) FOR UPDATE";
constexpr const char* kTiming = "SELECT starts_at, ends_at, mail_schedule FROM events WHERE id = ?";
// email_key is set only while a registration is active (NULL once cancelled).
constexpr const char* kActiveByAddress =
    "SELECT r.public_id FROM registrations r JOIN events e ON e.id = r.event_id"
    " WHERE e.slug = ? AND r.email_key = ?";
constexpr const char* kResendWaiting =
    "SELECT 1 FROM outbox WHERE registration_public_id = ? AND kind = ?"
    " AND dedupe_key LIKE 'resend:%' AND state IN ('queued', 'sending') LIMIT 1";
constexpr const char* kEventOf = "SELECT event_id FROM registrations WHERE public_id = ?";
constexpr const char* kPromoteOne =
    "UPDATE registrations SET status = 'confirmed', confirmed_at = ? WHERE id = ?";
constexpr const char* kLedgerPromotedOne =
    "UPDATE events SET confirmed_count = confirmed_count + 1,"
    " waitlisted_count = waitlisted_count - 1 WHERE id = ?";
}  // namespace q

namespace {

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json changes_json(const std::vector<FieldChange>& changes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : changes)
    out.push_back({{"field", c.field},
                   {"from", codec::answer_value_json(c.before)},
                   {"to", codec::answer_value_json(c.after)}});
  return out;
}

// A resend's own dedupe key: unique per request, so a resend never collides with the first
// mail of that kind (which stays as it was); the waiting check keeps bursts to one.
std::string resend_key(const std::string& kind, Instant now) {
  return "resend:" + kind + ":" +
         std::to_string(
             std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count());
}

struct LockedStatus {
  long long id = 0, event_id = 0;
  std::string status;
  EventTiming timing;
};

std::optional<LockedStatus> lock_status(sql::Connection& c, long long event_id,
                                        const std::string& public_id) {
  std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kLockStatus));
  st->setString(1, public_id);
  st->setInt64(2, event_id);
  st->setInt64(3, event_id);
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
  if (!rs->next()) return std::nullopt;
  LockedStatus out{rs->getInt64(1), rs->getInt64(2), rs->getString(3), {}};
  std::unique_ptr<sql::PreparedStatement> t(c.prepareStatement(q::kTiming));
  t->setInt64(1, out.event_id);
  std::unique_ptr<sql::ResultSet> ts(t->executeQuery());
  if (!ts->next()) return std::nullopt;
  out.timing = {from_sql_time(ts->getString(1)), from_sql_time(ts->getString(2)),
                decode_schedule(ts->getString(3))};
  return out;
}

bool resend_waiting(sql::Connection& c, const std::string& public_id, const std::string& kind) {
  std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kResendWaiting));
  st->setString(1, public_id);
  st->setString(2, kind);
  return std::unique_ptr<sql::ResultSet>(st->executeQuery())->next();
}

// Queues the kinds (those not still waiting from an earlier resend); returns what it queued.
std::vector<std::string> queue_resends(sql::Connection& c, long long event_id,
                                       const std::string& public_id,
                                       const std::vector<std::string>& kinds, Instant now) {
  std::vector<QueuedMail> mails;
  std::vector<std::string> queued;
  for (const auto& kind : kinds) {
    if (resend_waiting(c, public_id, kind)) continue;
    mails.push_back({public_id, kind, resend_key(kind, now), now});
    queued.push_back(kind);
  }
  insert_mails(c, event_id, mails, now);
  return queued;
}

}  // namespace

ChangeResult RegistrationChanges::edit_details(long long event_id, const std::string& public_id,
                                               const Event& event, const SignupForm& edit,
                                               const AuditEntry& audit) {
  return in_transaction(pool_, [&](sql::Connection& c) {
    ChangeResult r;
    // The registration's row only: an edit moves no seat, so it takes no ledger lock.
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kLockDetails));
    st->setString(1, public_id);
    st->setInt64(2, event_id);
    st->setInt64(3, event_id);
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    if (!rs->next()) return r;
    long long id = rs->getInt64(1);
    r.event_id = rs->getInt64(2);
    if (auto refusal = edit_refusal(rs->getString(3))) {
      r.outcome = ChangeOutcome::kRefused;
      r.refusal = *refusal;
      return r;
    }
    RegistrationDetails stored;
    stored.email = rs->getString(4);
    stored.name = rs->getString(5);
    stored.name_kana = rs->getString(6);
    stored.organization = rs->getString(7);
    stored.department = rs->getString(8);
    stored.category = rs->getString(9);
    stored.phone = rs->getString(10);
    stored.question = rs->getString(11);
    stored.locale = rs->getString(12);
    stored.answers = codec::parse_stored_answers(rs->getString(13));

    EditResult edited = apply_edit(stored, edit, event);
    if (!edited.applicant) {
      r.outcome = ChangeOutcome::kInvalid;
      r.errors = std::move(edited.errors);
      return r;
    }
    const Applicant& a = *edited.applicant;
    r.changes = changed_fields(stored, a);
    if (r.changes.empty()) {
      r.outcome = ChangeOutcome::kUnchanged;
      return r;
    }
    std::unique_ptr<sql::PreparedStatement> up(c.prepareStatement(q::kUpdateDetails));
    up->setString(1, a.name);
    up->setString(2, a.name_kana);
    up->setString(3, a.organization);
    up->setString(4, a.department);
    if (a.category)
      up->setString(5, to_string(*a.category));
    else
      up->setNull(5, 0);
    up->setString(6, a.phone);
    up->setString(7, a.question);
    up->setString(8, a.locale);
    if (a.answers.empty())
      up->setNull(9, 0);
    else
      up->setString(9, codec::answers_text(a.answers));
    up->setInt64(10, id);
    up->executeUpdate();

    AuditEntry entry = audit;
    entry.target = public_id;
    entry.detail_json = dump({{"changed", changes_json(r.changes)}});
    append_audit(c, entry);
    r.outcome = ChangeOutcome::kDone;
    return r;
  });
}

ChangeResult RegistrationChanges::resend(long long event_id, const std::string& public_id,
                                         ResendMail mail, Instant now, const AuditEntry* audit) {
  return in_transaction(pool_, [&](sql::Connection& c) {
    ChangeResult r;
    auto row = lock_status(c, event_id, public_id);
    if (!row) return r;
    r.event_id = row->event_id;
    ResendDecision d = decide_resend(row->status, mail);
    if (!d.refusal.empty()) {
      r.outcome = ChangeOutcome::kRefused;
      r.refusal = d.refusal;
      return r;
    }
    r.mail_kind = d.kind;
    r.already_queued = queue_resends(c, row->event_id, public_id, {d.kind}, now).empty();
    if (audit && !r.already_queued) {
      AuditEntry entry = *audit;
      entry.target = public_id;
      entry.detail_json = dump({{"mail", d.kind}});
      append_audit(c, entry);
    }
    r.outcome = ChangeOutcome::kDone;
    return r;
  });
}

ChangeResult RegistrationChanges::resend_by_address(const std::string& slug,
                                                    const std::string& email_key, Instant now) {
  return in_transaction(pool_, [&](sql::Connection& c) {
    ChangeResult r;
    std::string public_id;
    {
      std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kActiveByAddress));
      st->setString(1, slug);
      st->setString(2, email_key);
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
      if (!rs->next()) return r;
      public_id = rs->getString(1);
    }
    auto row = lock_status(c, 0, public_id);
    if (!row) return r;
    r.event_id = row->event_id;
    ResendDecision d = decide_resend(row->status, ResendMail::kConfirmation);
    if (!d.refusal.empty()) return r;  // cancelled meanwhile: as if unknown
    std::vector<std::string> kinds = {d.kind};
    if (d.kind == "confirmation") {
      // The join link too, once the schedule has mailed it (or would have): the person asked
      // for their links.
      std::vector<QueuedMail> due;
      add_overdue_scheduled_mails(due, public_id, row->timing.schedule, row->timing.starts_at,
                                  row->timing.ends_at, now);
      if (!due.empty()) kinds.push_back("meeting_link");
    }
    auto queued = queue_resends(c, row->event_id, public_id, kinds, now);
    r.already_queued = queued.empty();
    r.mail_kind = d.kind;
    r.outcome = ChangeOutcome::kDone;
    return r;
  });
}

ChangeResult RegistrationChanges::promote(long long event_id, const std::string& public_id,
                                          Instant now, const AuditEntry& audit) {
  return in_transaction(pool_, [&](sql::Connection& c) {
    ChangeResult r;
    {
      std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kEventOf));
      st->setString(1, public_id);
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
      if (!rs->next() || rs->getInt64(1) != event_id) return r;
    }
    auto ledger = lock_ledger(c, event_id);  // lock order: the ledger row, then registrations
    if (!ledger) return r;
    const SeatCounts& counts = ledger->counts;
    const EventTiming& timing = ledger->timing;
    auto row = lock_status(c, event_id, public_id);
    if (!row) return r;
    r.event_id = event_id;
    if (std::string refusal = promotion_refusal(row->status, counts.seats_remaining());
        !refusal.empty()) {
      r.outcome = ChangeOutcome::kRefused;
      r.refusal = refusal;
      return r;
    }
    std::unique_ptr<sql::PreparedStatement> up(c.prepareStatement(q::kPromoteOne));
    up->setString(1, to_sql_time(now));
    up->setInt64(2, row->id);
    up->executeUpdate();
    std::unique_ptr<sql::PreparedStatement> move(c.prepareStatement(q::kLedgerPromotedOne));
    move->setInt64(1, event_id);
    move->executeUpdate();
    // The same mails as an automatic promotion (store/waitlist.cpp).
    std::vector<QueuedMail> mails = {{public_id, "promoted", "promoted", now}};
    add_overdue_scheduled_mails(mails, public_id, timing.schedule, timing.starts_at, timing.ends_at,
                                now);
    insert_mails(c, event_id, mails, now);
    AuditEntry entry = audit;
    entry.target = public_id;
    entry.detail_json = dump({{"from", "waitlisted"}, {"to", "confirmed"}});
    append_audit(c, entry);
    r.outcome = ChangeOutcome::kDone;
    return r;
  });
}

}  // namespace regdesk::store
