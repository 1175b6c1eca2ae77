#include "store/seat_ledger.hpp"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "codec/answers.hpp"
#include "domain/invitation.hpp"
#include "store/connection_pool.hpp"
#include "store/random_id.hpp"
#include "store/sql_text.hpp"
#include "store/sql_time.hpp"
#include "store/waitlist.hpp"

namespace regdesk::store {

namespace q {
constexpr const char* kLockLedger =
    "SELECT capacity, confirmed_count, waitlisted_count, waitlist_enabled, waitlist_capacity,"
    " next_number, starts_at, ends_at, mail_schedule, approval_required, invitation_required"
    " FROM events WHERE id = ";
constexpr const char* kForUpdate = " FOR UPDATE";
constexpr const char* kStoredAnswers =
    "SELECT i.key_hash, i.request_hash, i.status, i.waitlist_position, r.public_id, r.number,"
    " r.email, r.registered_at FROM idempotency_keys i"
    " JOIN registrations r ON r.public_id = i.registration_public_id"
    " WHERE i.event_id = ";
constexpr const char* kTakenEmails = "SELECT email_key FROM registrations WHERE event_id = ";
constexpr const char* kInsertRegistrations =
    "INSERT INTO registrations (public_id, event_id, number, status, email, email_key, name,"
    " name_kana, organization, department, category, phone, question, locale, registered_at,"
    " confirmed_at, answers, invitation_id, confirmation_owed) VALUES ";
constexpr const char* kPresentedInvitations =
    "SELECT id, code, organization, COALESCE(email_key, ''), max_uses, uses, expires_at"
    " FROM invitations WHERE event_id = ";
constexpr const char* kTakeInvitationUses = "UPDATE invitations SET uses = uses + ";
constexpr const char* kInsertAnswers =
    "INSERT INTO idempotency_keys (event_id, key_hash, request_hash, registration_public_id,"
    " status, waitlist_position, created_at) VALUES ";
constexpr const char* kWriteLedger = "UPDATE events SET confirmed_count = ";
constexpr const char* kRegisteredEmails =
    "SELECT email_key FROM registrations WHERE event_id = ? AND email_key IS NOT NULL";
constexpr const char* kCountByPublicId = "SELECT COUNT(*) FROM registrations WHERE public_id IN (";
constexpr int kDuplicateKey = 1062;  // ER_DUP_ENTRY
}  // namespace q

namespace {

struct StoredAnswer {
  std::string request_hash;
  SignupResult result;
};

std::unordered_map<std::string, StoredAnswer> stored_answers(
    sql::Connection& c, long long event_id, const std::vector<SignupRequest>& batch) {
  std::unordered_map<std::string, StoredAnswer> out;
  SqlText query(c, q::kStoredAnswers);
  query.number(event_id).sql(" AND i.key_hash IN (");
  bool any = false;
  for (const auto& r : batch) {
    if (!r.idempotency) continue;
    if (any) query.sql(",");
    query.bytes(r.idempotency->key_hash);
    any = true;
  }
  if (!any) return out;
  query.sql(")");
  auto rs = query.execute_query();
  while (rs->next()) {
    StoredAnswer a;
    a.request_hash = rs->getString(2);
    std::string status = rs->getString(3);
    a.result.outcome = status == "confirmed" ? SignupOutcome::kConfirmed
                       : status == "pending"  ? SignupOutcome::kPending
                                              : SignupOutcome::kWaitlisted;
    a.result.replayed = true;
    a.result.receipt = {
        rs->getString(5), rs->getInt(6), status, rs->getString(7), from_sql_time(rs->getString(8)),
        rs->getInt(4)};
    out.emplace(rs->getString(1), std::move(a));
  }
  return out;
}

std::unordered_set<std::string> taken_emails(sql::Connection& c, long long event_id,
                                             const std::vector<const SignupRequest*>& fresh) {
  std::unordered_set<std::string> taken;
  if (fresh.empty()) return taken;
  SqlText query(c, q::kTakenEmails);
  query.number(event_id).sql(" AND email_key IN (");
  for (size_t i = 0; i < fresh.size(); ++i) {
    if (i) query.sql(",");
    query.text(fresh[i]->applicant.email_key);
  }
  query.sql(")");
  auto rs = query.execute_query();
  while (rs->next()) taken.insert(rs->getString(1));
  return taken;
}

// One multi-row INSERT for the admitted sign-ups. Throws the duplicate-key error when an
// address was registered since: the caller then looks the addresses up and decides again.
void insert_registrations(sql::Connection& c, long long event_id,
                          const std::vector<const SignupRequest*>& fresh,
                          const std::vector<size_t>& admitted,
                          const std::vector<const RegistrationReceipt*>& receipts,
                          const std::vector<long long>& invitation_ids,
                          const std::vector<char>& confirmation_owed) {
  SqlText insert(c, q::kInsertRegistrations);
  for (size_t n = 0; n < admitted.size(); ++n) {
    const Applicant& a = fresh[admitted[n]]->applicant;
    const RegistrationReceipt& receipt = *receipts[n];
    const std::string at = to_sql_time(fresh[admitted[n]]->received_at);
    insert.sql(n ? ",(" : "(").text(receipt.public_id).sql(",").number(event_id).sql(",");
    insert.number(receipt.number).sql(",").text(receipt.status).sql(",").text(a.email);
    insert.sql(",").text(a.email_key).sql(",").text(a.name).sql(",").text(a.name_kana);
    insert.sql(",").text(a.organization).sql(",").text(a.department).sql(",");
    if (a.category)
      insert.text(to_string(*a.category));
    else
      insert.null();
    insert.sql(",").text(a.phone).sql(",").text(a.question).sql(",").text(a.locale);
    insert.sql(",").text(at).sql(",");
    if (receipt.status == "confirmed")
      insert.text(at);
    else
      insert.null();
    insert.sql(",");
    const std::string& answers = fresh[admitted[n]]->answers_text;
    if (!a.answers.empty() && answers.empty())
      insert.text(codec::answers_text(a.answers));  // a caller that did not prepare them
    else if (answers.empty())
      insert.null();
    else
      insert.text(answers);
    insert.sql(",");
    if (long long invitation = invitation_ids[admitted[n]])
      insert.number(invitation);
    else
      insert.null();
    insert.sql(confirmation_owed[n] ? ",1)" : ",0)");
  }
  insert.execute_update();
}

// The mail each admitted sign-up owes. A confirmation with nothing else to send is owed by its
// registration row (confirmation_owed): the mail worker queues it (queue_owed_confirmations),
// which leaves the admission one row to write per sign-up, not two. With a meeting link already
// due, both are queued here, so the link never goes before the confirmation.
void owed_mail(const EventTiming& timing, const std::vector<const SignupRequest*>& fresh,
               const std::vector<size_t>& admitted,
               const std::vector<const RegistrationReceipt*>& receipts,
               std::vector<QueuedMail>& mails, std::vector<char>& confirmation_owed) {
  mails.clear();
  confirmation_owed.assign(admitted.size(), 0);
  for (size_t n = 0; n < admitted.size(); ++n) {
    const RegistrationReceipt& receipt = *receipts[n];
    const Instant at = fresh[admitted[n]]->received_at;
    if (receipt.status != "confirmed") {
      // "pending": received, under review; "waitlisted": the place in the queue.
      mails.push_back({receipt.public_id, receipt.status, receipt.status, at});
      continue;
    }
    const size_t before = mails.size();
    add_overdue_scheduled_mails(mails, receipt.public_id, timing.schedule, timing.starts_at,
                                timing.ends_at, at);
    if (mails.size() == before)
      confirmation_owed[n] = 1;
    else
      mails.insert(mails.begin() + static_cast<long>(before),
                   {receipt.public_id, "confirmation", "confirmation", at});
  }
}

// The invitations a batch presents, by code, locked (behind the ledger row: the lock order).
std::map<std::string, Invitation> presented_invitations(
    sql::Connection& c, long long event_id, const std::vector<const SignupRequest*>& fresh) {
  std::map<std::string, Invitation> out;
  SqlText query(c, q::kPresentedInvitations);
  query.number(event_id).sql(" AND code IN (");
  bool any = false;
  for (const auto* r : fresh) {
    if (r->applicant.invitation.empty()) continue;
    query.sql(any ? "," : "").text(r->applicant.invitation);
    any = true;
  }
  if (!any) return out;
  auto rs = query.sql(") FOR UPDATE").execute_query();
  while (rs->next()) {
    Invitation inv;
    inv.id = rs->getInt64(1);
    inv.code = rs->getString(2);
    inv.organization = rs->getString(3);
    inv.email_key = rs->getString(4);
    if (!rs->isNull(5)) inv.max_uses = rs->getInt(5);
    inv.uses = rs->getInt(6);
    inv.expires_at = optional_sql_time(*rs, 7);
    out.emplace(inv.code, std::move(inv));
  }
  return out;
}

// One attempt at admitting the batch, inside the caller's transaction: lock the ledger row,
// decide in arrival order, write the rows, their mail and answers, and the ledger.
BatchResult admit_locked(sql::Connection& c, long long event_id,
                         const std::vector<SignupRequest>& batch,
                         const std::function<void()>& on_locked) {
  BatchResult out;
  out.results.resize(batch.size());

  SqlText lock(c, q::kLockLedger);
  auto ledger = lock.number(event_id).sql(q::kForUpdate).execute_query();
  on_locked();
  if (!ledger->next()) {
    for (auto& r : out.results) r.outcome = SignupOutcome::kEventGone;
    return out;
  }
  const SeatCounts counts_before{ledger->getInt(1), ledger->getInt(2), ledger->getInt(3),
                                 ledger->getBoolean(4), ledger->getInt(5)};
  const int first_number = ledger->getInt(6);
  const EventTiming timing{from_sql_time(ledger->getString(7)), from_sql_time(ledger->getString(8)),
                           decode_schedule(ledger->getString(9))};
  const bool approval_required = ledger->getBoolean(10);
  const bool invitation_required = ledger->getBoolean(11);

  // 1. Idempotency: a key seen before answers with its first answer; the same key in this
  //    batch twice follows the first one (resolved after the decisions below).
  auto answers = stored_answers(c, event_id, batch);
  std::vector<const SignupRequest*> fresh;
  std::vector<size_t> fresh_index;
  std::map<std::string, size_t> first_with_key;  // key hash -> index in batch
  std::vector<std::pair<size_t, size_t>> followers;
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto& idem = batch[i].idempotency;
    if (idem) {
      if (auto it = answers.find(idem->key_hash); it != answers.end()) {
        out.results[i] = it->second.request_hash == idem->request_hash
                             ? it->second.result
                             : SignupResult{SignupOutcome::kIdempotencyConflict};
        continue;
      }
      auto [it, inserted] = first_with_key.emplace(idem->key_hash, i);
      if (!inserted) {
        followers.emplace_back(i, it->second);
        continue;
      }
    }
    fresh.push_back(&batch[i]);
    fresh_index.push_back(i);
  }

