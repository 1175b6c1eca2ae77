// First come, first served: seats, waitlist places, numbers and duplicates in a batch.

#include "domain/admission.hpp"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>
#include <vector>

namespace regdesk {
namespace {

SeatCounts ledger(int capacity, int confirmed = 0, bool waitlist = false, int waitlist_capacity = 0,
                  int waitlisted = 0) {
  SeatCounts c;
  c.capacity = capacity;
  c.confirmed = confirmed;
  c.waitlist_enabled = waitlist;
  c.waitlist_capacity = waitlist_capacity;
  c.waitlisted = waitlisted;
  return c;
}

// n distinct applicants, person1@example.jp ... personN@example.jp.
std::vector<AdmissionCandidate> people(int n, bool wants_waitlist = false, int first = 1) {
  std::vector<AdmissionCandidate> batch;
  for (int i = first; i < first + n; ++i)
    batch.push_back({"person" + std::to_string(i) + "@example.jp", wants_waitlist});
  return batch;
}

std::string outcome(const AdmissionDecision& d) {
  return to_string(d.outcome);
}

TEST(DecideAdmissions, FillsCapacityExactlyInArrivalOrderWithConsecutiveNumbers) {
  SeatCounts counts = ledger(5);
  int next_number = 1;
  auto decisions = decide_admissions(people(5), {}, counts, next_number);
  ASSERT_EQ(decisions.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(outcome(decisions[i]), "confirmed");
    EXPECT_EQ(decisions[i].number, i + 1);
    EXPECT_EQ(decisions[i].waitlist_position, 0);
  }
  EXPECT_EQ(counts.confirmed, 5);
  EXPECT_TRUE(counts.full());
  EXPECT_EQ(next_number, 6);
}

TEST(DecideAdmissions, OneMoreThanCapacityIsSoldOut) {
  SeatCounts counts = ledger(3);
  int next_number = 1;
  auto decisions = decide_admissions(people(4), {}, counts, next_number);
  ASSERT_EQ(decisions.size(), 4u);
  EXPECT_EQ(outcome(decisions[2]), "confirmed");
  EXPECT_EQ(decisions[2].number, 3);
  EXPECT_EQ(outcome(decisions[3]), "sold_out");
  EXPECT_EQ(decisions[3].number, 0);
  EXPECT_EQ(counts.confirmed, 3);
  EXPECT_EQ(next_number, 4);  // nobody used a number for the sold-out one
}

TEST(DecideAdmissions, NumbersContinueFromEarlierBatches) {
  SeatCounts counts = ledger(1000, 997);
  int next_number = 998;
  auto decisions = decide_admissions(people(3), {}, counts, next_number);
  EXPECT_EQ(decisions[0].number, 998);
  EXPECT_EQ(decisions[1].number, 999);
  EXPECT_EQ(decisions[2].number, 1000);
  EXPECT_EQ(next_number, 1001);
  EXPECT_EQ(counts.confirmed, 1000);
}

TEST(DecideAdmissions, WhenFullThoseWhoAskAreWaitlistedInOrderAndNumbersKeepCounting) {
  SeatCounts counts = ledger(2, 0, /*waitlist=*/true, /*waitlist_capacity=*/5);
  int next_number = 1;
  auto decisions = decide_admissions(people(5, /*wants_waitlist=*/true), {}, counts, next_number);
  ASSERT_EQ(decisions.size(), 5u);
  EXPECT_EQ(outcome(decisions[0]), "confirmed");
  EXPECT_EQ(outcome(decisions[1]), "confirmed");
  for (int i = 2; i < 5; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(outcome(decisions[i]), "waitlisted");
    EXPECT_EQ(decisions[i].number, i + 1);
    EXPECT_EQ(decisions[i].waitlist_position, i - 1);  // 1, 2, 3
  }
  EXPECT_EQ(counts.confirmed, 2);
  EXPECT_EQ(counts.waitlisted, 3);
  EXPECT_EQ(next_number, 6);
}

TEST(DecideAdmissions, WaitlistPositionsContinueFromTheLedger) {
  SeatCounts counts = ledger(2, 2, true, 10, /*waitlisted=*/4);
  int next_number = 7;
  auto decisions = decide_admissions(people(2, true), {}, counts, next_number);
  EXPECT_EQ(decisions[0].waitlist_position, 5);
  EXPECT_EQ(decisions[0].number, 7);
  EXPECT_EQ(decisions[1].waitlist_position, 6);
  EXPECT_EQ(decisions[1].number, 8);
}

TEST(DecideAdmissions, WhenFullThoseWhoDoNotAskForTheWaitlistAreSoldOut) {
  SeatCounts counts = ledger(1, 1, true, 5);
  int next_number = 2;
  auto decisions = decide_admissions(people(1, /*wants_waitlist=*/false), {}, counts, next_number);
  EXPECT_EQ(outcome(decisions[0]), "sold_out");
  EXPECT_EQ(counts.waitlisted, 0);
  EXPECT_EQ(next_number, 2);
}

TEST(DecideAdmissions, WaitlistDisabledMeansSoldOut) {
  SeatCounts counts = ledger(1, 1, /*waitlist=*/false, 5);
  int next_number = 2;
  auto decisions = decide_admissions(people(1, true), {}, counts, next_number);
  EXPECT_EQ(outcome(decisions[0]), "sold_out");
}

TEST(DecideAdmissions, FullWaitlistIsSoldOut) {
  SeatCounts counts = ledger(1, 0, true, /*waitlist_capacity=*/2);
  int next_number = 1;
  auto decisions = decide_admissions(people(5, true), {}, counts, next_number);
  ASSERT_EQ(decisions.size(), 5u);
  EXPECT_EQ(outcome(decisions[0]), "confirmed");
  EXPECT_EQ(outcome(decisions[1]), "waitlisted");
  EXPECT_EQ(outcome(decisions[2]), "waitlisted");
  EXPECT_EQ(outcome(decisions[3]), "sold_out");
  EXPECT_EQ(outcome(decisions[4]), "sold_out");
  EXPECT_EQ(decisions[3].number, 0);
  EXPECT_EQ(decisions[3].waitlist_position, 0);
  EXPECT_EQ(counts.waitlisted, 2);
  EXPECT_EQ(next_number, 4);
}

TEST(DecideAdmissions, KeyAlreadyTakenIsAlreadyRegistered) {
  SeatCounts counts = ledger(10, 1);
  int next_number = 2;
  std::unordered_set<std::string> taken = {"person1@example.jp"};
  auto decisions = decide_admissions(people(2), taken, counts, next_number);
  EXPECT_EQ(outcome(decisions[0]), "already_registered");
  EXPECT_EQ(decisions[0].number, 0);
  EXPECT_EQ(outcome(decisions[1]), "confirmed");
  EXPECT_EQ(decisions[1].number, 2);
  EXPECT_EQ(counts.confirmed, 2);
  EXPECT_EQ(next_number, 3);
}

TEST(DecideAdmissions, DuplicateBeatsSoldOut) {
  // Telling a registered person "sold out" would make them think they lost their seat.
  SeatCounts counts = ledger(1, 1);
  int next_number = 2;
  auto decisions = decide_admissions({{"person1@example.jp", false}}, {"person1@example.jp"},
                                     counts, next_number);
  EXPECT_EQ(outcome(decisions[0]), "already_registered");
}

TEST(DecideAdmissions, SameKeyTwiceInOneBatchAdmitsOnlyTheFirst) {
  SeatCounts counts = ledger(10);
  int next_number = 1;
  std::vector<AdmissionCandidate> batch = {
      {"taro@example.jp", false}, {"hanako@example.jp", false}, {"taro@example.jp", false}};
  auto decisions = decide_admissions(batch, {}, counts, next_number);
  EXPECT_EQ(outcome(decisions[0]), "confirmed");
  EXPECT_EQ(decisions[0].number, 1);
  EXPECT_EQ(outcome(decisions[1]), "confirmed");
  EXPECT_EQ(decisions[1].number, 2);
  EXPECT_EQ(outcome(decisions[2]), "already_registered");
  EXPECT_EQ(decisions[2].number, 0);
  EXPECT_EQ(counts.confirmed, 2);
  EXPECT_EQ(next_number, 3);
}

TEST(DecideAdmissions, SameKeyTwiceWhileWaitlistingIsAlsoAlreadyRegistered) {
  SeatCounts counts = ledger(0, 0, true, 5);
  int next_number = 1;
  std::vector<AdmissionCandidate> batch = {{"taro@example.jp", true}, {"taro@example.jp", true}};
  auto decisions = decide_admissions(batch, {}, counts, next_number);
  EXPECT_EQ(outcome(decisions[0]), "waitlisted");
  EXPECT_EQ(outcome(decisions[1]), "already_registered");
  EXPECT_EQ(counts.waitlisted, 1);
}

TEST(DecideAdmissions, BatchStraddlingTheCapacity) {
  // Two seats left, a waitlist with one place: seat, seat, waitlist, sold out, and a duplicate.
  SeatCounts counts = ledger(100, 98, true, 1);
  int next_number = 99;
  std::vector<AdmissionCandidate> batch = {{"a@example.jp", true}, {"b@example.jp", false},
                                           {"a@example.jp", true}, {"c@example.jp", true},
                                           {"d@example.jp", true}, {"e@example.jp", false}};
  auto d = decide_admissions(batch, {}, counts, next_number);
  ASSERT_EQ(d.size(), 6u);
  EXPECT_EQ(outcome(d[0]), "confirmed");
  EXPECT_EQ(d[0].number, 99);
  EXPECT_EQ(outcome(d[1]), "confirmed");
  EXPECT_EQ(d[1].number, 100);
  EXPECT_EQ(outcome(d[2]), "already_registered");
  EXPECT_EQ(outcome(d[3]), "waitlisted");
  EXPECT_EQ(d[3].number, 101);
  EXPECT_EQ(d[3].waitlist_position, 1);
  EXPECT_EQ(outcome(d[4]), "sold_out");
  EXPECT_EQ(outcome(d[5]), "sold_out");
  EXPECT_EQ(counts.confirmed, 100);
  EXPECT_EQ(counts.waitlisted, 1);
  EXPECT_EQ(next_number, 102);
}

TEST(DecideAdmissions, EmptyBatchChangesNothing) {
  SeatCounts counts = ledger(10, 3);
  int next_number = 4;
  EXPECT_TRUE(decide_admissions({}, {}, counts, next_number).empty());
  EXPECT_EQ(counts.confirmed, 3);
  EXPECT_EQ(next_number, 4);
}

TEST(DecideAdmissions, ZeroCapacityConfirmsNobody) {
  SeatCounts counts = ledger(0);
  int next_number = 1;
  auto d = decide_admissions(people(2), {}, counts, next_number);
  EXPECT_EQ(outcome(d[0]), "sold_out");
  EXPECT_EQ(outcome(d[1]), "sold_out");
  EXPECT_EQ(counts.confirmed, 0);
}

TEST(DecideAdmissions, OutcomesHaveWireNames) {
  EXPECT_STREQ(to_string(AdmissionOutcome::kConfirmed), "confirmed");
  EXPECT_STREQ(to_string(AdmissionOutcome::kWaitlisted), "waitlisted");
  EXPECT_STREQ(to_string(AdmissionOutcome::kSoldOut), "sold_out");
  EXPECT_STREQ(to_string(AdmissionOutcome::kAlreadyRegistered), "already_registered");
}

// --- approval ----------------------------------------------------------------------------------

AdmissionRules approval{/*approval_required=*/true, {}};

TEST(DecideAdmissions, WithApprovalEveryoneWaitsForReviewWithANumberAndNoSeat) {
  SeatCounts counts = ledger(2);
  int next_number = 7;
  auto decisions =
      decide_admissions(people(4), {}, counts, next_number, approval);
  ASSERT_EQ(decisions.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(outcome(decisions[i]), "pending");  // more than the seats: the organiser chooses
    EXPECT_EQ(decisions[i].number, 7 + i);
    EXPECT_EQ(decisions[i].waitlist_position, 0);
  }
  EXPECT_EQ(counts.confirmed, 0);
  EXPECT_EQ(counts.waitlisted, 0);
  EXPECT_EQ(next_number, 11);
}

TEST(DecideAdmissions, WithApprovalNobodyIsTakenForReviewWhenNothingIsLeftToGive) {
  SeatCounts full = ledger(2, 2);
  int next_number = 3;
  auto decisions = decide_admissions(people(1), {}, full, next_number, approval);
  EXPECT_EQ(outcome(decisions[0]), "sold_out");
  EXPECT_EQ(next_number, 3);

  SeatCounts waitlist_room = ledger(2, 2, true, 1);
  decisions = decide_admissions(people(2, /*wants_waitlist=*/true), {}, waitlist_room,
                                next_number, approval);
  EXPECT_EQ(outcome(decisions[0]), "pending");
  EXPECT_EQ(outcome(decisions[1]), "pending");  // reviewing does not use the place up
  decisions = decide_admissions(people(1, /*wants_waitlist=*/false, 9), {}, waitlist_room,
                                next_number, approval);
  EXPECT_EQ(outcome(decisions[0]), "sold_out");  // did not ask for the waitlist
}

TEST(DecideAdmissions, WithApprovalARegisteredAddressIsStillADuplicate) {
  SeatCounts counts = ledger(5);
  int next_number = 1;
  auto decisions = decide_admissions({{"a@example.jp", false}, {"a@example.jp", false}},
                                     {}, counts, next_number, approval);
  EXPECT_EQ(outcome(decisions[0]), "pending");
  EXPECT_EQ(outcome(decisions[1]), "already_registered");
  decisions = decide_admissions({{"b@example.jp", false}}, {"b@example.jp"}, counts,
                                next_number, approval);
  EXPECT_EQ(outcome(decisions[0]), "already_registered");
}

TEST(ApprovePending, SeatThenWaitlistThenNothingExactlyAtTheCap) {
  SeatCounts counts = ledger(2, 1, true, 1);
  auto first = approve_pending(counts);
  EXPECT_EQ(to_string(first.outcome), std::string("confirmed"));
  EXPECT_EQ(counts.confirmed, 2);
  auto second = approve_pending(counts);
  EXPECT_EQ(to_string(second.outcome), std::string("waitlisted"));
  EXPECT_EQ(second.waitlist_position, 1);
  auto third = approve_pending(counts);
  EXPECT_EQ(to_string(third.outcome), std::string("sold_out"));
  EXPECT_EQ(counts.confirmed, 2);
  EXPECT_EQ(counts.waitlisted, 1);
}

TEST(ApprovePending, NoWaitlistMeansSoldOutOnceFull) {
  SeatCounts counts = ledger(1, 1);
  EXPECT_EQ(to_string(approve_pending(counts).outcome), std::string("sold_out"));
  EXPECT_EQ(counts.confirmed, 1);
}

// --- invitations -------------------------------------------------------------------------------

TEST(DecideAdmissions, AnInvitationsUsesAreTakenInArrivalOrderOnlyByThoseAdmitted) {
  SeatCounts counts = ledger(10);
  int next_number = 1;
  AdmissionRules rules{false, {2, -1}};  // invitation 0: two uses left; 1: no limit
  std::vector<AdmissionCandidate> batch = {
      {"a@example.jp", false, 0}, {"a@example.jp", false, 0},  // a duplicate uses nothing
      {"b@example.jp", false, 0}, {"c@example.jp", false, 0},  // c: the uses are gone
      {"d@example.jp", false, 1}, {"e@example.jp", false, -1}};
  auto decisions = decide_admissions(batch, {}, counts, next_number, rules);
  std::vector<std::string> outcomes;
  for (const auto& d : decisions) outcomes.push_back(outcome(d));
  EXPECT_EQ(outcomes, (std::vector<std::string>{"confirmed", "already_registered", "confirmed",
                                                "invitation_used_up", "confirmed", "confirmed"}));
  EXPECT_EQ(rules.invitation_uses_left, (std::vector<int>{0, -1}));
  EXPECT_EQ(counts.confirmed, 4);
}

TEST(DecideAdmissions, SoldOutUsesNoInvitation) {
  SeatCounts counts = ledger(1);
  int next_number = 1;
  AdmissionRules rules{false, {5}};
  auto decisions = decide_admissions({{"a@example.jp", false, 0}, {"b@example.jp", false, 0}},
                                     {}, counts, next_number, rules);
  EXPECT_EQ(outcome(decisions[1]), "sold_out");
  EXPECT_EQ(rules.invitation_uses_left[0], 4);
}

TEST(DecideAdmissions, APendingSignUpUsesTheInvitation) {
  SeatCounts counts = ledger(1);
  int next_number = 1;
  AdmissionRules rules{true, {1}};
  auto decisions = decide_admissions({{"a@example.jp", false, 0}, {"b@example.jp", false, 0}},
                                     {}, counts, next_number, rules);
  EXPECT_EQ(outcome(decisions[0]), "pending");
  EXPECT_EQ(outcome(decisions[1]), "invitation_used_up");
}

// --- promotions ---------------------------------------------------------------------------------

TEST(PromotionsDue, NoneWhileFull) {
  EXPECT_EQ(promotions_due(ledger(10, 10, true, 5, 3)), 0);
}

TEST(PromotionsDue, AsManyAsSeatsFreed) {
  EXPECT_EQ(promotions_due(ledger(10, 8, true, 5, 3)), 2);
}

TEST(PromotionsDue, NoMoreThanAreWaiting) {
  EXPECT_EQ(promotions_due(ledger(20, 8, true, 5, 3)), 3);
}

TEST(PromotionsDue, NoneWhenNobodyWaits) {
  EXPECT_EQ(promotions_due(ledger(10, 2, true, 5, 0)), 0);
}

TEST(PromotionsDue, NoneWhenCapacityWasLoweredBelowConfirmed) {
  EXPECT_EQ(promotions_due(ledger(5, 8, true, 5, 3)), 0);
}

}  // namespace
}  // namespace regdesk
