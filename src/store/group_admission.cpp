#include "store/group_admission.hpp"

#include <cstdio>
#include <exception>

#include "codec/answers.hpp"
#include "store/connection_pool.hpp"

namespace regdesk::store {

namespace {
// At most what this sign-up adds to the batch's INSERT: every value escaped can double, plus
// the fixed columns.
size_t sql_bytes(const SignupRequest& r) {
  const Applicant& a = r.applicant;
  size_t text = a.email.size() + a.email_key.size() + a.name.size() + a.name_kana.size() +
                a.organization.size() + a.department.size() + a.phone.size() + a.question.size();
  return 2 * text + 256;
}
}  // namespace

GroupAdmission::~GroupAdmission() {
  stop();
}

GroupAdmission::EventQueue* GroupAdmission::queue_for(long long event_id) {
  std::lock_guard lock(mu_);
  if (stopped_) return nullptr;
  auto& slot = queues_[event_id];
  if (!slot) {
    slot = std::make_unique<EventQueue>();
    EventQueue& q = *slot;
    for (int i = 0; i < kWritersPerEvent; ++i)
      q.writers.emplace_back([this, event_id, &q] { run_writer(event_id, q); });
  }
  return slot.get();
}

void GroupAdmission::submit(long long event_id, SignupRequest request, Callback done) {
  if (!request.applicant.answers.empty() && request.answers_text.empty())
    request.answers_text = codec::answers_text(request.applicant.answers);
  EventQueue* queue = queue_for(event_id);
  if (!queue) return done(SignupResult{SignupOutcome::kUnavailable});
  EventQueue& q = *queue;
  std::unique_lock lock(q.mu);
  if (q.stopping) {
    lock.unlock();
    return done(SignupResult{SignupOutcome::kUnavailable});
  }
  if (!request.idempotency) {
    if (auto full =
            known_sold_out(q, request.applicant.email_key, request.applicant.wants_waitlist)) {
      lock.unlock();
      count_answer_from_memory();
      return done(*full);
    }
  }
  q.pending.push_back({std::move(request), std::move(done)});
  lock.unlock();
  q.ready.notify_one();
}

std::optional<SignupResult> GroupAdmission::known_sold_out(const EventQueue& q,
                                                           const std::string& email_key,
                                                           bool wants_waitlist) {
  bool memory_fresh = std::chrono::steady_clock::now() - q.full_seen_at < kSoldOutMemory;
  if (!q.known_full || !memory_fresh || (wants_waitlist && q.waitlist_room) ||
      !q.maybe_registered_loaded || q.maybe_registered.count(email_key))
    return std::nullopt;
  SignupResult r{SignupOutcome::kSoldOut};
  r.waitlist_available = q.waitlist_room;
  return r;
}

void GroupAdmission::count_answer_from_memory() {
  answered_from_memory_.fetch_add(1, std::memory_order_relaxed);
}

std::optional<SignupResult> GroupAdmission::sold_out_from_memory(long long event_id,
                                                                 const std::string& email_key,
                                                                 bool wants_waitlist) {
  EventQueue* queue = queue_for(event_id);
  if (!queue) return std::nullopt;
  std::unique_lock lock(queue->mu);
  if (queue->stopping) return std::nullopt;
  auto full = known_sold_out(*queue, email_key, wants_waitlist);
  lock.unlock();
  if (full) count_answer_from_memory();
  return full;
}

void GroupAdmission::seats_changed(long long event_id) {
  std::lock_guard lock(mu_);
  if (auto it = queues_.find(event_id); it != queues_.end()) {
    std::lock_guard ql(it->second->mu);
    it->second->known_full = false;
    it->second->seats_changed_at = std::chrono::steady_clock::now();
  }
}

void GroupAdmission::run_writer(long long event_id, EventQueue& q) {
  std::vector<Pending> batch;
  std::vector<SignupRequest> requests;
  for (;;) {
    {
      std::unique_lock lock(q.mu);
      q.ready.wait(lock, [&] { return (q.stopping || !q.pending.empty()) && q.turn_free; });
      if (q.pending.empty()) return;  // stopping and drained
      q.turn_free = false;
      batch.clear();
      size_t bytes = 0;
      while (!q.pending.empty() && batch.size() < kMaxBatch) {
        size_t next = sql_bytes(q.pending.front().request);
        if (!batch.empty() && bytes + next > kMaxBatchBytes) break;
        bytes += next;
        batch.push_back(std::move(q.pending.front()));
        q.pending.pop_front();
      }
    }
    requests.clear();
    for (auto& p : batch) requests.push_back(std::move(p.request));  // `done` stays in batch

    bool turn_passed = false;
    std::chrono::steady_clock::time_point locked_at{};
    auto pass_turn = [&] {
      if (turn_passed) return;
      turn_passed = true;
      locked_at = std::chrono::steady_clock::now();
      {
        std::lock_guard lock(q.mu);
        q.turn_free = true;
      }
      q.ready.notify_all();
    };
    BatchResult result;
    bool unavailable = false;
    try {
      result = ledger_.admit(event_id, requests, pass_turn);
    } catch (const DatabaseUnavailable& e) {
      unavailable = true;
      std::fprintf(stderr, "admission: database unavailable: %s\n", e.what());
    } catch (const std::exception& e) {
      // A bug or a constraint we did not expect: nothing was committed. Answer unavailable
      // rather than leave the clients waiting, and say loudly what happened.
      unavailable = true;
      std::fprintf(stderr, "admission: transaction failed: %s\n", e.what());
    }
    bool had_lock = turn_passed;
    pass_turn();  // also when the transaction failed before it got the lock
    bool load_registered = false;
    if (!unavailable && had_lock) {
      std::lock_guard lock(q.mu);
      if (locked_at > q.applied_locked_at && locked_at > q.seats_changed_at) {
        q.applied_locked_at = locked_at;
        q.known_full = result.counts_after.full();
        q.waitlist_room = result.counts_after.waitlist_has_room();
        if (q.known_full) q.full_seen_at = std::chrono::steady_clock::now();
      }
      load_registered = q.known_full && !q.maybe_registered_loaded;
      // Also while the load below runs: a batch that commits after its query is not in it.
      if (q.known_full || q.maybe_registered_loaded)
        for (size_t i = 0; i < batch.size(); ++i)
          if (stores_registration(result.results[i].outcome))
            q.maybe_registered.insert(requests[i].applicant.email_key);
    }
    {
      std::lock_guard s(mu_);
      ++stats_.batches;
      stats_.requests += batch.size();
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      if (unavailable)
        batch[i].done(SignupResult{SignupOutcome::kUnavailable});
      else
        batch[i].done(result.results[i]);
    }
    // After the answers, so nobody waits for it: who may be registered, once per event.
    if (load_registered) {
      try {
        auto keys = ledger_.registered_email_keys(event_id);
        std::lock_guard lock(q.mu);
        q.maybe_registered.insert(keys.begin(), keys.end());
        q.maybe_registered_loaded = true;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "admission: could not load registered addresses: %s\n", e.what());
      }
    }
  }
}

void GroupAdmission::stop() {
  std::map<long long, std::unique_ptr<EventQueue>> queues;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    queues.swap(queues_);
  }
  for (auto& [id, q] : queues) {
    {
      std::lock_guard lock(q->mu);
      q->stopping = true;
    }
    q->ready.notify_all();
  }
  for (auto& [id, q] : queues)
    for (auto& w : q->writers)
      if (w.joinable()) w.join();
}

GroupAdmission::Stats GroupAdmission::stats() const {
  std::lock_guard lock(mu_);
  Stats s = stats_;
  s.answered_from_memory = answered_from_memory_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace regdesk::store
