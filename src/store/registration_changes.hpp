#pragma once
// Changes to one existing registration after its sign-up, by the person (their manage token)
// or by an organiser: the details edited, a mail sent again, a waitlisted person promoted by
// hand. Each runs in one transaction with its audit entry; what may be done in which status is
// decided by domain/registration_change.hpp.

#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "domain/registration_change.hpp"
#include "store/audit_log.hpp"

namespace regdesk::store {

class ConnectionPool;

enum class ChangeOutcome {
  kDone,
  kUnchanged,  // an edit that changed nothing: nothing written
  kInvalid,    // field errors (errors)
  kRefused,    // the status does not allow it (refusal: the 409 code)
  kNotFound,
};

struct ChangeResult {
  ChangeOutcome outcome = ChangeOutcome::kNotFound;
  std::vector<FieldError> errors;
  std::string refusal;
  std::vector<FieldChange> changes;  // edits
  std::string mail_kind;             // resends: the kind queued
  bool already_queued = false;       // resends: one was still waiting to go; none added
  long long event_id = 0;
};

// Thread-safe.
class RegistrationChanges {
 public:
  explicit RegistrationChanges(ConnectionPool& pool) : pool_(pool) {}

  // Merges `edit` into the stored details, validates them for `event` as a sign-up, and stores
  // them with `audit` (its detail: the changed fields, before and after). `event_id` 0: any.
  ChangeResult edit_details(long long event_id, const std::string& public_id, const Event& event,
                            const SignupForm& edit, const AuditEntry& audit);

  // Queues `mail` for the registration again (decide_resend), unless a resend of that kind is
  // still queued for it: a burst of requests queues one mail.
  ChangeResult resend(long long event_id, const std::string& public_id, ResendMail mail,
                      Instant now, const AuditEntry* audit);
  // The person's own request by address: the sign-up mail of the active registration of
  // `email_key` (the normalised address lower-cased) for the event `slug`, and, for a confirmed
  // registration whose meeting link has gone out, that too. kNotFound for no such registration.
  ChangeResult resend_by_address(const std::string& slug, const std::string& email_key,
                                 Instant now);

  // A waitlisted registration confirmed by hand into a free seat, holding the event's ledger
  // row like a cancellation; queues the promotion mail (and the meeting link when due).
  ChangeResult promote(long long event_id, const std::string& public_id, Instant now,
                       const AuditEntry& audit);

 private:
  ConnectionPool& pool_;
};

}  // namespace regdesk::store
