#include "http/failure_throttle.hpp"

namespace regdesk::http {

void FailureThrottle::expire(std::deque<Clock::time_point>& times, Clock::time_point now) const {
  while (!times.empty() && now - times.front() >= window_) times.pop_front();
}

int FailureThrottle::blocked_for(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  expire(it->second, now);
  if (it->second.empty()) {
    failures_.erase(it);
    return 0;
  }
  if (it->second.size() < max_) return 0;
  auto wait = std::chrono::ceil<std::chrono::seconds>(it->second.front() + window_ - now);
  return static_cast<int>(std::max<long long>(1, wait.count()));
}

void FailureThrottle::failed(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto& times = failures_[key];
  expire(times, now);
  times.push_back(now);
  while (times.size() > max_) times.pop_front();
}

void FailureThrottle::forget(const std::string& key) {
  std::lock_guard lock(mu_);
  failures_.erase(key);
}

}  // namespace regdesk::http
