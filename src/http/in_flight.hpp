#pragma once
// Requests read and not yet answered (the answer written to the socket), so a stop can wait
// for them instead of cutting them off.

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace regdesk::http {

// Thread-safe.
class InFlight {
 public:
  void begin() {
    std::lock_guard lock(mu_);
    ++count_;
  }
  void end() {
    std::lock_guard lock(mu_);
    if (--count_ == 0) idle_.notify_all();
  }
  // True once nothing is in flight; false when `limit` passed first.
  bool wait_idle(std::chrono::milliseconds limit) {
    std::unique_lock lock(mu_);
    return idle_.wait_for(lock, limit, [&] { return count_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable idle_;
  int count_ = 0;
};

}  // namespace regdesk::http
