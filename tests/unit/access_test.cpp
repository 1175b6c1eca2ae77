// Roles and rights, sessions' lifetimes, and the credentials behind them: TOTP against RFC
// 6238's own test vectors, argon2id round trips, the sign-in failure throttle.

#include <gtest/gtest.h>

#include "auth/password.hpp"
#include "auth/secrets.hpp"
#include "auth/totp.hpp"
#include "domain/access.hpp"
#include "http/failure_throttle.hpp"

namespace regdesk {
namespace {

using namespace std::chrono_literals;

TEST(Rights, EachRoleHasExactlyItsRights) {
  const Right all[] = {Right::kSeeCounts,           Right::kSeePersonalData, Right::kEditEvents,
                       Right::kChangeRegistrations, Right::kSendMail,        Right::kManageAccounts,
                       Right::kSeeAudit};
  for (Right r : all) EXPECT_TRUE(role_has(Role::kOwner, r));
  for (Right r : all)
    EXPECT_EQ(role_has(Role::kEditor, r), r != Right::kManageAccounts && r != Right::kSeeAudit);
  for (Right r : all) EXPECT_EQ(role_has(Role::kViewer, r), r == Right::kSeeCounts);
}

TEST(Rights, EventsLimitWhereARoleApplies) {
  Actor editor{"user:e@example.jp", Role::kEditor, {"symposium"}, 1, true};
  EXPECT_TRUE(may(editor, Right::kSeePersonalData, "symposium"));
  EXPECT_FALSE(may(editor, Right::kSeePersonalData, "briefing"));
  EXPECT_TRUE(may(editor, Right::kSeeCounts, ""));  // lists, filtered by covers_event
  EXPECT_FALSE(covers_event(editor, "briefing"));
  Actor owner{"config-token", Role::kOwner, {}, 0, false};
  EXPECT_TRUE(may(owner, Right::kManageAccounts, "anything"));
}

TEST(Rights, RoleNamesAndSlugListsRoundTrip) {
  for (Role r : {Role::kOwner, Role::kEditor, Role::kViewer}) EXPECT_EQ(role_from(role_name(r)), r);
  EXPECT_FALSE(role_from("admin"));
  EXPECT_EQ(split_slugs("a,b,,c"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(split_slugs("").empty());
  EXPECT_EQ(join_slugs({"a", "b"}), "a,b");
  EXPECT_TRUE(valid_slug("midnet-symposium-2024"));
  for (const char* bad : {"", "a,b", "A", "スラッグ", "a b"}) EXPECT_FALSE(valid_slug(bad)) << bad;
}

TEST(Sessions, EndWhenIdleOrOld) {
  const Instant start{std::chrono::seconds(1'700'000'000)};
  SessionLimits limits{30min, 12h};
  EXPECT_TRUE(session_alive(start, start, start + 29min, limits));
  EXPECT_FALSE(session_alive(start, start, start + 30min, limits));
  // Kept busy, it still ends at the absolute limit.
  EXPECT_TRUE(session_alive(start, start + 11h + 50min, start + 11h + 59min, limits));
  EXPECT_FALSE(session_alive(start, start + 11h + 59min, start + 12h, limits));
}

// RFC 6238 appendix B, SHA-1: the secret "12345678901234567890", 8-digit codes cut to the six
// an authenticator shows.
TEST(Totp, MatchesTheRfcTestVectors) {
  const std::string secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";  // base32 of the RFC's key
  const std::pair<int64_t, const char*> vectors[] = {{59, "94287082"},
                                                     {1111111109, "07081804"},
                                                     {1111111111, "14050471"},
                                                     {1234567890, "89005924"},
                                                     {2000000000, "69279037"},
                                                     {20000000000, "65353130"}};
  for (const auto& [t, code8] : vectors)
    EXPECT_EQ(auth::totp_code(secret, t / 30), std::string(code8).substr(2)) << t;
}

TEST(Totp, AcceptsOneStepOfDriftAndNamesTheStep) {
  const std::string secret = auth::new_totp_secret();
  EXPECT_EQ(secret.size(), 32u);
  const int64_t now = 1'700'000'000;
  auto code = *auth::totp_code(secret, now / 30 - 1);
  EXPECT_EQ(auth::totp_accepts(secret, code, now), now / 30 - 1);
  EXPECT_FALSE(auth::totp_accepts(secret, *auth::totp_code(secret, now / 30 - 2), now));
  EXPECT_FALSE(auth::totp_accepts(secret, "12345", now));
  EXPECT_FALSE(auth::totp_code("not base32!", 1));
  EXPECT_EQ(auth::totp_uri("regdesk", "a b@example.jp", "ABC"),
            "otpauth://totp/regdesk:a%20b%40example.jp?secret=ABC&issuer=regdesk");
}

TEST(Passwords, Argon2idRoundTripsAndSaltsEachHash) {
  const std::string pw = "correct horse battery staple 日本語";
  std::string a = auth::hash_password(pw), b = auth::hash_password(pw);
  EXPECT_EQ(a.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << a;
  EXPECT_NE(a, b);
  EXPECT_TRUE(auth::verify_password(a, pw));
  EXPECT_FALSE(auth::verify_password(a, pw + " "));
  EXPECT_FALSE(auth::verify_password("garbage", pw));
  EXPECT_FALSE(auth::verify_against_nobody(pw));
}

TEST(Secrets, TokensAreLongRandomAndUrlSafe) {
  std::string a = auth::random_token(), b = auth::random_token();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(auth::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(FailureThrottle, BlocksAfterTheLimitUntilTheOldestFailureAges) {
  http::FailureThrottle throttle(3, std::chrono::seconds(60));
  auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(throttle.blocked_for("a", t0 + std::chrono::seconds(i)), 0);
    throttle.failed("a", t0 + std::chrono::seconds(i));
  }
  EXPECT_EQ(throttle.blocked_for("a", t0 + 10s), 50);
  EXPECT_EQ(throttle.blocked_for("b", t0 + 10s), 0);
  EXPECT_EQ(throttle.blocked_for("a", t0 + 60s), 0);  // the first failure aged out
  throttle.forget("a");
  EXPECT_EQ(throttle.blocked_for("a", t0 + 10s), 0);
}

}  // namespace
}  // namespace regdesk
