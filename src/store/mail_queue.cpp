#include "store/mail_queue.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "domain/time.hpp"
#include "store/attendance_store.hpp"
#include "store/sql_text.hpp"
#include "store/sql_time.hpp"

namespace regdesk::store {

namespace q {
constexpr const char* kInsert =
    "INSERT INTO outbox (event_id, registration_public_id, kind, dedupe_key, announcement_id,"
    " due_at, created_at) VALUES ";
constexpr const char* kKeepExisting = " ON DUPLICATE KEY UPDATE id = id";
constexpr const char* kActiveEvents =
    "SELECT id, starts_at, ends_at, mail_schedule FROM events WHERE ends_at > ?";
constexpr const char* kRunDone =
    "SELECT 1 FROM schedule_runs WHERE event_id = ? AND dedupe_key = ? AND due_at = ?";
// Everyone confirmed by the due time; later confirmations got the mail when confirmed.
constexpr const char* kQueueForConfirmed =
    "INSERT INTO outbox (event_id, registration_public_id, kind, dedupe_key, due_at, created_at)"
    " SELECT event_id, public_id, ?, ?, ?, ? FROM registrations"
    " WHERE event_id = ? AND status = 'confirmed' AND confirmed_at <= ?"
    " ON DUPLICATE KEY UPDATE outbox.id = outbox.id";
constexpr const char* kRecordRun =
    "INSERT IGNORE INTO schedule_runs (event_id, dedupe_key, due_at, queued, done_at)"
    " VALUES (?, ?, ?, ?, ?)";
// Follow-ups are owed from the end; they wait while there is no evidence of attendance at all
// (no report imported, nobody pressed a join button), since then everyone would be "absent".
constexpr const char* kEndedEvents =
    "SELECT e.id, e.ends_at, e.mail_schedule FROM events e"
    " WHERE e.ends_at <= ? AND e.ends_at > ? AND e.mail_schedule LIKE '%follow_up=%'"
    " AND (EXISTS (SELECT 1 FROM attendance_imports i WHERE i.event_id = e.id)"
    "   OR EXISTS (SELECT 1 FROM registrations r WHERE r.event_id = e.id AND r.join_count > 0))";
const std::string kQueueFollowUps =
    "INSERT INTO outbox (event_id, registration_public_id, kind, dedupe_key, due_at, created_at)"
    " SELECT event_id, public_id, CASE WHEN " +
    std::string(kAttendedSql) +
    "   THEN 'follow_up_attended' ELSE 'follow_up_absent' END, 'follow_up', ?, ?"
    " FROM registrations WHERE event_id = ? AND status = 'confirmed' AND unsubscribed_at IS NULL"
    " ON DUPLICATE KEY UPDATE outbox.id = outbox.id";
// The confirmations owed in a range of an event's numbers. A consistent read (READ COMMITTED:
// no locks), so it never waits on a cancellation; one that commits meanwhile is caught when the
// confirmation's turn comes (the worker drops a confirmation whose registration is cancelled).
constexpr const char* kQueueOwed =
    "INSERT INTO outbox (event_id, registration_public_id, kind, dedupe_key, due_at, created_at)"
    " SELECT event_id, public_id, 'confirmation', 'confirmation', registered_at, ";
constexpr const char* kOwedInRange =
    " FROM registrations WHERE confirmation_owed AND status = 'confirmed' AND event_id = ";
// Two workers may queue the same numbers at once: the mark only goes up.
constexpr const char* kMoveMark = "INSERT INTO confirmation_marks (event_id, queued_below) VALUES (";
constexpr const char* kMarkOnlyUp =
    ") ON DUPLICATE KEY UPDATE queued_below = GREATEST(queued_below, VALUES(queued_below))";
constexpr const char* kCancelForRegistration =
    "UPDATE outbox SET state = 'cancelled' WHERE registration_public_id = ? AND state = 'queued'";
}  // namespace q

std::string encode_schedule(const Event& e) {
  std::string out = "meeting_link=" + std::to_string(e.meeting_link_before.count());
  for (auto d : e.reminders_before)
    out += ";reminder:" + format_iso_duration(d) + "=" + std::to_string(d.count());
  if (e.follow_up) out += ";follow_up=" + std::to_string(e.follow_up->after.count());
  return out;
}

MailSchedule decode_schedule(const std::string& text) {
  MailSchedule out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    if (auto eq = item.find('='); eq != std::string::npos)
      out.emplace_back(item.substr(0, eq), std::chrono::seconds(std::stoll(item.substr(eq + 1))));
    start = end + 1;
  }
  return out;
}

namespace {
std::string kind_of(const std::string& dedupe_key) {
  return dedupe_key.substr(0, dedupe_key.find(':'));
}
}  // namespace

