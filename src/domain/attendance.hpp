#pragma once
// How long one person attended, from the sessions the meeting tool reported for them. Pure.

#include <chrono>
#include <optional>
#include <vector>

#include "domain/clock.hpp"

namespace regdesk {

// One session as a report gives it: both times when the tool wrote them (and they could be
// read), otherwise only the tool's own duration.
struct AttendanceSpan {
  std::optional<Instant> from, until;
  std::chrono::seconds duration{0};
};

// Overlapping sessions (two devices, a reconnect, the same report imported twice) count once;
// a session without both times counts its duration. Rounded down to whole minutes.
int minutes_attended(std::vector<AttendanceSpan> spans);

}  // namespace regdesk
