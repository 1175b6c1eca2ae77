#pragma once
// Moving waitlisted people up when seats free. Internal to the store: runs inside a
// transaction that already holds the event's ledger row.

#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "domain/event_rules.hpp"
#include "store/mail_queue.hpp"

namespace sql {
class Connection;
}

namespace regdesk::store {

// When the event takes place and what its schedule owes a confirmed person.
struct EventTiming {
  Instant starts_at;
  Instant ends_at;
  MailSchedule schedule;
};

// The event's ledger row, locked FOR UPDATE: the first lock of every transaction that moves
// seats (then registrations, then invitations), so they queue in one order and never deadlock.
struct LockedLedger {
  SeatCounts counts;
  EventTiming timing;
};
// nullopt when the event is gone.
std::optional<LockedLedger> lock_ledger(sql::Connection& c, long long event_id);

// Promotes the first waitlisted registrations (by number) into free seats, updates the
// ledger row, queues their promotion mail and scheduled mails, and returns how many moved up.
int promote_waitlisted(sql::Connection& c, long long event_id, const SeatCounts& counts,
                       const EventTiming& timing, Instant now);

}  // namespace regdesk::store
