#pragma once
// A sign-up as typed into the form, and the normalised, validated applicant made from it.
// Normalise first (NFKC, trim), then validate, and report every bad field at once.

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/event.hpp"

namespace regdesk {

// What the client sent. A field absent from the request is nullopt; a field of the wrong JSON
// type is listed in wrong_type (the wire layer sees types, the domain decides what they mean).
// An answer to one of the event's questions: text (text, textarea, select), the chosen values
// (multi), or ticked (checkbox).
using AnswerValue = std::variant<std::string, std::vector<std::string>, bool>;

struct SignupForm {
  std::optional<std::string> name, name_kana, email, email_confirmation, organization, department,
      category, phone, question, locale;
  std::optional<bool> consent_privacy;
  bool wants_waitlist = false;
  // The form's hidden "website" field: people never see it, bots fill it in.
  std::optional<std::string> honeypot;
  // The invitation code the link or the person gave (domain/invitation.hpp).
  std::optional<std::string> invitation;
  // "answers": {"<id>": value}; nullopt for a value of a JSON type no question takes.
  std::map<std::string, std::optional<AnswerValue>> answers;
  std::vector<std::string> wrong_type;  // includes "answers" when it is not an object
};

struct FieldError {
  std::string field;
  std::string code;  // required, invalid, too_long, control_characters, invalid_type, ...
  // For answers.<id>: the question's label in the request's language, set where it is known
  // (the HTTP layer), so the message names the question as the form shows it.
  std::string label = {};
  size_t max_length = 0;  // for too_long on answers: the question's limit
  bool operator==(const FieldError& o) const { return field == o.field && code == o.code; }
};

struct Answer {
  std::string question_id;
  AnswerValue value;  // normalised: trimmed text, CRLF as LF, choices in the options' order
};

struct Applicant {
  std::string name, name_kana;
  std::string email;      // normalised (NFKC, trimmed), case kept as typed for display
  std::string email_key;  // the duplicate key: the whole address lower-cased
  std::string organization, department;
  std::optional<Category> category;
  std::string phone, question;
  std::string locale = "ja";
  bool wants_waitlist = false;
  std::vector<Answer> answers;  // in the event's question order; unanswered optional ones left out
  // Normalised (normalize_invitation_code); "" when none or not a code at all: for an event
  // that requires one, that is the same as an unknown code (403 invitation_required).
  std::string invitation;
};

struct ValidatedSignup {
  std::optional<Applicant> applicant;  // set when errors is empty
  std::vector<FieldError> errors;
};

ValidatedSignup validate_signup(const SignupForm& form, const Event& event);
// The duplicate key validate_signup would give the address EMAIL (SignupForm::email, as given)
// as Applicant::email_key, without checking anything else; "" when there is no usable address.
std::string duplicate_key_of(const std::optional<std::string>& email);

// Exposed for unit tests and for the cancel/lookup paths.
std::string normalize_email(const std::string& raw);
std::string normalize_phone(const std::string& raw);
bool is_valid_email(const std::string& normalised);
bool is_valid_phone(const std::string& normalised);

}  // namespace regdesk
