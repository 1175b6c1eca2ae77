#pragma once
// The sign-up request body (JSON) -> SignupForm, and the 201 body from a receipt.

#include <nlohmann/json.hpp>

#include "domain/signup.hpp"
#include "store/seat_ledger.hpp"

namespace regdesk::http {

SignupForm signup_form_from_json(const nlohmann::json& body);
nlohmann::json receipt_json(const store::RegistrationReceipt& r, const Event& e);

}  // namespace regdesk::http
