#include "domain/registration_change.hpp"

#include <algorithm>
#include <map>

namespace regdesk {

bool is_active_status(const std::string& status) {
  return status == "confirmed" || status == "waitlisted" || status == "pending";
}

std::optional<std::string> edit_refusal(const std::string& status) {
  if (is_active_status(status)) return std::nullopt;
  return std::string(status == "declined" ? "registration_declined" : "registration_cancelled");
}

std::optional<ResendMail> resend_mail_from(const std::string& name) {
  if (name == "confirmation") return ResendMail::kConfirmation;
  if (name == "meeting_link") return ResendMail::kMeetingLink;
  return std::nullopt;
}

ResendDecision decide_resend(const std::string& status, ResendMail mail) {
  if (auto refusal = edit_refusal(status)) return {"", *refusal};
  if (mail == ResendMail::kMeetingLink)
    return status == "confirmed" ? ResendDecision{"meeting_link", ""}
                                 : ResendDecision{"", "not_confirmed"};
  // The sign-up mail of the status: confirmation, waitlist notice, or "received, under review".
  return {status == "confirmed" ? "confirmation" : status, ""};
}

std::string promotion_refusal(const std::string& status, int seats_remaining) {
  if (status != "waitlisted") return "not_waitlisted";
  if (seats_remaining <= 0) return "sold_out";
  return "";
}

namespace {

std::optional<std::string> unless_empty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

bool asks(const Event& event, FormField f) {
  return f == FormField::kName || event.rule_for(f) != nullptr;
}

bool is_question(const Event& event, const std::string& id) {
  return std::any_of(event.questions.begin(), event.questions.end(),
                     [&](const Question& q) { return q.id == id; });
}

}  // namespace

EditResult apply_edit(const RegistrationDetails& stored, const SignupForm& edit,
                      const Event& event) {
  // The stored details as the form they were signed up with, then what was sent on top.
  SignupForm form;
  form.email = stored.email;
  form.name = stored.name;
  form.name_kana = unless_empty(stored.name_kana);
  form.organization = unless_empty(stored.organization);
  form.department = unless_empty(stored.department);
  form.category = unless_empty(stored.category);
  form.phone = unless_empty(stored.phone);
  form.question = unless_empty(stored.question);
  form.locale = stored.locale;
  form.consent_privacy = true;  // given at sign-up
  for (const auto& a : stored.answers)
    if (is_question(event, a.question_id)) form.answers[a.question_id] = a.value;

  auto take = [](const std::optional<std::string>& sent, std::optional<std::string>& out) {
    if (sent) out = sent;
  };
  take(edit.name, form.name);
  take(edit.name_kana, form.name_kana);
  take(edit.organization, form.organization);
  take(edit.department, form.department);
  take(edit.category, form.category);
  take(edit.phone, form.phone);
  take(edit.question, form.question);
  take(edit.locale, form.locale);
  for (const auto& [id, value] : edit.answers) form.answers[id] = value;
  for (const auto& w : edit.wrong_type)
    if (w != "email" && w != "email_confirmation" && w != "website" && w != "consent_privacy" &&
        w != "waitlist")
      form.wrong_type.push_back(w);

  ValidatedSignup v = validate_signup(form, event);
  EditResult result;
  result.errors = std::move(v.errors);
  // The address is the registration's key (duplicates, eligibility, the mails): not edited here.
  if (edit.email ||
      std::find(edit.wrong_type.begin(), edit.wrong_type.end(), "email") != edit.wrong_type.end())
    result.errors.push_back({"email", "not_editable"});
  if (!result.errors.empty()) return result;

  Applicant a = std::move(*v.applicant);
  // What the form no longer asks stays as it was stored, rather than being wiped by an edit.
  if (!asks(event, FormField::kNameKana)) a.name_kana = stored.name_kana;
  if (!asks(event, FormField::kOrganization)) a.organization = stored.organization;
  if (!asks(event, FormField::kDepartment)) a.department = stored.department;
  if (!asks(event, FormField::kCategory)) a.category = category_from_string(stored.category);
  if (!asks(event, FormField::kPhone)) a.phone = stored.phone;
  if (!asks(event, FormField::kQuestion)) a.question = stored.question;
  for (const auto& old : stored.answers)
    if (!is_question(event, old.question_id)) a.answers.push_back(old);
  a.email = stored.email;
  result.applicant = std::move(a);
  return result;
}

std::vector<FieldChange> changed_fields(const RegistrationDetails& before, const Applicant& after) {
  std::vector<FieldChange> out;
  auto text = [&](const char* field, const std::string& was, const std::string& now) {
    if (was == now) return;
    out.push_back({field, was.empty() ? std::nullopt : std::optional<AnswerValue>(was),
                   now.empty() ? std::nullopt : std::optional<AnswerValue>(now)});
  };
  text("name", before.name, after.name);
  text("name_kana", before.name_kana, after.name_kana);
  text("organization", before.organization, after.organization);
  text("department", before.department, after.department);
  text("category", before.category, after.category ? to_string(*after.category) : "");
  text("phone", before.phone, after.phone);
  text("question", before.question, after.question);
  text("locale", before.locale, after.locale);
  std::map<std::string, std::pair<std::optional<AnswerValue>, std::optional<AnswerValue>>> answers;
  for (const auto& a : before.answers) answers[a.question_id].first = a.value;
  for (const auto& a : after.answers) answers[a.question_id].second = a.value;
  for (const auto& [id, values] : answers)
    if (values.first != values.second)
      out.push_back({"answers." + id, values.first, values.second});
  return out;
}

}  // namespace regdesk
