#pragma once
// Invitations of an event (domain/invitation.hpp): codes for organisations, personal
// invitations imported from a list and mailed through the outbox, and the uses each has had.
// The admission transaction takes uses (store/seat_ledger.cpp); cancelling or declining gives
// one back (give_back_invitation_use).

#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "domain/invitation.hpp"
#include "store/audit_log.hpp"

namespace sql {
class Connection;
}

namespace regdesk::store {

class ConnectionPool;

struct InvitationRow {
  Invitation invitation;
  std::string name, email;  // a personal invitation's invitee
  Instant created_at;
  std::string created_by;
  int registrations = 0;  // all made with it, cancelled ones too
};

struct NewInvitation {
  std::string organization;
  std::optional<int> max_uses;
  std::optional<Instant> expires_at;
};

struct Invitee {  // one line of an imported list
  std::string email, email_key, name, organization;
  std::string locale = "ja";
};

struct ImportResult {
  int created = 0;
  std::vector<std::string> already_invited;  // addresses with a personal invitation already
};

// Thread-safe.
class InvitationStore {
 public:
  explicit InvitationStore(ConnectionPool& pool) : pool_(pool) {}
  // A new code for an organisation; `audit` is written in the same transaction.
  InvitationRow create(long long event_id, const NewInvitation& spec, Instant now,
                       const AuditEntry& audit);
  std::vector<InvitationRow> list(long long event_id);
  // One personal invitation (one use, that address only) and its mail per invitee, all in one
  // transaction. Someone invited before keeps their invitation and is not mailed again.
  ImportResult import(long long event_id, const std::vector<Invitee>& invitees,
                      const std::optional<Instant>& expires_at, Instant now,
                      const AuditEntry& audit);

 private:
  ConnectionPool& pool_;
};

// Inside a cancellation or a decline: the registration's invitation may be used once more.
void give_back_invitation_use(sql::Connection& c, long long registration_id);

}  // namespace regdesk::store
