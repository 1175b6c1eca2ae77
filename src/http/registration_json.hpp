#pragma once
// A registration as its own person sees it (GET /api/v1/registrations/self, and the answer to
// an edit of it), and the edit request body -> SignupForm.

#include <nlohmann/json.hpp>

#include "domain/event.hpp"
#include "domain/signup.hpp"
#include "http/problem.hpp"
#include "store/registration_changes.hpp"
#include "store/registration_store.hpp"

namespace regdesk::http {

// `e` may be null (an event no longer known): times are then shown in Asia/Tokyo.
nlohmann::json registration_json(const store::RegistrationView& v, const Event* e);

// The JSON body of an edit: the sign-up's fields (absent: unchanged), `email` kept so the
// domain can refuse it.
SignupForm edit_form_from_json(const nlohmann::json& body);

// The problem a change that was not done answers with: 422 with every field error (answers
// labelled in `lang`), 409 with the refusal's code (sold_out carries waitlist_available
// false: a hand promotion never waitlists), 404.
Problem change_problem(const store::ChangeResult& result, const Event& event,
                       const std::string& lang);

// The audit detail's changed field names, for the answer to an edit.
nlohmann::json changed_field_names(const store::ChangeResult& result);

}  // namespace regdesk::http
