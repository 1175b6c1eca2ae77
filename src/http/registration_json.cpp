#include "http/registration_json.hpp"

#include "domain/time.hpp"
#include "http/signup_json.hpp"

namespace regdesk::http {

nlohmann::json registration_json(const store::RegistrationView& v, const Event* e) {
  std::string zone = e ? e->timezone : "Asia/Tokyo";
  nlohmann::json j = {
      {"id", v.public_id},  {"number", v.number},
      {"status", v.status}, {"event", v.event_slug},
      {"email", v.email},   {"name", v.name},
      {"locale", v.locale}, {"registered_at", format_in_zone(v.registered_at, zone)}};
  if (v.status == "waitlisted") j["waitlist_position"] = v.waitlist_position;
  if (v.cancelled_at) j["cancelled_at"] = format_in_zone(*v.cancelled_at, zone);
  if (e) j["event_title"] = {{"ja", e->title.ja}, {"en", e->title.en}};
  j["name_kana"] = v.name_kana;
  j["organization"] = v.organization;
  j["department"] = v.department;
  j["category"] = v.category.empty() ? nlohmann::json() : nlohmann::json(v.category);
  j["phone"] = v.phone;
  j["question"] = v.question;
  auto answers = nlohmann::json::parse(v.answers.empty() ? "{}" : v.answers, nullptr, false);
  j["answers"] = answers.is_object() ? answers : nlohmann::json::object();
  return j;
}

SignupForm edit_form_from_json(const nlohmann::json& body) {
  // The sign-up's own reading, so an edit's types are judged exactly as a sign-up's.
  return signup_form_from_json(body);
}

Problem change_problem(const store::ChangeResult& result, const Event& event,
                       const std::string& lang) {
  switch (result.outcome) {
    case store::ChangeOutcome::kInvalid: {
      Problem p = problem(422, "validation_failed");
      p.errors = result.errors;
      label_answer_errors(p.errors, event, lang);
      return p;
    }
    case store::ChangeOutcome::kRefused: {
      Problem p = problem(409, result.refusal);
      if (result.refusal == "sold_out") p.extra["waitlist_available"] = false;
      return p;
    }
    case store::ChangeOutcome::kNotFound:
      return problem(404, "not_found");
    case store::ChangeOutcome::kDone:
    case store::ChangeOutcome::kUnchanged:
      break;
  }
  return problem(500, "internal_error");
}

nlohmann::json changed_field_names(const store::ChangeResult& result) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& c : result.changes) names.push_back(c.field);
  return names;
}

}  // namespace regdesk::http
