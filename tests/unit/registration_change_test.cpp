// Changes to an existing registration: which statuses allow what, an edit merged with the
// stored details and validated as a sign-up, and the fields an edit changed.

#include "domain/registration_change.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regdesk {
namespace {

Event event_with_a_question() {
  Event e;
  e.questions = {{"role",
                  QuestionType::kSelect,
                  {"お立場", "Role"},
                  {},
                  {{"pv", {"安全性", "PV"}}, {"epi", {"疫学", "Epidemiology"}}},
                  true,
                  0}};
  return e;
}

RegistrationDetails stored() {
  RegistrationDetails d;
  d.email = "taro@example.jp";
  d.name = "山田 太郎";
  d.name_kana = "ヤマダ タロウ";
  d.organization = "機構";
  d.department = "情報部";
  d.category = "industry";
  d.locale = "ja";
  d.answers = {{"role", AnswerValue(std::string("pv"))}};
  return d;
}

std::vector<std::string> fields_of(const std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.field + ":" + e.code);
  return out;
}

TEST(RegistrationStatusRules, OnlyActiveRegistrationsChange) {
  EXPECT_EQ(edit_refusal("confirmed"), std::nullopt);
  EXPECT_EQ(edit_refusal("waitlisted"), std::nullopt);
  EXPECT_EQ(edit_refusal("pending"), std::nullopt);
  EXPECT_EQ(edit_refusal("cancelled"), "registration_cancelled");
  EXPECT_EQ(edit_refusal("declined"), "registration_declined");
  EXPECT_TRUE(is_active_status("waitlisted"));
  EXPECT_TRUE(is_active_status("pending"));
  EXPECT_FALSE(is_active_status("declined"));
  EXPECT_FALSE(is_active_status("cancelled"));
}

TEST(RegistrationStatusRules, ResendTable) {
  struct Row {
    const char* status;
    ResendMail mail;
    const char* kind;
    const char* refusal;
  };
  const Row rows[] = {
      {"confirmed", ResendMail::kConfirmation, "confirmation", ""},
      {"waitlisted", ResendMail::kConfirmation, "waitlisted", ""},
      {"confirmed", ResendMail::kMeetingLink, "meeting_link", ""},
      {"waitlisted", ResendMail::kMeetingLink, "", "not_confirmed"},
      {"pending", ResendMail::kConfirmation, "pending", ""},
      {"pending", ResendMail::kMeetingLink, "", "not_confirmed"},
      {"declined", ResendMail::kConfirmation, "", "registration_declined"},
      {"cancelled", ResendMail::kConfirmation, "", "registration_cancelled"},
      {"cancelled", ResendMail::kMeetingLink, "", "registration_cancelled"},
  };
  for (const auto& r : rows) {
    auto d = decide_resend(r.status, r.mail);
    EXPECT_EQ(d.kind, r.kind) << r.status;
    EXPECT_EQ(d.refusal, r.refusal) << r.status;
  }
  EXPECT_EQ(resend_mail_from("meeting_link"), ResendMail::kMeetingLink);
  EXPECT_EQ(resend_mail_from("reminder"), std::nullopt);
}

TEST(RegistrationStatusRules, PromotionNeedsAWaitlistedPersonAndAFreeSeat) {
  EXPECT_EQ(promotion_refusal("waitlisted", 1), "");
  EXPECT_EQ(promotion_refusal("waitlisted", 0), "sold_out");
  EXPECT_EQ(promotion_refusal("confirmed", 3), "not_waitlisted");
  EXPECT_EQ(promotion_refusal("cancelled", 3), "not_waitlisted");
}

TEST(ApplyEdit, APartialEditKeepsWhatWasNotSent) {
  SignupForm edit;
  edit.organization = "新しい組織";
  auto r = apply_edit(stored(), edit, event_with_a_question());
  ASSERT_TRUE(r.applicant) << ::testing::PrintToString(fields_of(r.errors));
  EXPECT_EQ(r.applicant->organization, "新しい組織");
  EXPECT_EQ(r.applicant->name, "山田 太郎");
  EXPECT_EQ(r.applicant->email, "taro@example.jp");
  ASSERT_EQ(r.applicant->answers.size(), 1u);
  auto changes = changed_fields(stored(), *r.applicant);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].field, "organization");
  EXPECT_EQ(changes[0].before, AnswerValue(std::string("機構")));
  EXPECT_EQ(changes[0].after, AnswerValue(std::string("新しい組織")));
}

TEST(ApplyEdit, EveryErrorAtOnceAsASignUpReportsThem) {
  SignupForm edit;
  edit.name = "  ";
  edit.category = "astronaut";
  edit.phone = "abc";
  edit.answers["role"] = AnswerValue(std::string("nope"));
  edit.answers["ghost"] = AnswerValue(std::string("x"));
  edit.email = "other@example.jp";
  auto r = apply_edit(stored(), edit, event_with_a_question());
  EXPECT_FALSE(r.applicant);
  auto f = fields_of(r.errors);
  for (const char* want : {"name:required", "category:invalid", "phone:invalid",
                           "answers.role:invalid", "answers.ghost:unknown", "email:not_editable"})
    EXPECT_NE(std::find(f.begin(), f.end(), want), f.end()) << want;
}

TEST(ApplyEdit, SignUpOnlyKeysAreIgnoredButTheAddressIsRefusedEvenUnchanged) {
  SignupForm edit;
  edit.email = "taro@example.jp";
  edit.consent_privacy = false;
  auto r = apply_edit(stored(), edit, event_with_a_question());
  EXPECT_EQ(fields_of(r.errors), std::vector<std::string>{"email:not_editable"});
}

TEST(ApplyEdit, WhatTheFormNoLongerAsksIsKept) {
  Event e = event_with_a_question();
  e.fields = {{FormField::kName, true}};  // the organiser dropped every other field
  e.questions.clear();
  SignupForm edit;
  edit.name = "山田 花子";
  auto r = apply_edit(stored(), edit, e);
  ASSERT_TRUE(r.applicant);
  EXPECT_EQ(r.applicant->department, "情報部");
  EXPECT_EQ(r.applicant->category, Category::kIndustry);
  ASSERT_EQ(r.applicant->answers.size(), 1u);  // the answer to the removed question stays
  auto changes = changed_fields(stored(), *r.applicant);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].field, "name");
}

TEST(ChangedFields, AnswersComparedByValue) {
  Applicant after;
  after.name = "山田 太郎";
  after.name_kana = "ヤマダ タロウ";
  after.organization = "機構";
  after.department = "情報部";
  after.category = Category::kIndustry;
  after.locale = "en";
  after.answers = {{"role", AnswerValue(std::string("epi"))}};
  auto changes = changed_fields(stored(), after);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].field, "locale");
  EXPECT_EQ(changes[1].field, "answers.role");
  EXPECT_EQ(changes[1].before, AnswerValue(std::string("pv")));
}

}  // namespace
}  // namespace regdesk
