#pragma once
// The list of people to invite, as an organiser exports it from Excel or a contact list: CSV
// or tab-separated, UTF-8 (with or without BOM), UTF-16 or CP932; columns email, name?,
// organization?, with or without a header row (English or Japanese names, in any order).
// No I/O.

#include <string>
#include <string_view>
#include <vector>

namespace regdesk::codec {

struct InviteeLine {
  int line = 0;  // 1-based, as a spreadsheet numbers rows
  std::string email, name, organization;
};

struct InviteeProblem {
  int line = 0;
  std::string email;   // as written
  std::string reason;  // "invalid_email", "duplicate", "too_long"
};

struct InviteeList {
  std::vector<InviteeLine> invitees;  // valid and distinct (by duplicate key), in file order
  std::vector<InviteeProblem> problems;
  std::string error;  // the file itself could not be read ("" when it could)
};

inline constexpr size_t kMaxInvitees = 5000;

// Emails are normalised as sign-ups normalise them (NFKC, IDNA); duplicates by the lower-cased
// address are reported once each, after the first.
InviteeList parse_invitee_list(std::string_view bytes);

}  // namespace regdesk::codec
