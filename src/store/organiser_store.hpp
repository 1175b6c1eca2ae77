#pragma once
// What organisers read and do in bulk: every registration of an event (paged by number, so a
// 100,000-row export holds one page in memory), statistics, announcements to many people
// through the outbox, and the anonymisation of personal data after an event.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/event.hpp"
#include "store/audit_log.hpp"

namespace regdesk::store {

class ConnectionPool;

struct RegistrationRow {
  std::string public_id;
  int number = 0;
  std::string status;
  std::string email, name, name_kana, organization, department;
  std::optional<Category> category;
  std::string phone, question, locale;
  Instant registered_at;
  std::optional<Instant> cancelled_at;
  std::optional<Instant> first_joined_at;  // the join button
  int join_count = 0;
  std::optional<int> minutes_attended;  // imported reports
  std::optional<Instant> attended_from, attended_until;
  bool unsubscribed = false;
  std::string answers;  // JSON object (codec/answers.hpp); "" for none
  std::string invitation_code, invitation_organization;  // the invitation it used, if any
};

struct RegistrationPage {
  std::vector<RegistrationRow> rows;
  int total = 0;
  bool more = false;
};

struct AttendanceStats {  // over confirmed registrations
  int confirmed = 0;
  int joined_by_button = 0;
  int in_reports = 0;  // with minutes from an imported report
  int attended = 0;    // either
  int unsubscribed = 0;
  std::vector<std::pair<int, int>> minutes_bands;  // (lower bound of a 15-minute band, count)
};

struct EventStats {
  std::map<std::string, int> by_status;    // confirmed, waitlisted, cancelled
  std::map<std::string, int> by_category;  // active (confirmed + waitlisted) registrations
  std::vector<std::pair<Instant, int>> signups_per_quarter_hour;  // UTC 15-minute buckets
  int joins = 0;
  AttendanceStats attendance;
};

// Who an announcement goes to; attended/absent are confirmed registrations by the evidence of
// attendance (an imported report's minutes, or the join button). Nobody who unsubscribed.
enum class Audience { kConfirmed, kWaitlisted, kAll, kAttended, kAbsent };
const char* to_string(Audience a);  // "confirmed", ... as the API and the table name them
std::optional<Audience> audience_from_string(const std::string& s);

// Thread-safe.
class OrganiserStore {
 public:
  explicit OrganiserStore(ConnectionPool& pool) : pool_(pool) {}

  // Calls `row` for each registration in number order; `statuses` empty means all.
  void for_each_registration(long long event_id, const std::vector<std::string>& statuses,
                             const std::function<void(const RegistrationRow&)>& row,
                             size_t page_size = 2000);
  // One page of the dashboard's list: up to `limit` registrations numbered above `after`, in
  // number order, of `statuses` (empty: all) and, when `search` is not empty, whose name,
  // ふりがな, address or organisation contains it or whose number it is. `total` counts every
  // match, `more` says whether another page follows. Reads limit + 1 rows, never the whole list.
  RegistrationPage registration_page(long long event_id, const std::vector<std::string>& statuses,
                                     const std::string& search, int after, int limit);
  EventStats stats(long long event_id);
  // For each select, multi and checkbox question: how many active (confirmed or waitlisted)
  // registrations chose each option ("true" for a ticked checkbox); options nobody chose are 0.
  std::map<std::string, std::map<std::string, int>> answer_counts(
      long long event_id, const std::vector<Question>& questions);
  // Queues the announcement to everyone in the audience, in one transaction; returns its id
  // and how many it goes to; `audit` (its target and recipients filled in) in the same one.
  std::pair<long long, int> announce(long long event_id, Audience to, const LocalizedText& subject,
                                     const LocalizedText& body, Instant now,
                                     const AuditEntry& audit);
  // Anonymises the personal data of the event: its registrations' fields, free-text answers
  // (choices to `questions` stay, for the statistics) and decline messages, its invitees, the
  // unmatched people of attendance reports, mail errors (they quote addresses), and the values
  // in the audit trail's registration changes (which field changed, by whom and when, stays).
  // Returns how many registrations. `audit` (its event_slug the event's) records the purge, in
  // its transaction.
  int purge(long long event_id, const std::vector<Question>& questions, Instant now,
            const AuditEntry& audit);
  // Events that ended before `cutoff` and are not purged yet: (id, slug).
  std::vector<std::pair<long long, std::string>> events_due_for_purge(Instant cutoff);

 private:
  ConnectionPool& pool_;
};

}  // namespace regdesk::store
