#pragma once
// Prometheus counters and histograms kept in atomics; rendered as text on /metrics.

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace regdesk::http {

// Thread-safe. Counting takes no lock for the routes and sign-up outcomes known in advance:
// every request counts itself from one of two reactor threads, and a shared lock there was
// a measurable part of a sold-out answer (bench/RESULTS.md).
class Metrics {
 public:
  // One route's latency histogram and responses by status.
  class RouteStats {
   public:
    void observe(int status, double seconds);

   private:
    friend class Metrics;
    static constexpr std::array<double, 13> kBuckets = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
    static constexpr int kFirstStatus = 100, kStatuses = 500;  // 100..599
    std::array<std::atomic<unsigned long long>, kBuckets.size() + 1> buckets_{};
    std::atomic<unsigned long long> count_{0};
    std::atomic<unsigned long long> sum_micros_{0};
    std::array<std::atomic<unsigned long long>, kStatuses> responses_{};
  };

  // The counters of the route labelled `name`, made on first use (when routes are set up);
  // they live as long as this object.
  RouteStats& route(const std::string& name);
  void count_signup(std::string_view outcome);
  // Extra gauges/counters supplied by other layers at render time ("name value" lines).
  std::string render(const std::string& extra) const;

 private:
  // The outcomes public_api.cpp counts; any other goes to `other_signups_`, under the lock.
  static constexpr std::array<std::string_view, 17> kSignupOutcomes = {
      "already_registered",  "bad_request",  "closed",
      "confirmed",           "honeypot",     "idempotency_conflict",
      "invitation_required", "invitation_used_up", "not_eligible",
      "not_open",            "pending",      "rate_limited",
      "replayed",            "sold_out",     "unavailable",
      "validation_failed",   "waitlisted"};
  std::array<std::atomic<unsigned long long>, kSignupOutcomes.size()> signups_{};

  mutable std::mutex mu_;  // guards the maps' shape; values are atomics
  std::map<std::string, std::atomic<unsigned long long>, std::less<>> other_signups_;
  std::map<std::string, RouteStats> routes_;
};

}  // namespace regdesk::http
