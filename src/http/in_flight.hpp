#pragma once
// Requests read and not yet answered (the answer written to the socket), so a stop can wait
// for them instead of cutting them off.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>

namespace regdesk::http {

// Thread-safe. Each request is counted under the generation it began in, so a stop can wait
// for the requests that were there when it began without waiting for a moment with nothing
// in flight at all: under steady traffic (the 503s a draining service keeps answering) such
// a moment may never come, and the stop would always take its whole limit.
class InFlight {
 public:
  using Ticket = std::uint64_t;

  Ticket begin() {
    std::lock_guard lock(mu_);
    ++open_[generation_];
    return generation_;
  }
  void end(Ticket ticket) {
    std::lock_guard lock(mu_);
    auto it = open_.find(ticket);
    if (it == open_.end()) return;
    if (--it->second == 0) {
      open_.erase(it);
      settled_.notify_all();
    }
  }
  // True once every request begun before this call has been answered; false when `limit`
  // passed first. Requests begun meanwhile are not waited for.
  bool wait_for_earlier(std::chrono::milliseconds limit) {
    std::unique_lock lock(mu_);
    const Ticket before = generation_++;
    return settled_.wait_for(lock, limit,
                             [&] { return open_.empty() || open_.begin()->first > before; });
  }

 private:
  std::mutex mu_;
  std::condition_variable settled_;
  std::map<Ticket, int> open_;  // generation -> requests of it still unanswered
  Ticket generation_ = 0;
};

}  // namespace regdesk::http