  // 1b. Invitations: those presented are looked up and judged; a sign-up refused for its
  //     invitation goes no further. Each accepted one enters the rules with its uses left.
  AdmissionRules rules_before{approval_required, {}};
  std::vector<long long> invitation_rows;     // the invitations' ids, by rules index
  std::vector<int> invitation_of(fresh.size(), -1);  // per fresh sign-up: a rules index
  const bool any_code = std::any_of(fresh.begin(), fresh.end(), [](const SignupRequest* r) {
    return !r->applicant.invitation.empty();
  });
  if (invitation_required || any_code) {
    auto found = presented_invitations(c, event_id, fresh);
    std::map<long long, int> index_of;
    std::vector<const SignupRequest*> kept;
    std::vector<size_t> kept_index;
    std::vector<int> kept_invitation;
    for (size_t k = 0; k < fresh.size(); ++k) {
      const Applicant& a = fresh[k]->applicant;
      auto it = found.find(a.invitation);
      const Invitation* inv = it == found.end() ? nullptr : &it->second;
      int index = -1;
      switch (judge_invitation(inv, invitation_required, a.email_key, fresh[k]->received_at)) {
        case InvitationVerdict::kRequired:
          out.results[fresh_index[k]].outcome = SignupOutcome::kInvitationRequired;
          continue;
        case InvitationVerdict::kUsedUp:
          out.results[fresh_index[k]].outcome = SignupOutcome::kInvitationUsedUp;
          continue;
        case InvitationVerdict::kIgnored:
          break;
        case InvitationVerdict::kAccepted: {
          auto [pos, added] = index_of.emplace(inv->id, static_cast<int>(invitation_rows.size()));
          if (added) {
            invitation_rows.push_back(inv->id);
            rules_before.invitation_uses_left.push_back(
                inv->max_uses ? std::max(0, *inv->max_uses - inv->uses) : -1);
          }
          index = pos->second;
          break;
        }
      }
      kept.push_back(fresh[k]);
      kept_index.push_back(fresh_index[k]);
      kept_invitation.push_back(index);
    }
    fresh = std::move(kept);
    fresh_index = std::move(kept_index);
    invitation_of = std::move(kept_invitation);
  }
  std::vector<long long> invitation_ids(fresh.size(), 0);  // per fresh sign-up: its row, or 0
  std::vector<AdmissionCandidate> candidates;
  candidates.reserve(fresh.size());
  for (size_t k = 0; k < fresh.size(); ++k) {
    candidates.push_back(
        {fresh[k]->applicant.email_key, fresh[k]->applicant.wants_waitlist, invitation_of[k]});
    if (invitation_of[k] >= 0) invitation_ids[k] = invitation_rows[invitation_of[k]];
  }

