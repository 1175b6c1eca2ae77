#pragma once
// Requests read and not yet answered (the answer written to the socket), so a stop can wait
// for them instead of cutting them off.

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace regdesk::http {

// Thread-safe. Each request is counted under the generation it began in, so a stop can wait
// for the requests that were there when it began without waiting for a moment with nothing
// in flight at all: under steady traffic (the 503s a draining service keeps answering) such
// a moment may never come, and the stop would always take its whole limit.
//
// begin() and end() are on every request's path, from both reactor threads, so they take no
// lock: a generation's count is an atomic in a ring of kGenerations. A request that begins
// while a stop starts may count under either generation; the stop sets `draining` before it
// waits, and onRequest reads it after begin(), so every request not answered 503 is waited for.
class InFlight {
 public:
  using Ticket = std::uint64_t;

  Ticket begin() {
    Ticket generation = generation_.load();
    open_[generation % kGenerations].fetch_add(1);
    return generation;
  }
  void end(Ticket ticket) {
    if (open_[ticket % kGenerations].fetch_sub(1) == 1 && ticket < generation_.load()) {
      // The last of a generation a stop may be waiting for. Taking the lock orders this
      // notify after the waiter's check of the counts.
      std::lock_guard lock(mu_);
      settled_.notify_all();
    }
  }
  // True once every request begun before this call has been answered; false when `limit`
  // passed first. Requests begun meanwhile are not waited for.
  bool wait_for_earlier(std::chrono::milliseconds limit) {
    std::unique_lock lock(mu_);
    const Ticket current = generation_.fetch_add(1) + 1;
    return settled_.wait_for(lock, limit, [&] {
      for (Ticket g = 0; g < kGenerations; ++g)
        if (g != current % kGenerations && open_[g].load() != 0) return false;
      return true;
    });
  }

 private:
  // Generations older than this many stops share a count with newer ones: more stops than
  // this with a request open through all of them does not happen in one process.
  static constexpr Ticket kGenerations = 64;

  std::mutex mu_;  // only for the stop's wait
  std::condition_variable settled_;
  std::array<std::atomic<long long>, kGenerations> open_{};
  std::atomic<Ticket> generation_{0};
};

}  // namespace regdesk::http
