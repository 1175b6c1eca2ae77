#pragma once
// The audit trail: who saw or changed what, when, from where. Append-only (nothing here
// updates or deletes an entry, and the purge leaves the table alone). A change writes its
// entry inside its own transaction (append_audit on that connection); a read of personal
// data writes its entry before the data leaves (AuditLog::append).

#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"

namespace sql {
class Connection;
}

namespace regdesk::store {

class ConnectionPool;

struct AuditEntry {
  Instant at;
  std::string actor;   // "user:ann@example.jp", "token:nightly", "config-token", "cli"
  std::string action;  // sign_in, export, event_changed, ... (API.md)
  std::string event_slug;
  std::string target;       // a registration id, a user's address, a token's name
  std::string client;       // the client's address
  std::string detail_json;  // "" or a JSON object
};

// Inside the caller's transaction.
void append_audit(sql::Connection& c, const AuditEntry& entry);

struct AuditQuery {
  std::string event_slug;         // "" for all
  std::optional<Instant> since;   // inclusive
  std::vector<std::string> only_events;  // non-empty: entries of these events only
  size_t limit = 10000;
};

struct StoredAuditEntry {
  long long id = 0;
  AuditEntry entry;
};

// Thread-safe.
class AuditLog {
 public:
  explicit AuditLog(ConnectionPool& pool) : pool_(pool) {}
  // Its own committed transaction; throws DatabaseUnavailable if it could not be written,
  // in which case the caller must not hand the data out.
  void append(const AuditEntry& entry);
  // Oldest first.
  std::vector<StoredAuditEntry> list(const AuditQuery& query);

 private:
  ConnectionPool& pool_;
};

}  // namespace regdesk::store
