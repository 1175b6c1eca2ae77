#pragma once
// Instants, ISO 8601 durations and the event's time zone. Stored in UTC, shown in the zone.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "domain/clock.hpp"

namespace regdesk {

// RFC 3339 with an explicit offset or Z ("2024-01-15T00:00:00+09:00"); fractions allowed.
std::optional<Instant> parse_rfc3339(std::string_view text);

// "2024-02-28T14:00:00+09:00" in the given IANA zone; throws std::runtime_error on an unknown zone.
std::string format_in_zone(Instant t, const std::string& zone);
// "2024-02-28T05:00:00Z"
std::string format_utc(Instant t);
// "2024-02-28T05:00:00.123456Z": the audit trail's times, fine enough to page by `since`.
std::string format_utc_micros(Instant t);
// "2024-02-28 05:00:00" with `between` as the separator, and ".123456" when `micros`: what
// date::format writes for "%Y-%m-%d %H:%M:%S", without its stream (see time.cpp).
std::string civil_text(Instant t, char between, bool micros);
// "2024-02-28" in the given zone (sign-ups per day are counted in the event's days).
std::string local_date(Instant t, const std::string& zone);

bool is_known_zone(const std::string& zone);

// ISO 8601 durations as events use them: P2D, PT1H, P1DT12H, PT30M, P1W. Years and months are
// refused: their length depends on the calendar and no mail schedule needs them.
std::optional<std::chrono::seconds> parse_iso_duration(std::string_view text);
std::string format_iso_duration(std::chrono::seconds d);

}  // namespace regdesk
