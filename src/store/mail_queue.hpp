#pragma once
// Queuing mail inside the store's transactions (admission, cancellation, promotion, event
// changes). Internal to the store: callers hold a transaction and, where seats move, the
// event's ledger row.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "domain/event.hpp"

namespace sql {
class Connection;
}

namespace regdesk::store {

// Seconds before the start at which each scheduled mail goes: ("meeting_link", 172800),
// ("reminder:P1D", 86400); and ("follow_up", 7200): seconds after the end. Stored in
// events.mail_schedule.
using MailSchedule = std::vector<std::pair<std::string, std::chrono::seconds>>;
std::string encode_schedule(const Event& e);
MailSchedule decode_schedule(const std::string& text);

struct QueuedMail {
  std::string public_id;  // the registration
  std::string kind;       // confirmation, waitlisted, promoted, cancellation, meeting_link, ...
  std::string dedupe_key;
  Instant due;
  long long announcement_id = 0;
};

// What someone confirmed at `now` is owed at once by the schedule: the meeting link when its
// time has passed (none after the event). Everything else scheduled is materialised when it
// comes due (materialize_due_schedules), for everyone confirmed by then.
void add_overdue_scheduled_mails(std::vector<QueuedMail>& out, const std::string& public_id,
                                 const MailSchedule& schedule, Instant starts, Instant ends,
                                 Instant now);

// One multi-row insert; a row whose (registration, dedupe key) exists is left as it is.
void insert_mails(sql::Connection& c, long long event_id, const std::vector<QueuedMail>& mails,
                  Instant now);

// Queues the confirmations owed by the registrations numbered [from, below) of an event
// (registrations.confirmation_owed, still confirmed) and moves the event's mark in
// confirmation_marks up to `below`; returns the rows queued. The caller holds a transaction.
int queue_owed_in_range(sql::Connection& c, long long event_id, int from, int below,
                        Instant now);

// Queues every scheduled mail that has come due (meeting link, reminders still before the
// start) for the registrations confirmed by its due time; returns how many rows it queued. Safe
// to run from several workers at once and again after a crash.
int materialize_due_schedules(sql::Connection& c, Instant now);

// A cancelled registration is owed nothing more that was scheduled or queued.
void cancel_queued_mails(sql::Connection& c, const std::string& public_id);

}  // namespace regdesk::store
