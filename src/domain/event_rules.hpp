#pragma once
// When an event takes sign-ups, how many seats are left, and who may sign up.

#include <string>

#include "domain/event.hpp"

namespace regdesk {

enum class WindowState { kNotOpen, kOpen, kClosed };
WindowState window_state(const Event& e, Instant now);

// The seat ledger of one event as the database holds it.
struct SeatCounts {
  int capacity = 0;
  int confirmed = 0;
  int waitlisted = 0;
  bool waitlist_enabled = false;
  int waitlist_capacity = 0;

  int seats_remaining() const { return capacity > confirmed ? capacity - confirmed : 0; }
  bool full() const { return confirmed >= capacity; }
  bool waitlist_has_room() const { return waitlist_enabled && waitlisted < waitlist_capacity; }
};

enum class RegistrationState { kNotOpen, kOpen, kFull, kClosed };
RegistrationState registration_state(const Event& e, const SeatCounts& counts, Instant now);
const char* to_string(RegistrationState s);

// An address qualifies by its domain or a subdomain of one ("a.example.jp" for "example.jp").
// Events without an allow-list take everyone. `email` is already normalised.
bool is_eligible(const Event& e, const std::string& email);

}  // namespace regdesk
