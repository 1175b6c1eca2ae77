#pragma once
// Organiser accounts, their sign-in sessions, and API tokens. Secrets are never stored: a
// password as argon2id, a session cookie and an API token as their SHA-256. Every change
// writes its audit entry in the same transaction.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/access.hpp"
#include "store/audit_log.hpp"

namespace regdesk::store {

class ConnectionPool;

struct UserRecord {
  long long id = 0;
  std::string email;
  Role role = Role::kViewer;
  std::vector<std::string> events;
  std::string password_hash;
  std::string totp_secret;  // "" without TOTP
  bool disabled = false;
  Instant created_at;
};

struct NewUser {
  std::string email;  // normalised (domain::normalize_email)
  Role role = Role::kViewer;
  std::vector<std::string> events;
  std::string password_hash;
  std::string totp_secret;
};

struct UserChange {
  std::optional<Role> role;
  std::optional<std::vector<std::string>> events;
  std::optional<bool> disabled;
  std::optional<std::string> password_hash;
};

struct SessionRecord {
  UserRecord user;
  std::string csrf_token;
  Instant created_at, last_seen_at;
  bool ended = false;
};

struct TokenRecord {
  long long id = 0;
  std::string name;
  Role role = Role::kViewer;
  std::vector<std::string> events;
  std::optional<Instant> expires_at;
  Instant created_at;
  std::string created_by;
  bool revoked = false;
};

struct NewToken {
  std::string token_hash;  // SHA-256 hex of the token handed out once
  std::string name;
  Role role = Role::kViewer;
  std::vector<std::string> events;
  std::optional<Instant> expires_at;
  std::string created_by;
  Instant now;
};

// Thread-safe.
class AccountStore {
 public:
  explicit AccountStore(ConnectionPool& pool) : pool_(pool) {}

  // nullopt when the address has an account already.
  std::optional<long long> add_user(const NewUser& user, Instant now, const AuditEntry& audit);
  std::vector<UserRecord> users();
  std::optional<UserRecord> user_by_email(const std::string& normalised_email);
  enum class ChangeOutcome { kChanged, kNoSuchUser, kLastOwner };
  // Disabling a user or changing the password ends the user's sessions. The last active
  // owner cannot be demoted or disabled (kLastOwner, nothing changed).
  ChangeOutcome change_user(long long id, const UserChange& change, Instant now,
                            const AuditEntry& audit);
  // True once per step: a TOTP code cannot be replayed within its window.
  bool accept_totp_step(long long user_id, int64_t step);

  void start_session(const std::string& id_hash, long long user_id, const std::string& csrf_token,
                     const std::string& client, Instant now, const AuditEntry& audit);
  std::optional<SessionRecord> session(const std::string& id_hash);
  // Records activity (at most one write a minute per session).
  void touch_session(const std::string& id_hash, Instant now);
  void end_session(const std::string& id_hash, Instant now, const AuditEntry& audit);

  long long create_token(const NewToken& token, const AuditEntry& audit);
  std::optional<TokenRecord> token_by_hash(const std::string& token_hash);
  std::vector<TokenRecord> tokens();

 private:
  ConnectionPool& pool_;
};

}  // namespace regdesk::store