  // 2. First come, first served over what is left, and one multi-row insert for everyone
  //    admitted. The decision first assumes no address is registered yet, which saves a
  //    lookup in the rush; the addresses are looked up, and the batch decided again, when
  //    the unique key on (event, address) refuses the insert or when someone would be
  //    refused a seat (a registered person hears "already registered", not "sold out").
  SeatCounts counts;
  int next_number = 0;
  std::vector<size_t> admitted;
  std::vector<QueuedMail> mails;       // what the admitted are sent, queued in this transaction
  std::vector<char> confirmation_owed;  // per admitted: its confirmation owed by its row alone
  std::unordered_set<std::string> taken;
  for (bool looked_up = false;; looked_up = true) {
    counts = counts_before;
    next_number = first_number;
    AdmissionRules rules = rules_before;
    auto decisions = decide_admissions(candidates, taken, counts, next_number, rules);
    admitted.clear();
    std::vector<const RegistrationReceipt*> receipts;
    for (size_t k = 0; k < fresh.size(); ++k) {
      auto& result = out.results[fresh_index[k]];
      const auto& d = decisions[k];
      result = {};
      switch (d.outcome) {
        case AdmissionOutcome::kConfirmed:
        case AdmissionOutcome::kWaitlisted:
        case AdmissionOutcome::kPending: {
          result.outcome = d.outcome == AdmissionOutcome::kConfirmed  ? SignupOutcome::kConfirmed
                           : d.outcome == AdmissionOutcome::kPending ? SignupOutcome::kPending
                                                                      : SignupOutcome::kWaitlisted;
          result.receipt = {random_hex_id(),
                            d.number,
                            to_string(d.outcome),
                            fresh[k]->applicant.email,
                            fresh[k]->received_at,
                            d.waitlist_position};
          admitted.push_back(k);
          receipts.push_back(&result.receipt);
          break;
        }
        case AdmissionOutcome::kSoldOut:
          result.outcome = SignupOutcome::kSoldOut;
          break;
        case AdmissionOutcome::kAlreadyRegistered:
          result.outcome = SignupOutcome::kAlreadyRegistered;
          break;
        case AdmissionOutcome::kInvitationUsedUp:
          result.outcome = SignupOutcome::kInvitationUsedUp;
          break;
      }
    }
    // Someone refused a seat may hold one already: that answer comes first.
    bool refused = std::any_of(decisions.begin(), decisions.end(), [](const auto& d) {
      return d.outcome == AdmissionOutcome::kSoldOut ||
             d.outcome == AdmissionOutcome::kInvitationUsedUp;
    });
    if (refused && !looked_up) {
      taken = taken_emails(c, event_id, fresh);
      continue;
    }
    if (admitted.empty()) break;
    owed_mail(timing, fresh, admitted, receipts, mails, confirmation_owed);
    try {
      insert_registrations(c, event_id, fresh, admitted, receipts, invitation_ids,
                           confirmation_owed);
      break;
    } catch (const sql::SQLException& e) {
      // Only this statement was rolled back; the ledger row stays locked.
      if (e.getErrorCode() != q::kDuplicateKey || looked_up) throw;
      taken = taken_emails(c, event_id, fresh);
    }
  }

