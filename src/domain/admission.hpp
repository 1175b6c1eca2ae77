#pragma once
// First come, first served: who of a batch of sign-ups gets a seat, a waitlist place, or
// nothing. The store runs this inside the one transaction that holds the event's seat ledger,
// so the decision and the write are atomic; the rule itself is pure.

#include <string>
#include <unordered_set>
#include <vector>

#include "domain/event_rules.hpp"

namespace regdesk {

enum class AdmissionOutcome { kConfirmed, kWaitlisted, kSoldOut, kAlreadyRegistered };
const char* to_string(AdmissionOutcome o);

struct AdmissionCandidate {
  std::string email_key;
  bool wants_waitlist = false;
};

struct AdmissionDecision {
  AdmissionOutcome outcome = AdmissionOutcome::kSoldOut;
  int number = 0;             // 受付番号 for confirmed and waitlisted, sequential per event
  int waitlist_position = 0;  // 1-based, for waitlisted
};

// Decides a batch in arrival order. `taken` holds the duplicate keys already registered for
// the event; `counts` and `next_number` are advanced as seats and numbers are given out.
std::vector<AdmissionDecision> decide_admissions(const std::vector<AdmissionCandidate>& batch,
                                                 const std::unordered_set<std::string>& taken,
                                                 SeatCounts& counts, int& next_number);

// How many waitlisted people move up when seats free (cancellation, capacity grown).
int promotions_due(const SeatCounts& counts);

}  // namespace regdesk
