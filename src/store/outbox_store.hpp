#pragma once
// The outbox as the mail worker sees it: claim due rows (FOR UPDATE SKIP LOCKED, so several
// workers never take the same row), then mark each sent, due again later, or failed. A claim
// is a lease: a row whose worker died is claimed again once the lease runs out.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/event.hpp"

namespace regdesk::store {

class ConnectionPool;

struct AnnouncementText {
  LocalizedText subject;
  LocalizedText body;
};

// One claimed mail with everything needed to render it.
struct OutboxItem {
  long long id = 0;
  std::string kind;
  std::string dedupe_key;
  int attempts = 0;  // including this one
  Instant created_at;
  std::string public_id;
  int number = 0;
  std::string status;
  std::string email;
  std::string name;
  std::string organization;
  std::string locale;
  int waitlist_position = 0;
  Event event;
  std::optional<AnnouncementText> announcement;
  std::optional<int> minutes_attended;  // from imported reports
  std::string answers;                  // JSON object (codec/answers.hpp); "" for none
  LocalizedText decline_message;        // the organiser's own words when declining
  std::string invitation_code;          // a personal invitation's mail: its code and expiry
  std::optional<Instant> invitation_expires_at;
  std::string manage_token;             // derived again for links; never stored
  std::string join_token;
  std::string unsubscribe_token;
};

struct OutboxRow {  // the organiser's view
  long long id = 0;
  std::string kind, state, email, last_error;
  int number = 0, attempts = 0;
  Instant due_at, created_at;
  std::optional<Instant> sent_at;
};

// Thread-safe.
class OutboxStore {
 public:
  explicit OutboxStore(ConnectionPool& pool);
  ~OutboxStore();

  // Queues the confirmations sign-ups owe (registrations.confirmation_owed, past each event's
  // mark in confirmation_marks); returns the rows. Safe from several workers at once and again
  // after a crash: the dedupe key keeps one confirmation per registration.
  int queue_owed_confirmations(Instant now);
  // Queues the scheduled mail (meeting links, reminders) that has come due; returns the rows.
  int materialize_schedules(Instant now);
  std::vector<OutboxItem> claim(Instant now, size_t limit, std::chrono::seconds lease);
  void mark_sent(long long id, Instant now);
  void mark_retry(long long id, Instant next_due, const std::string& error);
  void mark_failed(long long id, const std::string& error);
  // Not sent, and never will be (a confirmation for a registration cancelled since).
  void mark_cancelled(long long id, const std::string& why);
  // Puts claimed rows back for later in one statement (the relay is unreachable: trying each
  // would only fail the same way).
  void release(const std::vector<long long>& ids, Instant next_due, const std::string& error);

  std::vector<OutboxRow> list(long long event_id, const std::string& state, size_t limit);
  std::map<std::string, int> counts_by_state(long long event_id);

 private:
  struct Impl;
  ConnectionPool& pool_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace regdesk::store