  // 3. The mail owed beside the rows, the idempotency answers, and the ledger: all in this
  //    same transaction.
  if (!admitted.empty()) {
    insert_mails(c, event_id, mails, fresh[admitted.back()]->received_at);

    SqlText keys(c, q::kInsertAnswers);
    bool any_key = false;
    for (size_t k : admitted) {
      if (!fresh[k]->idempotency) continue;
      const auto& receipt = out.results[fresh_index[k]].receipt;
      keys.sql(any_key ? ",(" : "(").number(event_id).sql(",");
      keys.bytes(fresh[k]->idempotency->key_hash).sql(",");
      keys.bytes(fresh[k]->idempotency->request_hash).sql(",").text(receipt.public_id);
      keys.sql(",").text(receipt.status).sql(",").number(receipt.waitlist_position).sql(",");
      keys.text(to_sql_time(fresh[k]->received_at)).sql(")");
      any_key = true;
    }
    if (any_key) keys.execute_update();

    // The uses each invitation gave, counted on its row (behind the same locks).
    std::map<long long, int> uses;
    for (size_t k : admitted)
      if (invitation_ids[k]) ++uses[invitation_ids[k]];
    for (auto [invitation, n] : uses) {
      SqlText take(c, q::kTakeInvitationUses);
      take.number(n).sql(" WHERE id = ").number(invitation).execute_update();
    }

    SqlText write(c, q::kWriteLedger);
    write.number(counts.confirmed).sql(", waitlisted_count = ").number(counts.waitlisted);
    write.sql(", next_number = ").number(next_number).sql(" WHERE id = ").number(event_id);
    write.execute_update();
  }

