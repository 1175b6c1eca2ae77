#pragma once
// Group admission: sign-ups for one event queue here in arrival order; a writer takes
// everything that queued while the last transaction ran and admits it in one transaction.
// One commit then confirms many, instead of every request waiting its turn on the row lock.
//
// Two writers per event pipeline: a writer may take the next batch only once the previous
// writer holds the ledger row lock, so batches reach the lock in arrival order. InnoDB
// releases row locks when a commit is done in memory, before the log flush, so the second
// transaction runs while the first waits for its fsync (and both share one group commit).
//
// Once an event is known to be full (and its waitlist too, for those who ask for it), sign-ups
// without an Idempotency-Key are answered `sold_out` from memory, except from addresses that
// may already be registered (they hear "already registered" from the database). The database
// stays the authority: a seat freed in this process reopens the path at once, and the memory is
// trusted for at most kSoldOutMemory, so a seat freed by another process is seen within that
// time.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "store/seat_ledger.hpp"

namespace regdesk::store {

// Thread-safe. Callbacks run on the event's writer thread (or the caller's, for answers from
// memory); they must not block for long.
class GroupAdmission {
 public:
  using Callback = std::function<void(const SignupResult&)>;
  static constexpr auto kSoldOutMemory = std::chrono::milliseconds(250);
  static constexpr int kWritersPerEvent = 2;
  static constexpr size_t kMaxBatch = 500;
  // A batch is one multi-row INSERT sent as text: its size stays far below max_allowed_packet
  // (16 MiB in MariaDB 10.11, 4 MiB in MySQL 5.7), even when every form is at the body cap.
  static constexpr size_t kMaxBatchBytes = 2 << 20;

  explicit GroupAdmission(SeatLedger& ledger) : ledger_(ledger) {}
  ~GroupAdmission();
  GroupAdmission(const GroupAdmission&) = delete;
  GroupAdmission& operator=(const GroupAdmission&) = delete;

  void submit(long long event_id, SignupRequest request, Callback done);
  // kSoldOut when the event is known full (a fresh memory of its last batch) and EMAIL_KEY is
  // not among those registered for it, so no transaction could give this person anything;
  // nullopt when only the database can say. For sign-ups without an Idempotency-Key.
  std::optional<SignupResult> sold_out_from_memory(long long event_id,
                                                   const std::string& email_key,
                                                   bool wants_waitlist);
  // The first answer to an Idempotency-Key (see SeatLedger::replay). Blocks on the database.
  std::optional<SignupResult> replay(long long event_id, const IdempotencyKey& key) {
    return ledger_.replay(event_id, key);
  }
  // Seats may have come free (a cancellation, a larger capacity): forget "full".
  void seats_changed(long long event_id);
  // Answers everything queued, then stops the writers. Later submits answer kUnavailable.
  void stop();

  struct Stats {
    unsigned long long batches = 0;
    unsigned long long requests = 0;
    unsigned long long answered_from_memory = 0;
  };
  Stats stats() const;

 private:
  struct Pending {
    SignupRequest request;
    Callback done;
  };
  struct EventQueue {
    std::mutex mu;
    std::condition_variable ready;
    std::deque<Pending> pending;
    bool stopping = false;
    bool turn_free = true;  // no writer is between taking a batch and locking the ledger row
    std::vector<std::thread> writers;
    // What the last commit saw, for answering sold_out from memory.
    bool known_full = false;
    bool waitlist_room = false;
    // Addresses that may hold a registration (a superset: loaded once when the event is first
    // seen full, then this process's own admissions). Once full, these go to the database,
    // which tells a registered person "already registered"; every other address hears
    // sold_out from memory. Until it is loaded, nobody is answered from memory.
    std::unordered_set<std::string> maybe_registered;
    bool maybe_registered_loaded = false;
    std::chrono::steady_clock::time_point full_seen_at;
    // Counts are applied in the order the batches locked the ledger, and never from a batch
    // that locked before the last seats_changed() (its view of the seats is older).
    std::chrono::steady_clock::time_point applied_locked_at{};
    std::chrono::steady_clock::time_point seats_changed_at{};
  };

  EventQueue* queue_for(long long event_id);  // nullptr once stopped
  // The sold-out answer from memory, or nullopt when only the database can say; on Q with its
  // lock held.
  static std::optional<SignupResult> known_sold_out(const EventQueue& q,
                                                    const std::string& email_key,
                                                    bool wants_waitlist);
  void count_answer_from_memory();
  void run_writer(long long event_id, EventQueue& q);

  SeatLedger& ledger_;
  mutable std::mutex mu_;
  std::map<long long, std::unique_ptr<EventQueue>> queues_;
  bool stopped_ = false;
  Stats stats_;  // but answered_from_memory, which is counted without a lock
  // Every sold-out answer of the rush counts here: an atomic, so that answer takes no lock but
  // its queue's.
  std::atomic<unsigned long long> answered_from_memory_{0};
};

}  // namespace regdesk::store
