#pragma once
// An iCalendar (RFC 5545) file for the confirmation mail: METHOD:PUBLISH, one VEVENT with
// UTC times, a UID stable per event, lines folded at 75 octets without splitting a character.
// Never carries the personal join link. Pure; thread-safe.

#include <string>

#include "domain/clock.hpp"

namespace regdesk::mail {

struct CalendarEvent {
  std::string uid;  // stable per event, e.g. "midnet-symposium-2024@regdesk.example.jp"
  Instant starts_at;
  Instant ends_at;
  Instant stamp;  // DTSTAMP
  std::string summary;
  std::string description;
  std::string location;  // "オンライン"
  std::string url;       // the event's public page, never the personal join link
  std::string organizer_name;
  std::string organizer_email;
};

std::string render_ics(const CalendarEvent& e);

}  // namespace regdesk::mail
