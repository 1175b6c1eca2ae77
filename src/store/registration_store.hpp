#pragma once
// Registrations looked up by their mailed tokens or ids, cancelled (freeing the seat for the
// waitlist in the same transaction), and joins recorded.

#include <optional>
#include <string>

#include "domain/clock.hpp"
#include "store/audit_log.hpp"
#include "store/tokens.hpp"

namespace regdesk::store {

class ConnectionPool;

struct RegistrationView {
  long long id = 0;
  std::string public_id;
  long long event_id = 0;
  std::string event_slug;
  int number = 0;
  std::string status;  // confirmed | waitlisted | pending | declined | cancelled
  std::string email;
  std::string name;
  std::string locale;
  Instant registered_at;
  std::optional<Instant> cancelled_at;
  std::optional<Instant> first_joined_at;  // the join button: first and last press, count
  std::string organization;
  std::optional<Instant> last_joined_at;
  int join_count = 0;
  std::optional<int> minutes_attended;  // from imported reports; none matched: nullopt
  std::optional<Instant> attended_from, attended_until;
  std::optional<Instant> unsubscribed_at;  // no more announcements or follow-ups
  int waitlist_position = 0;               // for waitlisted
  // The rest of what the person typed, for their own page and its edit form.
  std::string name_kana, department, category, phone, question;
  std::string answers;  // JSON object (codec/answers.hpp); "" for none
};

enum class CancelOutcome { kCancelled, kAlreadyCancelled, kNotFound };

struct CancelResult {
  CancelOutcome outcome = CancelOutcome::kNotFound;
  RegistrationView registration;  // as it is after the call
  int promoted = 0;               // waitlisted people who got the freed seat
};

// Thread-safe.
class RegistrationStore {
 public:
  explicit RegistrationStore(ConnectionPool& pool) : pool_(pool) {}

  // A token whose HMAC is wrong finds nothing.
  std::optional<RegistrationView> find_by_token(TokenKind kind, const std::string& token);
  std::optional<RegistrationView> find(long long event_id, const std::string& public_id);
  // Cancels and, if a seat was freed, promotes the first waitlisted person; queues the
  // cancellation and promotion mails and drops what was scheduled for the cancelled person.
  CancelResult cancel_by_token(const std::string& manage_token, Instant now);
  // By an organiser: `audit` is written in the same transaction when it cancels.
  CancelResult cancel(long long event_id, const std::string& public_id, Instant now,
                      const AuditEntry& audit);
  // A press of the join button: first_joined_at is set once, last_joined_at and the count
  // every time.
  void record_join(long long registration_id, Instant now);
  // The certificate number of a registration (store/tokens.hpp), and the registration a
  // certificate number belongs to when its check part is right.
  std::string certificate_number(const std::string& slug, int number, const std::string& public_id);
  std::optional<RegistrationView> find_by_certificate(const std::string& certificate_number);
  // Stops announcements and follow-ups (RFC 8058 one-click); the first time is kept.
  void unsubscribe(long long registration_id, Instant now);

 private:
  CancelResult cancel_where(const std::string& column, const std::string& value, long long event_id,
                            Instant now, const AuditEntry* audit);
  std::optional<std::string> registration_of(TokenKind kind, const std::string& token);
  ConnectionPool& pool_;
  TokenKey token_key_;
};

}  // namespace regdesk::store