void add_overdue_scheduled_mails(std::vector<QueuedMail>& out, const std::string& public_id,
                                 const MailSchedule& schedule, Instant starts, Instant ends,
                                 Instant now) {
  for (const auto& [key, before] : schedule)
    if (kind_of(key) == "meeting_link" && now >= starts - before && now < ends)
      out.push_back({public_id, "meeting_link", key, now});
}

void insert_mails(sql::Connection& c, long long event_id, const std::vector<QueuedMail>& mails,
                  Instant now) {
  if (mails.empty()) return;
  // Text, not prepared: this runs inside the admission transaction (see sql_text.hpp).
  const std::string created = to_sql_time(now);
  SqlText insert(c, q::kInsert);
  for (size_t i = 0; i < mails.size(); ++i) {
    const auto& m = mails[i];
    insert.sql(i ? ",(" : "(").number(event_id).sql(",").text(m.public_id).sql(",");
    insert.text(m.kind).sql(",").text(m.dedupe_key).sql(",");
    if (m.announcement_id)
      insert.number(m.announcement_id);
    else
      insert.null();
    insert.sql(",").text(to_sql_time(m.due)).sql(",").text(created).sql(")");
  }
  insert.sql(q::kKeepExisting).execute_update();
}

int queue_owed_in_range(sql::Connection& c, long long event_id, int from, int below,
                        Instant now) {
  // Text, not prepared: two statements in a transaction (see sql_text.hpp).
  SqlText queue(c, q::kQueueOwed);
  queue.text(to_sql_time(now)).sql(q::kOwedInRange).number(event_id);
  queue.sql(" AND number >= ").number(from).sql(" AND number < ").number(below);
  const int inserted = queue.sql(" ON DUPLICATE KEY UPDATE outbox.id = outbox.id").execute_update();
  SqlText mark(c, q::kMoveMark);
  mark.number(event_id).sql(",").number(below).sql(q::kMarkOnlyUp).execute_update();
  return inserted;
}

int materialize_due_schedules(sql::Connection& c, Instant now) {
  struct Due {
    long long event_id;
    std::string key;
    Instant due;
  };
  std::vector<Due> due;
  {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kActiveEvents));
    st->setString(1, to_sql_time(now));
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    while (rs->next()) {
      Instant starts = from_sql_time(rs->getString(2));
      for (const auto& [key, before] : decode_schedule(rs->getString(4))) {
        Instant at = starts - before;
        if (key == "follow_up") continue;  // counted from the end, below
        // A reminder that could not go before the start is not sent late.
        if (at <= now && (kind_of(key) == "meeting_link" || now < starts))
          due.push_back({rs->getInt64(1), key, at});
      }
    }
  }
  {
    // Events that ended over 60 days ago are not looked at (`after` is at most 30 days).
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kEndedEvents));
    st->setString(1, to_sql_time(now));
    st->setString(2, to_sql_time(now - std::chrono::days(60)));
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    while (rs->next()) {
      Instant ends = from_sql_time(rs->getString(2));
      for (const auto& [key, after] : decode_schedule(rs->getString(3)))
        if (key == "follow_up" && ends + after <= now)
          due.push_back({rs->getInt64(1), key, ends + after});
    }
  }
  int queued = 0;
  for (const auto& d : due) {
    const std::string at = to_sql_time(d.due);
    std::unique_ptr<sql::PreparedStatement> done(c.prepareStatement(q::kRunDone));
    done->setInt64(1, d.event_id);
    done->setString(2, d.key);
    done->setString(3, at);
    if (std::unique_ptr<sql::ResultSet>(done->executeQuery())->next()) continue;
    int n = 0;
    if (d.key == "follow_up") {
      std::unique_ptr<sql::PreparedStatement> queue(c.prepareStatement(q::kQueueFollowUps));
      queue->setString(1, at);
      queue->setString(2, to_sql_time(now));
      queue->setInt64(3, d.event_id);
      n = queue->executeUpdate();
    } else {
      std::unique_ptr<sql::PreparedStatement> queue(c.prepareStatement(q::kQueueForConfirmed));
      queue->setString(1, kind_of(d.key));
      queue->setString(2, d.key);
      queue->setString(3, at);
      queue->setString(4, to_sql_time(now));
      queue->setInt64(5, d.event_id);
      queue->setString(6, at);
      n = queue->executeUpdate();
    }
    std::unique_ptr<sql::PreparedStatement> record(c.prepareStatement(q::kRecordRun));
    record->setInt64(1, d.event_id);
    record->setString(2, d.key);
    record->setString(3, at);
    record->setInt(4, n);
    record->setString(5, to_sql_time(now));
    record->executeUpdate();
    queued += n;
  }
  return queued;
}

void cancel_queued_mails(sql::Connection& c, const std::string& public_id) {
  std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kCancelForRegistration));
  st->setString(1, public_id);
  st->executeUpdate();
}

}  // namespace regdesk::store
