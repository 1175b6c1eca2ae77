#pragma once
// First come, first served: who of a batch of sign-ups gets a seat, a waitlist place, or
// nothing. The store runs this inside the one transaction that holds the event's seat ledger,
// so the decision and the write are atomic; the rule itself is pure.

#include <array>
#include <string>
#include <unordered_set>
#include <vector>

#include "domain/event_rules.hpp"

namespace regdesk {

// Every status a registration can have, in the order lists and filters show them. pending and
// declined occur only on events with approval.
inline constexpr std::array<const char*, 5> kRegistrationStatuses = {
    "confirmed", "waitlisted", "pending", "declined", "cancelled"};
bool valid_registration_status(const std::string& s);

enum class AdmissionOutcome {
  kConfirmed,
  kWaitlisted,
  kPending,
  kSoldOut,
  kAlreadyRegistered,
  kInvitationUsedUp,  // the invitation's uses are all taken
};
const char* to_string(AdmissionOutcome o);

struct AdmissionCandidate {
  std::string email_key;
  bool wants_waitlist = false;
  int invitation = -1;  // index into AdmissionRules::invitation_uses_left; -1: none
};

struct AdmissionRules {
  // Whoever would have had a seat or a waitlist place is `pending` instead: a number, no seat
  // (approve_pending gives it later). Nobody is taken for review once there is neither a seat
  // nor a waitlist place left to give them.
  bool approval_required = false;
  // The uses left of each invitation the batch presents (-1: no limit), taken in arrival order
  // by those admitted (confirmed, waitlisted or pending).
  std::vector<int> invitation_uses_left;
};

struct AdmissionDecision {
  AdmissionOutcome outcome = AdmissionOutcome::kSoldOut;
  int number = 0;             // 受付番号 for confirmed and waitlisted, sequential per event
  int waitlist_position = 0;  // 1-based, for waitlisted
};

// Decides a batch in arrival order. `taken` holds the duplicate keys already registered for
// the event; `counts`, `next_number` and the rules' invitation uses are advanced as seats,
// numbers and uses are given out.
std::vector<AdmissionDecision> decide_admissions(const std::vector<AdmissionCandidate>& batch,
                                                 const std::unordered_set<std::string>& taken,
                                                 SeatCounts& counts, int& next_number,
                                                 AdmissionRules& rules);
// The same for an event without approval or invitations.
std::vector<AdmissionDecision> decide_admissions(const std::vector<AdmissionCandidate>& batch,
                                                 const std::unordered_set<std::string>& taken,
                                                 SeatCounts& counts, int& next_number);

// An organiser approves a pending registration: a seat if one is free, else a waitlist place
// if the event has room there, else nothing (kSoldOut; it stays pending). Advances `counts`.
struct ApprovalDecision {
  AdmissionOutcome outcome = AdmissionOutcome::kSoldOut;  // kConfirmed | kWaitlisted | kSoldOut
  int waitlist_position = 0;
};
ApprovalDecision approve_pending(SeatCounts& counts);

// How many waitlisted people move up when seats free (cancellation, capacity grown).
int promotions_due(const SeatCounts& counts);

}  // namespace regdesk
