#pragma once
// How long one person attended, from the sessions the meeting tool reported for them. Pure.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "domain/event.hpp"

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

// Attended: an imported report gave minutes, or the person pressed the join button (a POST;
// a mail scanner's GET never counts). Announcements "to attended/absent", follow-ups, exports
// and the statistics use this one rule (the store's SQL spells the same condition).
bool counts_as_attended(std::optional<int> minutes_attended, int join_count);

// A certificate needs the event to issue them, a confirmed registration, and minutes from a
// report reaching the event's minimum: the join button alone is not evidence of how long.
bool earns_certificate(const Event& e, const std::string& status,
                       std::optional<int> minutes_attended);

}  // namespace regdesk
