#pragma once
// Failed sign-ins counted per key (an address tried, a client) over a sliding window; past the
// limit the key waits (429) until its oldest failure leaves the window. Per process: on
// several servers an attacker gets the limit once per server, still a few guesses an hour.

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace regdesk::http {

// Thread-safe.
class FailureThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  FailureThrottle(size_t max_failures, std::chrono::seconds window)
      : max_(max_failures), window_(window) {}
  // Seconds until `key` may try again; 0 when it may now.
  int blocked_for(const std::string& key, Clock::time_point now);
  void failed(const std::string& key, Clock::time_point now);
  void forget(const std::string& key);

 private:
  void expire(std::deque<Clock::time_point>& times, Clock::time_point now) const;
  size_t max_;
  std::chrono::seconds window_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<Clock::time_point>> failures_;
};

}  // namespace regdesk::http
