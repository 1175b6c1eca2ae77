#pragma once
// The approval queue of events with `registration.approval: required`: organisers approve
// pending registrations (a seat, else a waitlist place, else nothing) or decline them. Each call
// is one transaction holding the event's ledger row, like admission, so the cap stays exact
// however many organisers and processes approve at once.

#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "domain/event.hpp"
#include "domain/event_rules.hpp"
#include "store/audit_log.hpp"

namespace regdesk::store {

class ConnectionPool;

enum class DecisionOutcome {
  kDecided,     // approved (confirmed or waitlisted) or declined, as asked
  kAlready,     // it had been decided so before: a retry, or two organisers at once
  kSoldOut,     // approving found neither a seat nor a waitlist place; it stays pending
  kNotPending,  // decided otherwise before, cancelled, or not an approval sign-up
  kNotFound,
};
const char* to_string(DecisionOutcome o);

struct DecisionResult {
  std::string public_id;
  DecisionOutcome outcome = DecisionOutcome::kNotFound;
  std::string status;  // the registration's status after the call ("" when not found)
  int number = 0;
  int waitlist_position = 0;
};

struct Decisions {
  std::vector<DecisionResult> results;  // one per distinct id, in the order asked
  SeatCounts counts_after;
};

// Thread-safe.
class ApprovalStore {
 public:
  explicit ApprovalStore(ConnectionPool& pool) : pool_(pool) {}
  // Approves in 受付番号 order (first come, first served among those chosen), queues each
  // person's mail (confirmation and what the schedule already owes, or waitlisted), and writes
  // one audit entry per decision from `audit` (its target and detail are filled in).
  Decisions approve(long long event_id, const std::vector<std::string>& public_ids, Instant now,
                    const AuditEntry& audit);
  // Declines pending registrations: status `declined`, the address free to sign up again,
  // `message` kept for the mail. (A confirmed person is cancelled instead, as anyone is.)
  Decisions decline(long long event_id, const std::vector<std::string>& public_ids,
                    const LocalizedText& message, Instant now, const AuditEntry& audit);

 private:
  enum class Verdict { kApprove, kDecline };
  Decisions decide(long long event_id, const std::vector<std::string>& public_ids,
                   Verdict verdict, const LocalizedText& message, Instant now,
                   const AuditEntry& audit);
  ConnectionPool& pool_;
};

}  // namespace regdesk::store
