#include "domain/series.hpp"

#include <tuple>

namespace regdesk {

namespace {
bool starts_before(const Event& a, const Event& b) {
  return std::tie(a.starts_at, a.slug) < std::tie(b.starts_at, b.slug);
}
bool has_text(const LocalizedText& t) {
  return !t.ja.empty() || !t.en.empty();
}
}  // namespace

LocalizedText series_title(const std::vector<const Event*>& dates) {
  const Event* earliest = nullptr;
  const Event* earliest_titled = nullptr;
  for (const Event* e : dates) {
    if (!earliest || starts_before(*e, *earliest)) earliest = e;
    if (has_text(e->series_title) && (!earliest_titled || starts_before(*e, *earliest_titled)))
      earliest_titled = e;
  }
  if (earliest_titled) return earliest_titled->series_title;
  return earliest ? earliest->title : LocalizedText{};
}

}  // namespace regdesk
