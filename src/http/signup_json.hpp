#pragma once
// The sign-up request body (JSON) -> SignupForm, and the 201 body from a receipt.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "domain/signup.hpp"
#include "store/seat_ledger.hpp"

namespace regdesk::http {

SignupForm signup_form_from_json(const nlohmann::json& body);

// What a sold-out answer needs from a sign-up body, read without building the document (at
// the rush, building it was the largest cost of such an answer: bench/RESULTS.md).
struct SignupBodyPeek {
  std::optional<std::string> email;  // as signup_form_from_json gives SignupForm::email
  bool wants_waitlist = false;       // and SignupForm::wants_waitlist
};
// nullopt unless BODY is one JSON object that nlohmann::json::parse accepts, with no number and
// no escape in it anywhere (a form as browsers and clients send it); whatever else is left to
// the full parse, which gives its own answer.
std::optional<SignupBodyPeek> peek_signup_body(std::string_view body);
nlohmann::json receipt_json(const store::RegistrationReceipt& r, const Event& e);
// Field errors on answers.<id> get the question's label in `lang`, for their messages.
void label_answer_errors(std::vector<FieldError>& errors, const Event& event,
                         const std::string& lang);

}  // namespace regdesk::http
