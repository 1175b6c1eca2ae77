#pragma once
// Events and their seat ledgers in the database.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/event.hpp"
#include "domain/event_rules.hpp"
#include "store/audit_log.hpp"

namespace regdesk::store {

class ConnectionPool;

struct StoredEvent {
  long long id = 0;
  Event event;
  SeatCounts counts;
  std::string etag;  // "\"…\"": changes whenever the stored document does
};

// What the caller saw last (If-Match / If-None-Match: *), so two organisers editing at once
// do not overwrite each other silently.
struct UpsertCondition {
  enum Kind { kAny, kMatches, kAbsent } kind = kAny;
  std::string etag;  // for kMatches
};

enum class UpsertOutcome { kCreated, kUpdated, kCapacityBelowConfirmed, kConditionFailed };

struct UpsertResult {
  UpsertOutcome outcome;
  long long event_id = 0;
  int confirmed = 0;  // for kCapacityBelowConfirmed: how many hold seats now
  int promoted = 0;   // waitlisted people given a seat because the capacity grew
};

// Thread-safe (each call takes its own pooled connection).
class EventStore {
 public:
  explicit EventStore(ConnectionPool& pool) : pool_(pool) {}

  // Creates or replaces the definition. Shrinking the capacity below the confirmed count is
  // refused; growing it promotes the waitlist in the same transaction. `audit` is written in
  // that transaction too, its action set to event_created when the event is new.
  UpsertResult upsert(const Event& event, Instant now, const AuditEntry& audit,
                      const UpsertCondition& condition = {});
  std::optional<StoredEvent> find(const std::string& slug);
  std::vector<StoredEvent> list(bool include_unlisted);
  // The public and unlisted dates of a series (never drafts), in start order (then slug).
  std::vector<StoredEvent> list_series(const std::string& series_slug);

 private:
  ConnectionPool& pool_;
};

}  // namespace regdesk::store
