#pragma once
// The seat ledger: admits a batch of sign-ups for one event in ONE transaction (group
// admission). The event's ledger row is locked FOR UPDATE, so every process that admits to the
// same event is serialised there, and the cap is exact however many processes run.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/admission.hpp"
#include "domain/signup.hpp"

namespace regdesk::store {

class ConnectionPool;

struct IdempotencyKey {
  std::string key_hash;      // SHA-256 of the client's Idempotency-Key
  std::string request_hash;  // SHA-256 of the request body
};

struct SignupRequest {
  Applicant applicant;
  std::optional<IdempotencyKey> idempotency;
  Instant received_at;
  // The answers as stored (codec::answers_text), written by GroupAdmission::submit on the
  // caller's thread: the event's ledger row stays locked while its batch's INSERT is built, so
  // that is no place for JSON. "" for a form without questions.
  std::string answers_text = {};
};

// What the registrant is told (never the manage token or the meeting link).
struct RegistrationReceipt {
  std::string public_id;
  int number = 0;
  std::string status;  // confirmed | waitlisted | pending (approval required)
  std::string email;
  Instant registered_at;
  int waitlist_position = 0;
};

enum class SignupOutcome {
  kConfirmed,
  kWaitlisted,
  kPending,  // stored, waiting for an organiser's approval; no seat held
  kSoldOut,
  kAlreadyRegistered,
  kInvitationRequired,  // the event takes only those invited: none, unknown, or another's
  kInvitationUsedUp,    // expired, or its uses are all taken
  kIdempotencyConflict,
  kEventGone,
  kUnavailable,  // the database could not be reached; nothing was stored
};

// Whether the outcome is a registration the database stored (and the client hears 201).
bool stores_registration(SignupOutcome o);

struct SignupResult {
  SignupOutcome outcome = SignupOutcome::kUnavailable;
  RegistrationReceipt receipt;  // for the outcomes that store a registration
  bool replayed = false;        // the first answer to this Idempotency-Key, given again
  bool waitlist_available = false;
};

struct BatchResult {
  std::vector<SignupResult> results;  // one per request, same order
  SeatCounts counts_after;
};

// Thread-safe; the batching itself is GroupAdmission's job.
class SeatLedger {
 public:
  explicit SeatLedger(ConnectionPool& pool) : pool_(pool) {}
  // Returns only what the database stored: when the answer to the COMMIT is lost, the batch's
  // rows are looked up on another connection (waiting up to kReadBackWithin for the server to
  // come back) and the batch is run again if they are not there.
  // Throws DatabaseUnavailable when the database cannot be reached. `on_locked` runs once,
  // as soon as this transaction holds the event's ledger row (GroupAdmission uses it to let
  // the next batch queue up behind the lock, in order).
  BatchResult admit(long long event_id, const std::vector<SignupRequest>& batch,
                    const std::function<void()>& on_locked = {});
  // The first answer to this Idempotency-Key, given again (`replayed`), or
  // kIdempotencyConflict when the key came with another body; nothing when the key is new.
  // For a retry that arrives after the window closed: it still gets its first answer.
  std::optional<SignupResult> replay(long long event_id, const IdempotencyKey& key);
  // The duplicate keys (lower-cased addresses) of the event's active registrations.
  std::vector<std::string> registered_email_keys(long long event_id);

 private:
  static constexpr int kAdmitAttempts = 3;
  static constexpr std::chrono::seconds kReadBackWithin{10};

  // Whether the registrations with these public ids are stored (all or none of a batch are).
  bool batch_stored(long long event_id, const std::vector<std::string>& public_ids);

  ConnectionPool& pool_;
};

}  // namespace regdesk::store
