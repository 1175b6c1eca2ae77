#include "store/approval_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <unordered_set>

#include "domain/admission.hpp"
#include "store/connection_pool.hpp"
#include "store/invitation_store.hpp"
#include "store/mail_queue.hpp"
#include "store/sql_text.hpp"
#include "store/sql_time.hpp"
#include "store/waitlist.hpp"

namespace regdesk::store {

namespace q {
constexpr const char* kLockChosen =
    "SELECT id, public_id, status, number FROM registrations WHERE event_id = ? AND public_id IN ";
constexpr const char* kApprove =
    "UPDATE registrations SET status = ?, confirmed_at = ?, decided_at = ? WHERE id = ?";
constexpr const char* kDecline =
    "UPDATE registrations SET status = 'declined', email_key = NULL, decided_at = ?,"
    " decline_message = ? WHERE id = ?";
constexpr const char* kWaitlistPosition =
    "SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status = 'waitlisted'"
    " AND number <= ?";
constexpr const char* kWriteLedger =
    "UPDATE events SET confirmed_count = ?, waitlisted_count = ? WHERE id = ?";
}  // namespace q

const char* to_string(DecisionOutcome o) {
  switch (o) {
    case DecisionOutcome::kDecided:
      return "decided";
    case DecisionOutcome::kAlready:
      return "already";
    case DecisionOutcome::kSoldOut:
      return "sold_out";
    case DecisionOutcome::kNotPending:
      return "not_pending";
    case DecisionOutcome::kNotFound:
      return "not_found";
  }
  return "not_found";
}

Decisions ApprovalStore::approve(long long event_id, const std::vector<std::string>& public_ids,
                                 Instant now, const AuditEntry& audit) {
  return decide(event_id, public_ids, Verdict::kApprove, {}, now, audit);
}

Decisions ApprovalStore::decline(long long event_id, const std::vector<std::string>& public_ids,
                                 const LocalizedText& message, Instant now,
                                 const AuditEntry& audit) {
  return decide(event_id, public_ids, Verdict::kDecline, message, now, audit);
}

Decisions ApprovalStore::decide(long long event_id, const std::vector<std::string>& public_ids,
                                Verdict verdict, const LocalizedText& message, Instant now,
                                const AuditEntry& audit) {
  std::vector<std::string> asked;
  std::unordered_set<std::string> seen;
  for (const auto& id : public_ids)
    if (seen.insert(id).second) asked.push_back(id);
  const std::string words =
      message.ja.empty() && message.en.empty()
          ? std::string()
          : nlohmann::json{{"ja", message.ja}, {"en", message.en}}.dump();

  return in_transaction(pool_, [&](sql::Connection& c) {
    Decisions out;
    std::map<std::string, DecisionResult> by_id;
    for (const auto& id : asked) by_id[id].public_id = id;
    auto answer = [&] {
      for (const auto& id : asked) out.results.push_back(by_id[id]);
      return out;
    };
    if (asked.empty()) return answer();

    auto ledger = lock_ledger(c, event_id);
    if (!ledger) return answer();
    SeatCounts counts = ledger->counts;
    const EventTiming& timing = ledger->timing;
    const SeatCounts counts_before = counts;

    std::unique_ptr<sql::PreparedStatement> pick(c.prepareStatement(
        std::string(q::kLockChosen) + "(" + placeholders(asked.size()) + ") ORDER BY number FOR UPDATE"));
    pick->setInt64(1, event_id);
    for (size_t i = 0; i < asked.size(); ++i) pick->setString(static_cast<int>(i + 2), asked[i]);
    std::unique_ptr<sql::ResultSet> rows(pick->executeQuery());

    const std::string at = to_sql_time(now);
    std::vector<QueuedMail> mails;
    std::vector<AuditEntry> entries;
    while (rows->next()) {
      const long long id = rows->getInt64(1);
      DecisionResult& r = by_id[rows->getString(2)];
      r.status = rows->getString(3);
      r.number = rows->getInt(4);
      if (r.status != "pending") {
        bool same = verdict == Verdict::kApprove
                        ? r.status == "confirmed" || r.status == "waitlisted"
                        : r.status == "declined";
        r.outcome = same ? DecisionOutcome::kAlready : DecisionOutcome::kNotPending;
        continue;
      }
      if (verdict == Verdict::kApprove) {
        ApprovalDecision d = approve_pending(counts);
        if (d.outcome == AdmissionOutcome::kSoldOut) {
          r.outcome = DecisionOutcome::kSoldOut;
          continue;
        }
        const bool confirmed = d.outcome == AdmissionOutcome::kConfirmed;
        r.status = confirmed ? "confirmed" : "waitlisted";
        std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kApprove));
        st->setString(1, r.status);
        if (confirmed)
          st->setString(2, at);
        else
          st->setNull(2, 0);
        st->setString(3, at);
        st->setInt64(4, id);
        st->executeUpdate();
        if (confirmed) {
          mails.push_back({r.public_id, "confirmation", "confirmation", now});
          add_overdue_scheduled_mails(mails, r.public_id, timing.schedule, timing.starts_at,
                                      timing.ends_at, now);
        } else {
          mails.push_back({r.public_id, "waitlisted", "waitlisted", now});
        }
      } else {
        r.status = "declined";
        std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kDecline));
        st->setString(1, at);
        if (words.empty())
          st->setNull(2, 0);
        else
          st->setString(2, words);
        st->setInt64(3, id);
        st->executeUpdate();
        give_back_invitation_use(c, id);
        mails.push_back({r.public_id, "declined", "declined", now});
      }
      r.outcome = DecisionOutcome::kDecided;
      AuditEntry entry = audit;
      entry.target = r.public_id;
      nlohmann::json detail = {{"number", r.number}, {"status", r.status}};
      if (!words.empty()) detail["message"] = nlohmann::json::parse(words);
      entry.detail_json = detail.dump();
      entries.push_back(std::move(entry));
    }

    if (counts.confirmed != counts_before.confirmed ||
        counts.waitlisted != counts_before.waitlisted) {
      std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kWriteLedger));
      st->setInt(1, counts.confirmed);
      st->setInt(2, counts.waitlisted);
      st->setInt64(3, event_id);
      st->executeUpdate();
    }
    if (!mails.empty()) insert_mails(c, event_id, mails, now);
    for (const auto& e : entries) append_audit(c, e);
    for (auto& [id, r] : by_id) {
      if (r.status != "waitlisted") continue;
      std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kWaitlistPosition));
      st->setInt64(1, event_id);
      st->setInt(2, r.number);
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
      if (rs->next()) r.waitlist_position = rs->getInt(1);
    }
    out.counts_after = counts;
    return answer();
  });
}

}  // namespace regdesk::store
