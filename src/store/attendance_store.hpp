#pragma once
// Attendance from the web-conference tools' reports: each session of a report matched to a
// registration by its address and stored once (a session is keyed by its own times, so a
// report imported twice adds nothing), then the registration's minutes recomputed from the
// union of its sessions (domain/attendance.hpp). One transaction per import.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "codec/attendance_report.hpp"
#include "domain/clock.hpp"
#include "store/audit_log.hpp"

namespace regdesk::store {

class ConnectionPool;

// counts_as_attended (domain/attendance.hpp) as a condition on a registrations row, for the
// statements that select or count by it (announcements, follow-ups, statistics).
inline constexpr const char* kAttendedSql = "(COALESCE(minutes_attended, 0) > 0 OR join_count > 0)";

// One session of one person, as the report gave it; email_key is the matching key (the
// normalised address lower-cased, as registrations.email_key).
struct ReportedSession {
  std::string email;
  std::string email_key;
  std::string name;
  std::optional<Instant> joined_at, left_at;
  std::chrono::seconds duration{0};
};

// A parsed report's rows as sessions to match: addresses normalised as sign-ups normalise
// them; a row without a duration gets the length between its times.
std::vector<ReportedSession> reported_sessions(const codec::AttendanceReport& report);

struct UnmatchedAttendee {
  std::string email;
  std::string name;
};

struct AttendanceImport {
  int rows = 0;           // sessions read from the report
  int matched = 0;        // of those, matched to a registration
  int registrations = 0;  // registrations the report names
  int new_sessions = 0;   // sessions not known before (0 for a report imported again)
  std::vector<UnmatchedAttendee> unmatched;  // one per person, in report order
};

struct AttendanceSummary {
  int imports = 0;
  std::optional<Instant> last_import_at;
  std::vector<UnmatchedAttendee> last_unmatched;
};

// Thread-safe.
class AttendanceStore {
 public:
  explicit AttendanceStore(ConnectionPool& pool) : pool_(pool) {}

  // `audit` (its detail filled in) is written in the import's transaction.
  AttendanceImport import(long long event_id, const std::string& tool,
                          const std::string& content_sha256,
                          const std::vector<ReportedSession>& sessions, Instant now,
                          const AuditEntry& audit);
  AttendanceSummary summary(long long event_id);

 private:
  ConnectionPool& pool_;
};

}  // namespace regdesk::store
