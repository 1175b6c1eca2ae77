// Invitation codes as people type them, and which invitation lets whom sign up.

#include "domain/invitation.hpp"

#include <gtest/gtest.h>

namespace regdesk {
namespace {

TEST(InvitationCode, TypedAnyWayItIsTheSameCode) {
  EXPECT_EQ(normalize_invitation_code("K7M2-9QXD-4RTA"), "K7M29QXD4RTA");
  EXPECT_EQ(normalize_invitation_code(" k7m2 9qxd 4rta "), "K7M29QXD4RTA");
  EXPECT_EQ(normalize_invitation_code("Ｋ７Ｍ２－９ＱＸＤ"), "K7M29QXD");  // full-width, as IMEs type
}

TEST(InvitationCode, AnythingElseIsNoCode) {
  EXPECT_EQ(normalize_invitation_code(""), std::nullopt);
  EXPECT_EQ(normalize_invitation_code("AB1"), std::nullopt);  // too short to be one
  EXPECT_EQ(normalize_invitation_code(std::string(33, 'A')), std::nullopt);
  EXPECT_EQ(normalize_invitation_code("K7M2'; DROP"), std::nullopt);
  EXPECT_EQ(normalize_invitation_code("招待コード"), std::nullopt);
}

Instant at(int seconds) { return Instant{} + std::chrono::seconds(seconds); }

TEST(JudgeInvitation, AnOrganisationsCodeLetsAnyoneIn) {
  Invitation inv{1, "ABCD1234", "テスト製薬", "", 10, 3, at(100)};
  EXPECT_EQ(judge_invitation(&inv, true, "a@example.jp", at(99)), InvitationVerdict::kAccepted);
  EXPECT_EQ(judge_invitation(&inv, true, "a@example.jp", at(100)), InvitationVerdict::kUsedUp);
  EXPECT_EQ(judge_invitation(nullptr, true, "a@example.jp", at(0)), InvitationVerdict::kRequired);
}

TEST(JudgeInvitation, APersonalInvitationIsForItsAddressOnly) {
  Invitation inv{2, "PERS0NAL", "", "hanako@example.jp", 1, 0, std::nullopt};
  EXPECT_EQ(judge_invitation(&inv, true, "hanako@example.jp", at(0)), InvitationVerdict::kAccepted);
  EXPECT_EQ(judge_invitation(&inv, true, "taro@example.jp", at(0)), InvitationVerdict::kRequired);
}

TEST(JudgeInvitation, AnOpenEventIgnoresACodeThatDoesNotApply) {
  Invitation expired{3, "OLDCODE1", "", "", std::nullopt, 0, at(10)};
  EXPECT_EQ(judge_invitation(&expired, false, "a@example.jp", at(20)), InvitationVerdict::kIgnored);
  EXPECT_EQ(judge_invitation(nullptr, false, "a@example.jp", at(20)), InvitationVerdict::kIgnored);
  EXPECT_EQ(judge_invitation(&expired, false, "a@example.jp", at(5)), InvitationVerdict::kAccepted);
}

}  // namespace
}  // namespace regdesk
