#include "store/waitlist.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "domain/admission.hpp"
#include "store/sql_text.hpp"
#include "store/sql_time.hpp"

namespace regdesk::store {

namespace q {
constexpr const char* kLockLedger =
    "SELECT capacity, confirmed_count, waitlisted_count, waitlist_enabled, waitlist_capacity,"
    " starts_at, ends_at, mail_schedule FROM events WHERE id = ? FOR UPDATE";
constexpr const char* kFirstWaitlisted =
    "SELECT id, public_id FROM registrations WHERE event_id = ? AND status = 'waitlisted'"
    " ORDER BY number LIMIT ? FOR UPDATE";
constexpr const char* kPromote =
    "UPDATE registrations SET status = 'confirmed', confirmed_at = ? WHERE id IN ";
constexpr const char* kMoveLedger =
    "UPDATE events SET confirmed_count = confirmed_count + ?,"
    " waitlisted_count = waitlisted_count - ? WHERE id = ?";
}  // namespace q

std::optional<LockedLedger> lock_ledger(sql::Connection& c, long long event_id) {
  std::unique_ptr<sql::PreparedStatement> lock(c.prepareStatement(q::kLockLedger));
  lock->setInt64(1, event_id);
  std::unique_ptr<sql::ResultSet> rs(lock->executeQuery());
  if (!rs->next()) return std::nullopt;
  return LockedLedger{
      {rs->getInt(1), rs->getInt(2), rs->getInt(3), rs->getBoolean(4), rs->getInt(5)},
      {from_sql_time(rs->getString(6)), from_sql_time(rs->getString(7)),
       decode_schedule(rs->getString(8))}};
}

int promote_waitlisted(sql::Connection& c, long long event_id, const SeatCounts& counts,
                       const EventTiming& timing, Instant now) {
  int due = promotions_due(counts);
  if (due == 0) return 0;
  std::unique_ptr<sql::PreparedStatement> pick(c.prepareStatement(q::kFirstWaitlisted));
  pick->setInt64(1, event_id);
  pick->setInt(2, due);
  std::unique_ptr<sql::ResultSet> rs(pick->executeQuery());
  std::vector<long long> ids;
  std::vector<QueuedMail> mails;
  while (rs->next()) {
    ids.push_back(rs->getInt64(1));
    std::string public_id = rs->getString(2);
    mails.push_back({public_id, "promoted", "promoted", now});
    add_overdue_scheduled_mails(mails, public_id, timing.schedule, timing.starts_at, timing.ends_at,
                                now);
  }
  if (ids.empty()) return 0;
  std::unique_ptr<sql::PreparedStatement> promote(
      c.prepareStatement(std::string(q::kPromote) + "(" + placeholders(ids.size()) + ")"));
  promote->setString(1, to_sql_time(now));
  for (size_t i = 0; i < ids.size(); ++i) promote->setInt64(static_cast<int>(i + 2), ids[i]);
  promote->executeUpdate();
  std::unique_ptr<sql::PreparedStatement> ledger(c.prepareStatement(q::kMoveLedger));
  ledger->setInt(1, static_cast<int>(ids.size()));
  ledger->setInt(2, static_cast<int>(ids.size()));
  ledger->setInt64(3, event_id);
  ledger->executeUpdate();
  insert_mails(c, event_id, mails, now);
  return static_cast<int>(ids.size());
}

}  // namespace regdesk::store
