#include "http/metrics.hpp"

#include <sstream>

namespace regdesk::http {

void Metrics::RouteStats::observe(int status, double seconds) {
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<unsigned long long>(seconds * 1e6),
                        std::memory_order_relaxed);
  if (status >= kFirstStatus && status < kFirstStatus + kStatuses)
    responses_[status - kFirstStatus].fetch_add(1, std::memory_order_relaxed);
}

Metrics::RouteStats& Metrics::route(const std::string& name) {
  std::lock_guard lock(mu_);
  return routes_[name];  // a std::map node never moves
}

void Metrics::count_signup(std::string_view outcome) {
  for (size_t i = 0; i < kSignupOutcomes.size(); ++i)
    if (kSignupOutcomes[i] == outcome) {
      signups_[i].fetch_add(1, std::memory_order_relaxed);
      return;
    }
  std::lock_guard lock(mu_);
  auto it = other_signups_.find(outcome);
  if (it == other_signups_.end()) it = other_signups_.emplace(outcome, 0).first;
  ++it->second;
}

std::string Metrics::render(const std::string& extra) const {
  std::ostringstream out;
  std::lock_guard lock(mu_);
  // Sorted by label, and only what has been counted, as Prometheus clients expect.
  std::map<std::string_view, unsigned long long> signups;
  for (size_t i = 0; i < kSignupOutcomes.size(); ++i)
    if (auto n = signups_[i].load()) signups[kSignupOutcomes[i]] = n;
  for (const auto& [outcome, n] : other_signups_) signups[outcome] = n.load();
  out << "# HELP regdesk_signups_total Sign-up attempts by outcome.\n"
         "# TYPE regdesk_signups_total counter\n";
  for (const auto& [outcome, n] : signups)
    out << "regdesk_signups_total{outcome=\"" << outcome << "\"} " << n << "\n";
  out << "# HELP regdesk_http_responses_total Responses by route and status.\n"
         "# TYPE regdesk_http_responses_total counter\n";
  for (const auto& [route, s] : routes_)
    for (int i = 0; i < RouteStats::kStatuses; ++i)
      if (auto n = s.responses_[i].load())
        out << "regdesk_http_responses_total{route=\"" << route << "\",status=\""
            << RouteStats::kFirstStatus + i << "\"} " << n << "\n";
  out << "# HELP regdesk_http_request_duration_seconds Time from request to response.\n"
         "# TYPE regdesk_http_request_duration_seconds histogram\n";
  for (const auto& [route, s] : routes_) {
    const auto& buckets = RouteStats::kBuckets;
    if (s.count_.load() == 0) continue;  // a route never asked for
    unsigned long long cumulative = 0;
    for (size_t i = 0; i < buckets.size(); ++i) {
      cumulative += s.buckets_[i].load();
      out << "regdesk_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\""
          << buckets[i] << "\"} " << cumulative << "\n";
    }
    cumulative += s.buckets_[buckets.size()].load();
    out << "regdesk_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} "
        << cumulative << "\n";
    out << "regdesk_http_request_duration_seconds_sum{route=\"" << route << "\"} "
        << static_cast<double>(s.sum_micros_.load()) / 1e6 << "\n";
    out << "regdesk_http_request_duration_seconds_count{route=\"" << route << "\"} "
        << s.count_.load() << "\n";
  }
  out << extra;
  return out.str();
}

}  // namespace regdesk::http
