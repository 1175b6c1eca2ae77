#include "http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace regdesk::http {

int RateLimiter::check(const std::string& client, std::chrono::steady_clock::time_point now) {
  if (per_minute_ <= 0) return 0;
  const double rate = per_minute_ / 60.0;  // tokens per second
  std::lock_guard lock(mu_);
  if (now - last_sweep_ > std::chrono::minutes(5)) {  // forget addresses that went quiet
    for (auto it = buckets_.begin(); it != buckets_.end();)
      it = now - it->second.last > std::chrono::minutes(2) ? buckets_.erase(it) : std::next(it);
    last_sweep_ = now;
  }
  auto [it, fresh] = buckets_.try_emplace(client, Bucket{static_cast<double>(per_minute_), now});
  Bucket& b = it->second;
  double elapsed = std::chrono::duration<double>(now - b.last).count();
  b.tokens = std::min<double>(per_minute_, b.tokens + elapsed * rate);
  b.last = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / rate)));
}

}  // namespace regdesk::http
