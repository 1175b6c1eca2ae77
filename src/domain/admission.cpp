#include "domain/admission.hpp"

#include <algorithm>

namespace regdesk {

bool valid_registration_status(const std::string& s) {
  return std::any_of(kRegistrationStatuses.begin(), kRegistrationStatuses.end(),
                     [&](const char* known) { return s == known; });
}

const char* to_string(AdmissionOutcome o) {
  switch (o) {
    case AdmissionOutcome::kConfirmed:
      return "confirmed";
    case AdmissionOutcome::kWaitlisted:
      return "waitlisted";
    case AdmissionOutcome::kPending:
      return "pending";
    case AdmissionOutcome::kSoldOut:
      return "sold_out";
    case AdmissionOutcome::kAlreadyRegistered:
      return "already_registered";
    case AdmissionOutcome::kInvitationUsedUp:
      return "invitation_used_up";
  }
  return "sold_out";
}

std::vector<AdmissionDecision> decide_admissions(const std::vector<AdmissionCandidate>& batch,
                                                 const std::unordered_set<std::string>& taken,
                                                 SeatCounts& counts, int& next_number,
                                                 AdmissionRules& rules) {
  std::vector<AdmissionDecision> decisions;
  decisions.reserve(batch.size());
  std::unordered_set<std::string> admitted_now;
  for (const auto& c : batch) {
    AdmissionDecision d;
    int* uses_left = c.invitation >= 0 ? &rules.invitation_uses_left.at(c.invitation) : nullptr;
    if (taken.count(c.email_key) || admitted_now.count(c.email_key)) {
      d.outcome = AdmissionOutcome::kAlreadyRegistered;
    } else if (uses_left && *uses_left == 0) {
      d.outcome = AdmissionOutcome::kInvitationUsedUp;
    } else if (rules.approval_required) {
      if (!counts.full() || (c.wants_waitlist && counts.waitlist_has_room())) {
        d.outcome = AdmissionOutcome::kPending;
        d.number = next_number++;
      }
    } else if (!counts.full()) {
      d.outcome = AdmissionOutcome::kConfirmed;
      d.number = next_number++;
      ++counts.confirmed;
    } else if (c.wants_waitlist && counts.waitlist_has_room()) {
      d.outcome = AdmissionOutcome::kWaitlisted;
      d.number = next_number++;
      d.waitlist_position = ++counts.waitlisted;
    }
    if (d.number) {  // admitted: the address is taken, the invitation used once more
      admitted_now.insert(c.email_key);
      if (uses_left && *uses_left > 0) --*uses_left;
    }
    decisions.push_back(d);
  }
  return decisions;
}

std::vector<AdmissionDecision> decide_admissions(const std::vector<AdmissionCandidate>& batch,
                                                 const std::unordered_set<std::string>& taken,
                                                 SeatCounts& counts, int& next_number) {
  AdmissionRules rules;
  return decide_admissions(batch, taken, counts, next_number, rules);
}

ApprovalDecision approve_pending(SeatCounts& counts) {
  ApprovalDecision d;
  if (!counts.full()) {
    d.outcome = AdmissionOutcome::kConfirmed;
    ++counts.confirmed;
  } else if (counts.waitlist_has_room()) {
    d.outcome = AdmissionOutcome::kWaitlisted;
    d.waitlist_position = ++counts.waitlisted;
  }
  return d;
}

int promotions_due(const SeatCounts& counts) {
  return std::max(0, std::min(counts.seats_remaining(), counts.waitlisted));
}

}  // namespace regdesk
