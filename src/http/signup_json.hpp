#pragma once
// The sign-up request body (JSON) -> SignupForm, and the 201 body from a receipt.

#include <nlohmann/json.hpp>

#include "domain/signup.hpp"
#include "store/seat_ledger.hpp"

namespace regdesk::http {

SignupForm signup_form_from_json(const nlohmann::json& body);
nlohmann::json receipt_json(const store::RegistrationReceipt& r, const Event& e);
// Field errors on answers.<id> get the question's label in `lang`, for their messages.
void label_answer_errors(std::vector<FieldError>& errors, const Event& event,
                         const std::string& lang);

}  // namespace regdesk::http
