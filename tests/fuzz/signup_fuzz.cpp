// The sign-up request body as POST /api/v1/events/:slug/registrations reads it: JSON parsed as
// parse_json_body does, signup_form_from_json, validate_signup against each seed event of
// config/events/ (read with codec::parse_event_document), the eligibility check, and the problem
// document in both languages; and peek_signup_body, which must agree with the full parse. What
// validation lets through must be what the store and the exports may rely on: the properties of
// an Applicant are checked below.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "codec/event_document.hpp"
#include "domain/event_rules.hpp"
#include "domain/signup.hpp"
#include "domain/text.hpp"
#include "fuzz_support.hpp"
#include "http/problem.hpp"
#include "http/signup_json.hpp"

using namespace regdesk;

namespace {

std::vector<Event> load_seed_events() {
  std::vector<Event> events;
  for (const auto& entry : std::filesystem::directory_iterator(REGDESK_SEED_EVENTS)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = codec::parse_event_document(nlohmann::json::parse(text.str()));
    FUZZ_CHECK(parsed.event.has_value(), entry.path().string());
    events.push_back(std::move(*parsed.event));
  }
  FUZZ_CHECK(!events.empty(), std::string(REGDESK_SEED_EVENTS));
  // One more that asks every field, all of them required.
  Event all = events.front();
  all.slug = "every-field-required";
  all.fields.clear();
  for (FormField f :
       {FormField::kName, FormField::kNameKana, FormField::kOrganization, FormField::kDepartment,
        FormField::kCategory, FormField::kPhone, FormField::kQuestion})
    all.fields.push_back({f, true});
  events.push_back(std::move(all));
  return events;
}

const std::vector<Event>& seed_events() {
  static const std::vector<Event> events = load_seed_events();
  return events;
}

// A name, organisation or department as validation passes it on: one trimmed line of visible
// text within the field's limit (the column is VARCHAR(limit)).
void check_line(const std::string& value, FormField f, bool required) {
  FUZZ_CHECK(!required || !value.empty(), to_string(f));
  if (value.empty()) return;
  FUZZ_CHECK(text::is_valid_utf8(value), std::string(value));
  FUZZ_CHECK(!text::has_control_chars(value), std::string(value));
  FUZZ_CHECK(!text::has_invisible_or_unassigned(value), std::string(value));
  FUZZ_CHECK(text::trim(value) == value, std::string(value));
  FUZZ_CHECK(text::length(value) <= max_length(f), std::string(to_string(f)) + ": " +
                                                       std::to_string(text::length(value)) +
                                                       " characters: " + std::string(value));
}

void check_applicant(const Applicant& a, const Event& e) {
  auto required = [&](FormField f) {
    const FieldRule* r = e.rule_for(f);
    return f == FormField::kName || (r && r->required);
  };
  check_line(a.name, FormField::kName, true);
  check_line(a.name_kana, FormField::kNameKana, required(FormField::kNameKana));
  if (!a.name_kana.empty()) FUZZ_CHECK(text::nfkc(a.name_kana) == a.name_kana, a.name_kana);
  check_line(a.organization, FormField::kOrganization, required(FormField::kOrganization));
  check_line(a.department, FormField::kDepartment, required(FormField::kDepartment));

  FUZZ_CHECK(is_valid_email(a.email), std::string(a.email));
  FUZZ_CHECK(a.email_key == text::ascii_lower(a.email), std::string(a.email_key));
  FUZZ_CHECK(!required(FormField::kCategory) || a.category.has_value(), "category");

  if (required(FormField::kPhone)) FUZZ_CHECK(!a.phone.empty(), "phone");
  if (!a.phone.empty())
    FUZZ_CHECK(is_valid_phone(a.phone) && text::length(a.phone) <= max_length(FormField::kPhone),
               std::string(a.phone));

  if (required(FormField::kQuestion)) FUZZ_CHECK(!a.question.empty(), "question");
  FUZZ_CHECK(text::is_valid_utf8(a.question), std::string(a.question));
  FUZZ_CHECK(!text::has_control_chars(a.question, /*allow_newlines=*/true),
             std::string(a.question));
  FUZZ_CHECK(!text::has_bidi_controls(a.question), std::string(a.question));
  FUZZ_CHECK(text::length(a.question) <= max_length(FormField::kQuestion), "question too long");

  FUZZ_CHECK(a.locale == "ja" || a.locale == "en", std::string(a.locale));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  // As parse_json_body: no exceptions, and only an object goes on.
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  // The peek read before a sold-out answer must agree with the full parse wherever it answers.
  const auto peek = http::peek_signup_body(body);
  if (json.is_discarded() || !json.is_object()) {
    FUZZ_CHECK(!peek, body);
    return 0;
  }

  const SignupForm form = http::signup_form_from_json(json);
  if (peek) {
    FUZZ_CHECK(peek->email == form.email, body);
    FUZZ_CHECK(peek->wants_waitlist == form.wants_waitlist, body);
  }
  for (const Event& event : seed_events()) {
    const ValidatedSignup v = validate_signup(form, event);
    FUZZ_CHECK(v.applicant.has_value() == v.errors.empty(), body);
    if (v.applicant) {
      check_applicant(*v.applicant, event);
      is_eligible(event, v.applicant->email);
      continue;
    }
    http::Problem p = http::problem(422, "validation_failed");
    p.errors = v.errors;
    for (const char* lang : {"ja", "en"}) {
      // As the server writes it (http/server.cpp dump()).
      const std::string out = http::problem_body(p, lang).dump(
          -1, ' ', false, nlohmann::json::error_handler_t::replace);
      FUZZ_CHECK(!out.empty(), body);
    }
  }
  return 0;
}
