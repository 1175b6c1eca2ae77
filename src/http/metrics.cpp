#include "http/metrics.hpp"

#include <sstream>

namespace regdesk::http {

void Metrics::count_signup(const std::string& outcome) {
  std::lock_guard lock(mu_);
  ++signups_[outcome];
}

void Metrics::observe_request(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mu_);
  Histogram& h = latency_[route];
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  ++h.buckets[i];
  ++h.count;
  h.sum_micros += static_cast<unsigned long long>(seconds * 1e6);
  ++responses_[{route, status}];
}

std::string Metrics::render(const std::string& extra) const {
  std::ostringstream out;
  std::lock_guard lock(mu_);
  out << "# HELP regdesk_signups_total Sign-up attempts by outcome.\n"
         "# TYPE regdesk_signups_total counter\n";
  for (const auto& [outcome, n] : signups_)
    out << "regdesk_signups_total{outcome=\"" << outcome << "\"} " << n.load() << "\n";
  out << "# HELP regdesk_http_responses_total Responses by route and status.\n"
         "# TYPE regdesk_http_responses_total counter\n";
  for (const auto& [key, n] : responses_)
    out << "regdesk_http_responses_total{route=\"" << key.first << "\",status=\"" << key.second
        << "\"} " << n.load() << "\n";
  out << "# HELP regdesk_http_request_duration_seconds Time from request to response.\n"
         "# TYPE regdesk_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    unsigned long long cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i].load();
      out << "regdesk_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\""
          << kBuckets[i] << "\"} " << cumulative << "\n";
    }
    cumulative += h.buckets[kBuckets.size()].load();
    out << "regdesk_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} "
        << cumulative << "\n";
    out << "regdesk_http_request_duration_seconds_sum{route=\"" << route << "\"} "
        << static_cast<double>(h.sum_micros.load()) / 1e6 << "\n";
    out << "regdesk_http_request_duration_seconds_count{route=\"" << route << "\"} "
        << h.count.load() << "\n";
  }
  out << extra;
  return out.str();
}

}  // namespace regdesk::http
