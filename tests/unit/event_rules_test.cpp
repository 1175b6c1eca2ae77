// The registration window, the registration state shown to visitors, and e-mail eligibility.

#include "domain/event_rules.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "domain/clock.hpp"
#include "domain/event.hpp"
#include "domain/time.hpp"

namespace regdesk {
namespace {

using namespace std::chrono_literals;

Instant at(const char* rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  if (!t) throw std::invalid_argument(std::string("bad instant in test: ") + rfc3339);
  return *t;
}

// The seed symposium as far as these rules care: half-open window [Jan 15, Feb 22) JST.
Event symposium() {
  Event e;
  e.slug = "midnet-symposium-2024";
  e.title.ja = "MID-NET®シンポジウム 2024";
  e.starts_at = at("2024-02-28T14:00:00+09:00");
  e.ends_at = at("2024-02-28T17:00:00+09:00");
  e.capacity = 1000;
  e.opens_at = at("2024-01-15T00:00:00+09:00");
  e.closes_at = at("2024-02-22T00:00:00+09:00");
  e.waitlist_enabled = true;
  e.waitlist_capacity = 300;
  return e;
}

SeatCounts seats(int capacity, int confirmed) {
  SeatCounts c;
  c.capacity = capacity;
  c.confirmed = confirmed;
  return c;
}

Event with_domains(std::vector<std::string> domains) {
  Event e;
  e.eligible_email_domains = std::move(domains);
  return e;
}

const char* window_name(WindowState s) {
  switch (s) {
    case WindowState::kNotOpen:
      return "not_open";
    case WindowState::kOpen:
      return "open";
    case WindowState::kClosed:
      return "closed";
  }
  return "?";
}

std::string window_at(const char* rfc3339) {
  ManualClock clock(at(rfc3339));
  return window_name(window_state(symposium(), clock.now()));
}

// --- the window (JST) ---------------------------------------------------------------------------

TEST(WindowState, LastSecondBeforeOpeningIsNotOpen) {
  EXPECT_EQ(window_at("2024-01-14T23:59:59+09:00"), "not_open");
}

TEST(WindowState, OpeningInstantIsOpen) {
  EXPECT_EQ(window_at("2024-01-15T00:00:00+09:00"), "open");
}

TEST(WindowState, LastSecondBeforeClosingIsOpen) {
  EXPECT_EQ(window_at("2024-02-21T23:59:59+09:00"), "open");
}

TEST(WindowState, ClosingInstantIsClosed) {
  EXPECT_EQ(window_at("2024-02-22T00:00:00+09:00"), "closed");
}

// --- the same instants in UTC -------------------------------------------------------------------

TEST(WindowState, LastSecondBeforeOpeningInUtcIsNotOpen) {
  EXPECT_EQ(window_at("2024-01-14T14:59:59Z"), "not_open");
}

TEST(WindowState, OpeningInstantInUtcIsOpen) {
  EXPECT_EQ(window_at("2024-01-14T15:00:00Z"), "open");
}

TEST(WindowState, LastSecondBeforeClosingInUtcIsOpen) {
  EXPECT_EQ(window_at("2024-02-21T14:59:59Z"), "open");
}

TEST(WindowState, ClosingInstantInUtcIsClosed) {
  EXPECT_EQ(window_at("2024-02-21T15:00:00Z"), "closed");
}

TEST(WindowState, EdgesAreExactToTheMicrosecond) {
  Event e = symposium();
  EXPECT_EQ(window_state(e, e.opens_at - 1us), WindowState::kNotOpen);
  EXPECT_EQ(window_state(e, e.opens_at), WindowState::kOpen);
  EXPECT_EQ(window_state(e, e.closes_at - 1us), WindowState::kOpen);
  EXPECT_EQ(window_state(e, e.closes_at), WindowState::kClosed);
}

TEST(WindowState, FollowsAManualClockAsItMoves) {
  Event e = symposium();
  ManualClock clock(at("2024-01-14T23:59:59+09:00"));
  EXPECT_EQ(window_state(e, clock.now()), WindowState::kNotOpen);
  clock.advance(1s);
  EXPECT_EQ(window_state(e, clock.now()), WindowState::kOpen);
  clock.set(at("2024-02-21T23:59:59.999999+09:00"));
  EXPECT_EQ(window_state(e, clock.now()), WindowState::kOpen);
  clock.advance(1us);
  EXPECT_EQ(window_state(e, clock.now()), WindowState::kClosed);
  clock.set(at("2024-02-28T14:00:00+09:00"));  // the event itself
  EXPECT_EQ(window_state(e, clock.now()), WindowState::kClosed);
}

// --- registration_state -------------------------------------------------------------------------

TEST(RegistrationState, BeforeTheWindowIsNotOpen) {
  ManualClock clock(at("2024-01-14T23:59:59+09:00"));
  EXPECT_EQ(registration_state(symposium(), seats(1000, 0), clock.now()),
            RegistrationState::kNotOpen);
}

TEST(RegistrationState, InTheWindowWithSeatsLeftIsOpen) {
  ManualClock clock(at("2024-02-01T12:00:00+09:00"));
  EXPECT_EQ(registration_state(symposium(), seats(1000, 0), clock.now()), RegistrationState::kOpen);
  EXPECT_EQ(registration_state(symposium(), seats(1000, 999), clock.now()),
            RegistrationState::kOpen);
}

TEST(RegistrationState, InTheWindowWithEverySeatTakenIsFull) {
  ManualClock clock(at("2024-02-01T12:00:00+09:00"));
  EXPECT_EQ(registration_state(symposium(), seats(1000, 1000), clock.now()),
            RegistrationState::kFull);
}

TEST(RegistrationState, OverbookedCountsAreFull) {
  ManualClock clock(at("2024-02-01T12:00:00+09:00"));
  EXPECT_EQ(registration_state(symposium(), seats(1000, 1001), clock.now()),
            RegistrationState::kFull);
}

TEST(RegistrationState, FullEvenWhenTheWaitlistHasRoom) {
  ManualClock clock(at("2024-02-01T12:00:00+09:00"));
  SeatCounts c = seats(1000, 1000);
  c.waitlist_enabled = true;
  c.waitlist_capacity = 300;
  EXPECT_EQ(registration_state(symposium(), c, clock.now()), RegistrationState::kFull);
}

TEST(RegistrationState, AfterTheWindowIsClosedEvenWithSeatsLeft) {
  ManualClock clock(at("2024-02-22T00:00:00+09:00"));
  EXPECT_EQ(registration_state(symposium(), seats(1000, 3), clock.now()),
            RegistrationState::kClosed);
}

TEST(RegistrationState, WindowWinsOverFullness) {
  EXPECT_EQ(registration_state(symposium(), seats(1000, 1000), at("2024-01-14T23:59:59+09:00")),
            RegistrationState::kNotOpen);
  EXPECT_EQ(registration_state(symposium(), seats(1000, 1000), at("2024-02-22T00:00:00+09:00")),
            RegistrationState::kClosed);
}

TEST(RegistrationState, ZeroCapacityEventIsFullWhileOpen) {
  EXPECT_EQ(registration_state(symposium(), seats(0, 0), at("2024-02-01T00:00:00+09:00")),
            RegistrationState::kFull);
}

TEST(RegistrationState, HasWireNames) {
  EXPECT_STREQ(to_string(RegistrationState::kNotOpen), "not_open");
  EXPECT_STREQ(to_string(RegistrationState::kOpen), "open");
  EXPECT_STREQ(to_string(RegistrationState::kFull), "full");
  EXPECT_STREQ(to_string(RegistrationState::kClosed), "closed");
}

// --- SeatCounts ---------------------------------------------------------------------------------

TEST(SeatCounts, SeatsRemainingNeverGoesNegative) {
  EXPECT_EQ(seats(10, 0).seats_remaining(), 10);
  EXPECT_EQ(seats(10, 7).seats_remaining(), 3);
  EXPECT_EQ(seats(10, 10).seats_remaining(), 0);
  EXPECT_EQ(seats(10, 12).seats_remaining(), 0);  // capacity lowered below confirmed
}

TEST(SeatCounts, FullAtCapacity) {
  EXPECT_FALSE(seats(10, 9).full());
  EXPECT_TRUE(seats(10, 10).full());
  EXPECT_TRUE(seats(10, 11).full());
}

TEST(SeatCounts, WaitlistHasRoomOnlyWhenEnabledAndBelowItsCapacity) {
  SeatCounts c = seats(10, 10);
  c.waitlist_capacity = 2;
  EXPECT_FALSE(c.waitlist_has_room());  // not enabled
  c.waitlist_enabled = true;
  EXPECT_TRUE(c.waitlist_has_room());
  c.waitlisted = 1;
  EXPECT_TRUE(c.waitlist_has_room());
  c.waitlisted = 2;
  EXPECT_FALSE(c.waitlist_has_room());
}

// --- eligibility --------------------------------------------------------------------------------

TEST(IsEligible, EventWithoutAllowListTakesEveryone) {
  Event e = with_domains({});
  EXPECT_TRUE(is_eligible(e, "taro@example.jp"));
  EXPECT_TRUE(is_eligible(e, "someone@gmail.com"));
}

TEST(IsEligible, ExactDomainIsEligible) {
  EXPECT_TRUE(is_eligible(with_domains({"example.co.jp"}), "taro@example.co.jp"));
}

TEST(IsEligible, SubdomainIsEligible) {
  Event e = with_domains({"example.co.jp"});
  EXPECT_TRUE(is_eligible(e, "taro@a.example.co.jp"));
  EXPECT_TRUE(is_eligible(e, "taro@mail.tokyo.example.co.jp"));
}

TEST(IsEligible, DomainIsComparedCaseInsensitively) {
  EXPECT_TRUE(is_eligible(with_domains({"example.co.jp"}), "Taro@EXAMPLE.CO.JP"));
  EXPECT_TRUE(is_eligible(with_domains({"Example.CO.jp"}), "taro@a.example.co.jp"));
}

TEST(IsEligible, DomainThatMerelyEndsWithTheSameLettersIsNotEligible) {
  Event e = with_domains({"example.co.jp"});
  EXPECT_FALSE(is_eligible(e, "taro@evilexample.co.jp"));
  EXPECT_FALSE(is_eligible(e, "taro@a.evilexample.co.jp"));
}

TEST(IsEligible, OtherDomainsAreNotEligible) {
  Event e = with_domains({"example.co.jp"});
  EXPECT_FALSE(is_eligible(e, "taro@example.jp"));
  EXPECT_FALSE(is_eligible(e, "taro@co.jp"));                       // parent domain
  EXPECT_FALSE(is_eligible(e, "taro@example.co.jp.evil.example"));  // allowed name as a prefix
  EXPECT_FALSE(is_eligible(e, "example.co.jp@evil.example"));       // allowed name as local part
}

TEST(IsEligible, AddressWithoutAtIsNotEligibleWhenThereIsAnAllowList) {
  EXPECT_FALSE(is_eligible(with_domains({"example.co.jp"}), "example.co.jp"));
}

TEST(IsEligible, AnyOfSeveralDomainsQualifies) {
  Event e = with_domains({"pmda.go.jp", "example.co.jp"});
  EXPECT_TRUE(is_eligible(e, "a@pmda.go.jp"));
  EXPECT_TRUE(is_eligible(e, "b@sub.example.co.jp"));
  EXPECT_FALSE(is_eligible(e, "c@mhlw.go.jp"));
}

// --- check_event
// ----------------------------------------------------------------------------------

bool has_problem(const std::vector<EventProblem>& problems, const std::string& key) {
  for (const auto& p : problems)
    if (p.key == key) return true;
  return false;
}

TEST(CheckEvent, SeedSymposiumHasNoProblems) {
  auto problems = check_event(symposium());
  EXPECT_TRUE(problems.empty()) << problems.size() << " problems, first: "
                                << (problems.empty() ? "" : problems[0].key);
}

TEST(CheckEvent, RegistrationClosingAfterTheEventEndsIsAProblem) {
  Event e = symposium();
  e.closes_at = e.ends_at + 1s;
  EXPECT_TRUE(has_problem(check_event(e), "registration.closes_at"));
  e.closes_at = e.ends_at;  // closing as the event ends is allowed
  EXPECT_TRUE(check_event(e).empty());
}

TEST(CheckEvent, WindowMustNotBeEmpty) {
  Event e = symposium();
  e.closes_at = e.opens_at;
  EXPECT_TRUE(has_problem(check_event(e), "registration.closes_at"));
}

TEST(CheckEvent, EventMustEndAfterItStarts) {
  Event e = symposium();
  e.ends_at = e.starts_at;
  EXPECT_TRUE(has_problem(check_event(e), "ends_at"));
}

TEST(CheckEvent, UnknownZoneBadSlugAndFeeAreProblems) {
  Event e = symposium();
  e.timezone = "Asia/Atlantis";
  e.slug = "MID NET";
  e.fee = 1000;
  auto problems = check_event(e);
  EXPECT_TRUE(has_problem(problems, "timezone"));
  EXPECT_TRUE(has_problem(problems, "slug"));
  EXPECT_TRUE(has_problem(problems, "fee"));
}

TEST(CheckEvent, EligibilityEntriesMustBeDomains) {
  Event e = symposium();
  e.eligible_email_domains = {"taro@example.co.jp"};
  EXPECT_TRUE(has_problem(check_event(e), "eligibility.email_domains"));
  e.eligible_email_domains = {""};
  EXPECT_TRUE(has_problem(check_event(e), "eligibility.email_domains"));
}

}  // namespace
}  // namespace regdesk