  for (auto [follower, leader] : followers) {
    const auto& lead = out.results[leader];
    bool same =
        batch[follower].idempotency->request_hash == batch[leader].idempotency->request_hash;
    bool stored = stores_registration(lead.outcome);
    if (!same)
      out.results[follower] = {SignupOutcome::kIdempotencyConflict};
    else if (stored) {
      out.results[follower] = lead;
      out.results[follower].replayed = true;
    } else {
      out.results[follower] = lead;  // sold out / duplicate: the same answer, nothing stored
    }
  }
  for (auto& r : out.results) r.waitlist_available = counts.waitlist_has_room();
  out.counts_after = counts;
  return out;
}

}  // namespace

bool stores_registration(SignupOutcome o) {
  return o == SignupOutcome::kConfirmed || o == SignupOutcome::kWaitlisted ||
         o == SignupOutcome::kPending;
}

BatchResult SeatLedger::admit(long long event_id, const std::vector<SignupRequest>& batch,
                              const std::function<void()>& on_locked) {
  bool told = false;
  for (int attempt = 1;; ++attempt) {
    BatchResult out;
    try {
      in_transaction(pool_, [&](sql::Connection& c) {
        out = admit_locked(c, event_id, batch, [&] {
          if (on_locked && !told) {
            told = true;
            on_locked();
          }
        });
      });
      return out;
    } catch (const CommitOutcomeUnknown& e) {
      // The COMMIT was sent and its answer lost. The batch is stored whole or not at all: look
      // its new rows up before anyone is told anything.
      std::vector<std::string> ids;
      for (const auto& r : out.results)
        if (!r.replayed && stores_registration(r.outcome))
          ids.push_back(r.receipt.public_id);
      if (ids.empty()) return out;                // it wrote nothing: the answers hold either way
      bool stored = batch_stored(event_id, ids);  // throws DatabaseUnavailable if it cannot tell
      std::fprintf(stderr, "admission: answer to COMMIT lost (%s); read back: %s\n", e.what(),
                   stored ? "stored" : "not stored");
      if (stored) return out;
      if (attempt == kAdmitAttempts)
        throw DatabaseUnavailable("the batch was not stored after a lost COMMIT");
    }
  }
}

bool SeatLedger::batch_stored(long long event_id, const std::vector<std::string>& public_ids) {
  const auto deadline = std::chrono::steady_clock::now() + kReadBackWithin;
  for (;;) {
    try {
      // Behind the ledger row's lock: a transaction of ours still running on the server (the
      // connection dropped, the server not yet aware) ends before this reads.
      return in_transaction(pool_, [&](sql::Connection& c) {
        SqlText lock(c, q::kLockLedger);
        lock.number(event_id).sql(q::kForUpdate).execute_query();
        SqlText count(c, q::kCountByPublicId);
        for (size_t i = 0; i < public_ids.size(); ++i) count.sql(i ? "," : "").text(public_ids[i]);
        auto rs = count.sql(")").execute_query();
        long long found = rs->next() ? rs->getInt64(1) : 0;
        if (found != 0 && found != static_cast<long long>(public_ids.size()))
          throw std::logic_error("a batch is stored in part: " + std::to_string(found) + " of " +
                                 std::to_string(public_ids.size()) + " rows");
        return found != 0;
      });
    } catch (const DatabaseUnavailable&) {
      if (std::chrono::steady_clock::now() >= deadline) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the server restarting
    }
  }
}

std::vector<std::string> SeatLedger::registered_email_keys(long long event_id) {
  return with_connection(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kRegisteredEmails));
    st->setInt64(1, event_id);
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    std::vector<std::string> keys;
    while (rs->next()) keys.push_back(rs->getString(1));
    return keys;
  });
}

std::optional<SignupResult> SeatLedger::replay(long long event_id, const IdempotencyKey& key) {
  SignupRequest request;
  request.idempotency = key;
  return with_connection(pool_, [&](sql::Connection& c) -> std::optional<SignupResult> {
    auto answers = stored_answers(c, event_id, {request});
    auto it = answers.find(key.key_hash);
    if (it == answers.end()) return std::nullopt;
    if (it->second.request_hash != key.request_hash)
      return SignupResult{SignupOutcome::kIdempotencyConflict};
    return it->second.result;
  });
}

}  // namespace regdesk::store
