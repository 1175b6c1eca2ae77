#include "http/signup_json.hpp"

#include <algorithm>

#include "domain/time.hpp"

namespace regdesk::http {

SignupForm signup_form_from_json(const nlohmann::json& body) {
  SignupForm f;
  auto text = [&](const char* key, std::optional<std::string>& out) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return;
    if (it->is_string())
      out = it->get<std::string>();
    else
      f.wrong_type.push_back(key);
  };
  text("name", f.name);
  text("name_kana", f.name_kana);
  text("email", f.email);
  text("email_confirmation", f.email_confirmation);
  text("organization", f.organization);
  text("department", f.department);
  text("category", f.category);
  text("phone", f.phone);
  text("question", f.question);
  text("locale", f.locale);
  text("website", f.honeypot);
  text("invitation", f.invitation);
  if (auto it = body.find("consent_privacy"); it != body.end() && !it->is_null()) {
    if (it->is_boolean())
      f.consent_privacy = it->get<bool>();
    else
      f.wrong_type.push_back("consent_privacy");
  }
  if (auto it = body.find("waitlist"); it != body.end() && !it->is_null()) {
    if (it->is_boolean())
      f.wants_waitlist = it->get<bool>();
    else
      f.wrong_type.push_back("waitlist");
  }
  if (auto it = body.find("answers"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) {
      f.wrong_type.push_back("answers");
    } else {
      for (auto a = it->begin(); a != it->end(); ++a) {
        std::optional<AnswerValue> value;
        if (a->is_string()) {
          value = a->get<std::string>();
        } else if (a->is_boolean()) {
          value = a->get<bool>();
        } else if (a->is_array() &&
                   std::all_of(a->begin(), a->end(), [](const auto& v) { return v.is_string(); })) {
          value = a->get<std::vector<std::string>>();
        }
        f.answers[a.key()] = std::move(value);
      }
    }
  }
  return f;
}

nlohmann::json receipt_json(const store::RegistrationReceipt& r, const Event& e) {
  nlohmann::json body = {
      {"id", r.public_id},  {"number", r.number},
      {"status", r.status}, {"event", e.slug},
      {"email", r.email},   {"registered_at", format_in_zone(r.registered_at, e.timezone)}};
  if (r.status == "waitlisted") body["waitlist_position"] = r.waitlist_position;
  return body;
}

void label_answer_errors(std::vector<FieldError>& errors, const Event& event,
                         const std::string& lang) {
  for (auto& e : errors) {
    if (e.field.rfind("answers.", 0) != 0) continue;
    const std::string id = e.field.substr(8);
    for (const auto& q : event.questions)
      if (q.id == id) e.label = q.label.in(lang);
  }
}

}  // namespace regdesk::http
