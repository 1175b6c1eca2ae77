#pragma once
// What may be done to an existing registration by its status, and an edit of a person's
// details: the stored details merged with what was sent, validated exactly as a sign-up is
// (validate_signup), and the fields that changed, for the audit trail. No I/O.
//
// Statuses are read here and nowhere else in this slice: a new status (pending, declined)
// gets its answers in these functions.

#include <optional>
#include <string>
#include <vector>

#include "domain/signup.hpp"

namespace regdesk {

// Holds a seat or a waitlist place, or waits for approval: may be edited, mailed again, looked
// up by address.
bool is_active_status(const std::string& status);

// The refusal of a change to a registration in `status`, or nullopt when it is allowed.
// Codes: "registration_cancelled" (nothing changes on a cancelled registration),
// "registration_declined".
std::optional<std::string> edit_refusal(const std::string& status);

// The mails a person may have sent again. `confirmation` is the sign-up mail of the
// registration's status (the confirmation, or the waitlist notice); `meeting_link` only to a
// confirmed registration.
enum class ResendMail { kConfirmation, kMeetingLink };
std::optional<ResendMail> resend_mail_from(const std::string& name);
struct ResendDecision {
  std::string kind;     // the outbox kind to queue ("confirmation", "waitlisted", "meeting_link")
  std::string refusal;  // "" or the 409 code: registration_cancelled, not_confirmed
};
ResendDecision decide_resend(const std::string& status, ResendMail mail);

// A hand promotion: "" when allowed, else the 409 code (not_waitlisted; sold_out when no seat
// is free).
std::string promotion_refusal(const std::string& status, int seats_remaining);

// A registration's details as stored, in the shape of a sign-up form.
struct RegistrationDetails {
  std::string email, name, name_kana, organization, department, category, phone, question;
  std::string locale = "ja";
  std::vector<Answer> answers;
};

// The edit, as the client sent it (absent fields nullopt, as for a sign-up). An `email` in it
// is refused ("email", "not_editable"): the address is the registration's key.
struct EditResult {
  std::optional<Applicant> applicant;  // the merged, validated details when errors is empty
  std::vector<FieldError> errors;
};
EditResult apply_edit(const RegistrationDetails& stored, const SignupForm& edit,
                      const Event& event);

// One changed field: "name", "answers.<id>", ...; values as stored ("" / nullopt: none).
struct FieldChange {
  std::string field;
  std::optional<AnswerValue> before, after;
};
std::vector<FieldChange> changed_fields(const RegistrationDetails& before, const Applicant& after);

}  // namespace regdesk
