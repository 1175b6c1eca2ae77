#pragma once
// Prometheus counters and histograms kept in atomics; rendered as text on /metrics.

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>

namespace regdesk::http {

// Thread-safe.
class Metrics {
 public:
  void count_signup(const std::string& outcome);
  void observe_request(const std::string& route, int status, double seconds);
  // Extra gauges/counters supplied by other layers at render time ("name value" lines).
  std::string render(const std::string& extra) const;

 private:
  static constexpr std::array<double, 13> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  struct Histogram {
    std::array<std::atomic<unsigned long long>, kBuckets.size() + 1> buckets{};
    std::atomic<unsigned long long> count{0};
    std::atomic<unsigned long long> sum_micros{0};
  };
  mutable std::mutex mu_;  // guards the maps' shape; values are atomics
  std::map<std::string, std::atomic<unsigned long long>> signups_;
  std::map<std::string, Histogram> latency_;
  std::map<std::pair<std::string, int>, std::atomic<unsigned long long>> responses_;
};

}  // namespace regdesk::http
