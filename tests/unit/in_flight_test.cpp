#include "http/in_flight.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace regdesk::http {
namespace {

using std::chrono::milliseconds;

TEST(InFlight, NothingInFlightIsSettledAtOnce) {
  InFlight f;
  EXPECT_TRUE(f.wait_for_earlier(milliseconds(0)));
}

TEST(InFlight, WaitsForARequestBegunBefore) {
  InFlight f;
  auto t = f.begin();
  EXPECT_FALSE(f.wait_for_earlier(milliseconds(10)));
  std::thread answer([&] { f.end(t); });
  EXPECT_TRUE(f.wait_for_earlier(milliseconds(5000)));
  answer.join();
}

// A stop under steady traffic: requests keep arriving after it began and some are always in
// flight; it waits only for those that were there before.
TEST(InFlight, DoesNotWaitForRequestsBegunAfter) {
  InFlight f;
  auto before = f.begin();
  bool settled = false;
  std::thread stop([&] { settled = f.wait_for_earlier(milliseconds(10000)); });
  // Requests keep coming; once one is counted in the stop's new generation, keep it open
  // and answer the one from before.
  InFlight::Ticket later = before;
  while (later == before) {
    later = f.begin();
    if (later == before) f.end(later);
  }
  f.end(before);
  stop.join();
  EXPECT_TRUE(settled);
  // The later one, still unanswered, is waited for by the next wait.
  EXPECT_FALSE(f.wait_for_earlier(milliseconds(10)));
}

TEST(InFlight, AnOldRequestStillOpenHoldsTheWait) {
  InFlight f;
  auto old_one = f.begin();
  f.wait_for_earlier(milliseconds(0));  // a new generation
  auto new_one = f.begin();
  f.end(new_one);
  EXPECT_FALSE(f.wait_for_earlier(milliseconds(10)));
  f.end(old_one);
  EXPECT_TRUE(f.wait_for_earlier(milliseconds(0)));
}

}  // namespace
}  // namespace regdesk::http
