#include "domain/attendance.hpp"

#include <algorithm>
#include <limits>

namespace regdesk {

namespace {

using std::chrono::microseconds;

// Saturating, so a hostile duration column cannot wrap the total into a negative number.
microseconds add_capped(microseconds a, microseconds b) {
  if (b > microseconds::max() - a) return microseconds::max();
  return a + b;
}

// until - from without overflow (spans may come from anywhere, not only from our parser).
microseconds length(Instant from, Instant until) {
  long long out;
  if (__builtin_sub_overflow(until.time_since_epoch().count(), from.time_since_epoch().count(),
                             &out))
    return microseconds::max();
  return microseconds{out};
}

// A leave before the join is a broken row, not a negative stay: it counts its duration.
bool is_timed(const AttendanceSpan& s) {
  return s.from && s.until && *s.from <= *s.until;
}

}  // namespace

int minutes_attended(std::vector<AttendanceSpan> spans) {
  auto untimed = std::partition(spans.begin(), spans.end(), is_timed);
  std::sort(spans.begin(), untimed,
            [](const AttendanceSpan& a, const AttendanceSpan& b) { return *a.from < *b.from; });

  // The union of the timed sessions: what someone on two devices was actually present.
  microseconds total{0};
  for (auto it = spans.begin(); it != untimed;) {
    Instant from = *it->from, until = *it->until;
    for (++it; it != untimed && *it->from <= until; ++it) until = std::max(until, *it->until);
    total = add_capped(total, length(from, until));
  }

  // Durations beyond what microseconds hold are capped rather than overflowed.
  constexpr auto kMaxSeconds =
      std::chrono::duration_cast<std::chrono::seconds>(microseconds::max());
  for (auto it = untimed; it != spans.end(); ++it)
    if (it->duration > std::chrono::seconds{0})
      total = add_capped(total, std::min(it->duration, kMaxSeconds));

  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(total).count();
  return static_cast<int>(std::min<long long>(minutes, std::numeric_limits<int>::max()));
}

bool counts_as_attended(std::optional<int> minutes_attended, int join_count) {
  return minutes_attended.value_or(0) > 0 || join_count > 0;
}

bool earns_certificate(const Event& e, const std::string& status,
                       std::optional<int> minutes_attended) {
  return e.certificate && status == "confirmed" && minutes_attended &&
         *minutes_attended >= e.certificate->min_minutes;
}

}  // namespace regdesk
