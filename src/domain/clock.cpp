#include "domain/clock.hpp"

namespace regdesk {

namespace {
Instant wall_now() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}
}  // namespace

Instant SystemClock::now() const {
  return wall_now();
}

RehearsalClock::RehearsalClock(Instant start) : offset_(start - wall_now()) {}

Instant RehearsalClock::now() const {
  return wall_now() + offset_;
}

}  // namespace regdesk
