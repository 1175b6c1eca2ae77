#include "store/mail_queue.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>

#include <memory>

#include "domain/time.hpp"
#include "store/sql_time.hpp"

namespace regdesk::store {

namespace q {
constexpr const char* kInsert =
    "INSERT INTO outbox (event_id, registration_public_id, kind, dedupe_key, announcement_id,"
    " due_at, created_at) VALUES ";
constexpr const char* kRow = "(?,?,?,?,?,?,?)";
constexpr const char* kKeepExisting = " ON DUPLICATE KEY UPDATE id = id";
constexpr const char* kCancelScheduled =
    "UPDATE outbox SET state = 'cancelled' WHERE event_id = ? AND state = 'queued'"
    " AND kind IN ('meeting_link', 'reminder')";
constexpr const char* kPlanForConfirmed =
    "INSERT INTO outbox (event_id, registration_public_id, kind, dedupe_key, due_at, created_at)"
    " SELECT event_id, public_id, ?, ?, ?, ? FROM registrations"
    " WHERE event_id = ? AND status = 'confirmed'"
    " ON DUPLICATE KEY UPDATE"
    " due_at = IF(outbox.state IN ('queued', 'cancelled'), VALUES(due_at), outbox.due_at),"
    " state = IF(outbox.state = 'cancelled', 'queued', outbox.state)";
constexpr const char* kCancelForRegistration =
    "UPDATE outbox SET state = 'cancelled' WHERE registration_public_id = ? AND state = 'queued'";
}  // namespace q

std::string encode_schedule(const Event& e) {
  std::string out = "meeting_link=" + std::to_string(e.meeting_link_before.count());
  for (auto d : e.reminders_before)
    out += ";reminder:" + format_iso_duration(d) + "=" + std::to_string(d.count());
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

// When a scheduled mail is due for someone confirmed at `now`, if at all.
std::optional<Instant> due_time(const std::string& dedupe_key, std::chrono::seconds before,
                                Instant starts, Instant ends, Instant now) {
  Instant due = starts - before;
  if (kind_of(dedupe_key) == "meeting_link") {
    if (now >= ends) return std::nullopt;  // the event is over
    return due > now ? due : now;          // late sign-ups get the link at once
  }
  if (due < now) return std::nullopt;  // a reminder whose moment has passed is not sent late
  return due;
}
}  // namespace

void add_scheduled_mails(std::vector<QueuedMail>& out, const std::string& public_id,
                         const MailSchedule& schedule, Instant starts, Instant ends, Instant now) {
  for (const auto& [key, before] : schedule)
    if (auto due = due_time(key, before, starts, ends, now))
      out.push_back({public_id, kind_of(key), key, *due});
}

void insert_mails(sql::Connection& c, long long event_id, const std::vector<QueuedMail>& mails,
                  Instant now) {
  if (mails.empty()) return;
  std::string sql = q::kInsert;
  for (size_t i = 0; i < mails.size(); ++i) {
    if (i) sql += ',';
    sql += q::kRow;
  }
  sql += q::kKeepExisting;
  std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(sql));
  const std::string created = to_sql_time(now);
  int p = 1;
  for (const auto& m : mails) {
    st->setInt64(p++, event_id);
    st->setString(p++, m.public_id);
    st->setString(p++, m.kind);
    st->setString(p++, m.dedupe_key);
    if (m.announcement_id)
      st->setInt64(p++, m.announcement_id);
    else
      st->setNull(p++, 0);
    st->setString(p++, to_sql_time(m.due));
    st->setString(p++, created);
  }
  st->executeUpdate();
}

void reschedule_event_mails(sql::Connection& c, long long event_id, const MailSchedule& schedule,
                            Instant starts, Instant ends, Instant now) {
  std::unique_ptr<sql::PreparedStatement> cancel(c.prepareStatement(q::kCancelScheduled));
  cancel->setInt64(1, event_id);
  cancel->executeUpdate();
  for (const auto& [key, before] : schedule) {
    auto due = due_time(key, before, starts, ends, now);
    if (!due) continue;
    std::unique_ptr<sql::PreparedStatement> plan(c.prepareStatement(q::kPlanForConfirmed));
    plan->setString(1, kind_of(key));
    plan->setString(2, key);
    plan->setString(3, to_sql_time(*due));
    plan->setString(4, to_sql_time(now));
    plan->setInt64(5, event_id);
    plan->executeUpdate();
  }
}

void cancel_queued_mails(sql::Connection& c, const std::string& public_id) {
  std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kCancelForRegistration));
  st->setString(1, public_id);
  st->executeUpdate();
}

}  // namespace regdesk::store
