#include "store/seat_ledger.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <map>
#include <memory>
#include <unordered_map>

#include "store/connection_pool.hpp"
#include "store/random_id.hpp"
#include "store/sql_time.hpp"
#include "store/waitlist.hpp"

namespace regdesk::store {

namespace q {
constexpr const char* kLockLedger =
    "SELECT capacity, confirmed_count, waitlisted_count, waitlist_enabled, waitlist_capacity,"
    " next_number, starts_at, ends_at, mail_schedule FROM events WHERE id = ? FOR UPDATE";
constexpr const char* kStoredAnswers =
    "SELECT i.key_hash, i.request_hash, i.status, i.waitlist_position, r.public_id, r.number,"
    " r.email, r.registered_at FROM idempotency_keys i"
    " JOIN registrations r ON r.public_id = i.registration_public_id"
    " WHERE i.event_id = ? AND i.key_hash IN ";
constexpr const char* kTakenEmails =
    "SELECT email_key FROM registrations WHERE event_id = ? AND email_key IN ";
constexpr const char* kInsertRegistrations =
    "INSERT INTO registrations (public_id, event_id, number, status, email, email_key, name,"
    " name_kana, organization, department, category, phone, question, locale, registered_at,"
    " confirmed_at) VALUES ";
constexpr const char* kRegistrationRow = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
constexpr int kRegistrationColumns = 16;
constexpr const char* kInsertAnswers =
    "INSERT INTO idempotency_keys (event_id, key_hash, request_hash, registration_public_id,"
    " status, waitlist_position, created_at) VALUES ";
constexpr const char* kAnswerRow = "(?,?,?,?,?,?,?)";
constexpr const char* kWriteLedger =
    "UPDATE events SET confirmed_count = ?, waitlisted_count = ?, next_number = ? WHERE id = ?";
}  // namespace q

namespace {

std::string rows(const char* row, size_t n) {
  std::string s;
  s.reserve(n * (std::char_traits<char>::length(row) + 1));
  for (size_t i = 0; i < n; ++i) {
    if (i) s += ',';
    s += row;
  }
  return s;
}

struct StoredAnswer {
  std::string request_hash;
  SignupResult result;
};

std::unordered_map<std::string, StoredAnswer> stored_answers(
    sql::Connection& c, long long event_id, const std::vector<SignupRequest>& batch) {
  std::vector<const std::string*> keys;
  for (const auto& r : batch)
    if (r.idempotency) keys.push_back(&r.idempotency->key_hash);
  std::unordered_map<std::string, StoredAnswer> out;
  if (keys.empty()) return out;
  std::unique_ptr<sql::PreparedStatement> st(
      c.prepareStatement(std::string(q::kStoredAnswers) + "(" + placeholders(keys.size()) + ")"));
  st->setInt64(1, event_id);
  for (size_t i = 0; i < keys.size(); ++i) st->setString(static_cast<int>(i + 2), *keys[i]);
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
  while (rs->next()) {
    StoredAnswer a;
    a.request_hash = rs->getString(2);
    std::string status = rs->getString(3);
    a.result.outcome =
        status == "confirmed" ? SignupOutcome::kConfirmed : SignupOutcome::kWaitlisted;
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
  std::unordered_set<std::string> keys;
  for (const auto* r : fresh) keys.insert(r->applicant.email_key);
  std::unordered_set<std::string> taken;
  if (keys.empty()) return taken;
  std::unique_ptr<sql::PreparedStatement> st(
      c.prepareStatement(std::string(q::kTakenEmails) + "(" + placeholders(keys.size()) + ")"));
  st->setInt64(1, event_id);
  int i = 2;
  for (const auto& k : keys) st->setString(i++, k);
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
  while (rs->next()) taken.insert(rs->getString(1));
  return taken;
}

}  // namespace

BatchResult SeatLedger::admit(long long event_id, const std::vector<SignupRequest>& batch,
                              const std::function<void()>& on_locked) {
  bool told = false;
  return in_transaction(pool_, [&](sql::Connection& c) {
    BatchResult out;
    out.results.resize(batch.size());

    std::unique_ptr<sql::PreparedStatement> lock(c.prepareStatement(q::kLockLedger));
    lock->setInt64(1, event_id);
    std::unique_ptr<sql::ResultSet> ledger(lock->executeQuery());
    if (on_locked && !told) {
      told = true;
      on_locked();
    }
    if (!ledger->next()) {
      for (auto& r : out.results) r.outcome = SignupOutcome::kEventGone;
      return out;
    }
    SeatCounts counts{ledger->getInt(1), ledger->getInt(2), ledger->getInt(3),
                      ledger->getBoolean(4), ledger->getInt(5)};
    int next_number = ledger->getInt(6);
    const EventTiming timing{from_sql_time(ledger->getString(7)),
                             from_sql_time(ledger->getString(8)),
                             decode_schedule(ledger->getString(9))};

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

    // 2. First come, first served over what is left, against addresses already registered.
    std::vector<AdmissionCandidate> candidates;
    candidates.reserve(fresh.size());
    for (const auto* r : fresh)
      candidates.push_back({r->applicant.email_key, r->applicant.wants_waitlist});
    auto decisions =
        decide_admissions(candidates, taken_emails(c, event_id, fresh), counts, next_number);

    // 3. One multi-row insert for every admitted sign-up, one for their idempotency answers.
    std::vector<size_t> admitted;
    for (size_t k = 0; k < fresh.size(); ++k) {
      auto& result = out.results[fresh_index[k]];
      const auto& d = decisions[k];
      switch (d.outcome) {
        case AdmissionOutcome::kConfirmed:
        case AdmissionOutcome::kWaitlisted: {
          bool confirmed = d.outcome == AdmissionOutcome::kConfirmed;
          result.outcome = confirmed ? SignupOutcome::kConfirmed : SignupOutcome::kWaitlisted;
          result.receipt = {random_hex_id(),
                            d.number,
                            confirmed ? "confirmed" : "waitlisted",
                            fresh[k]->applicant.email,
                            fresh[k]->received_at,
                            d.waitlist_position};
          admitted.push_back(k);
          break;
        }
        case AdmissionOutcome::kSoldOut:
          result.outcome = SignupOutcome::kSoldOut;
          break;
        case AdmissionOutcome::kAlreadyRegistered:
          result.outcome = SignupOutcome::kAlreadyRegistered;
          break;
      }
    }
    if (!admitted.empty()) {
      std::unique_ptr<sql::PreparedStatement> ins(c.prepareStatement(
          std::string(q::kInsertRegistrations) + rows(q::kRegistrationRow, admitted.size())));
      std::vector<QueuedMail> mails;
      int p = 1;
      for (size_t k : admitted) {
        const Applicant& a = fresh[k]->applicant;
        const auto& receipt = out.results[fresh_index[k]].receipt;
        std::string at = to_sql_time(fresh[k]->received_at);
        ins->setString(p++, receipt.public_id);
        ins->setInt64(p++, event_id);
        ins->setInt(p++, receipt.number);
        ins->setString(p++, receipt.status);
        ins->setString(p++, a.email);
        ins->setString(p++, a.email_key);
        ins->setString(p++, a.name);
        ins->setString(p++, a.name_kana);
        ins->setString(p++, a.organization);
        ins->setString(p++, a.department);
        if (a.category)
          ins->setString(p++, to_string(*a.category));
        else
          ins->setNull(p++, 0);
        ins->setString(p++, a.phone);
        ins->setString(p++, a.question);
        ins->setString(p++, a.locale);
        ins->setString(p++, at);
        if (receipt.status == "confirmed")
          ins->setString(p++, at);
        else
          ins->setNull(p++, 0);
        // The mail each outcome owes, queued in this same transaction.
        if (receipt.status == "confirmed") {
          mails.push_back(
              {receipt.public_id, "confirmation", "confirmation", fresh[k]->received_at});
          add_overdue_scheduled_mails(mails, receipt.public_id, timing.schedule, timing.starts_at,
                              timing.ends_at, fresh[k]->received_at);
        } else {
          mails.push_back({receipt.public_id, "waitlisted", "waitlisted", fresh[k]->received_at});
        }
      }
      static_assert(q::kRegistrationColumns == 16);
      ins->executeUpdate();
      insert_mails(c, event_id, mails, fresh[admitted.back()]->received_at);

      std::vector<size_t> keyed;
      for (size_t k : admitted)
        if (fresh[k]->idempotency) keyed.push_back(k);
      if (!keyed.empty()) {
        std::unique_ptr<sql::PreparedStatement> keys(
            c.prepareStatement(std::string(q::kInsertAnswers) + rows(q::kAnswerRow, keyed.size())));
        int kp = 1;
        for (size_t k : keyed) {
          const auto& receipt = out.results[fresh_index[k]].receipt;
          keys->setInt64(kp++, event_id);
          keys->setString(kp++, fresh[k]->idempotency->key_hash);
          keys->setString(kp++, fresh[k]->idempotency->request_hash);
          keys->setString(kp++, receipt.public_id);
          keys->setString(kp++, receipt.status);
          keys->setInt(kp++, receipt.waitlist_position);
          keys->setString(kp++, to_sql_time(fresh[k]->received_at));
        }
        keys->executeUpdate();
      }

      std::unique_ptr<sql::PreparedStatement> write(c.prepareStatement(q::kWriteLedger));
      write->setInt(1, counts.confirmed);
      write->setInt(2, counts.waitlisted);
      write->setInt(3, next_number);
      write->setInt64(4, event_id);
      write->executeUpdate();
    }

    for (auto [follower, leader] : followers) {
      const auto& lead = out.results[leader];
      bool same =
          batch[follower].idempotency->request_hash == batch[leader].idempotency->request_hash;
      bool stored =
          lead.outcome == SignupOutcome::kConfirmed || lead.outcome == SignupOutcome::kWaitlisted;
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
  });
}

}  // namespace regdesk::store
