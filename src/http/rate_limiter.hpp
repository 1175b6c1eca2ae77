#pragma once
// Sign-ups per client address per minute, as a token bucket (a burst of the full minute's
// allowance is allowed at once, then it refills steadily). 0 turns the limit off.

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace regdesk::http {

// Thread-safe.
class RateLimiter {
 public:
  explicit RateLimiter(int per_minute) : per_minute_(per_minute) {}
  // 0 when allowed; otherwise the seconds to wait before the next attempt can pass.
  int check(const std::string& client, std::chrono::steady_clock::time_point now);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  int per_minute_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::chrono::steady_clock::time_point last_sweep_{};
};

}  // namespace regdesk::http
