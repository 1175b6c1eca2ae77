#include "domain/signup.hpp"

#include <algorithm>

#include "domain/invitation.hpp"
#include "domain/text.hpp"

namespace regdesk {

namespace {

constexpr size_t kEmailMax = 254;

bool listed(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Checks one free-text field; returns the trimmed value (names are kept as typed otherwise).
std::string check_text(const std::optional<std::string>& raw, const char* field, bool required,
                       size_t max_chars, bool allow_newlines, std::vector<FieldError>& errors) {
  if (!raw) {
    if (required) errors.push_back({field, "required"});
    return {};
  }
  if (!text::is_valid_utf8(*raw) || text::has_control_chars(*raw, allow_newlines)) {
    errors.push_back({field, "control_characters"});
    return {};
  }
  // Names and organisations are shown in lists and exports: nothing in them may make them
  // read differently from what is stored. Free text (the question) keeps zero-width joiners
  // (emoji) but not the bidirectional controls.
  if (allow_newlines ? text::has_bidi_controls(*raw) : text::has_invisible_or_unassigned(*raw)) {
    errors.push_back({field, "invisible_characters"});
    return {};
  }
  std::string value = text::trim(*raw);
  if (value.empty()) {
    if (required) errors.push_back({field, "required"});
    return {};
  }
  if (text::length(value) > max_chars) {
    errors.push_back({field, "too_long"});
    return {};
  }
  return value;
}

// The answers to the event's questions, each checked as its type asks; errors name
// "answers.<id>". An answer to a question the event does not ask is refused (a stale form).
void check_answers(const SignupForm& form, const Event& event, std::vector<Answer>& out,
                   std::vector<FieldError>& errors) {
  for (const auto& answer : form.answers) {
    const std::string& id = answer.first;  // not a structured binding: lambdas capture it
    bool known = std::any_of(event.questions.begin(), event.questions.end(),
                             [&](const Question& q) { return q.id == id; });
    if (!known) errors.push_back({"answers." + id, "unknown"});
  }
  for (const Question& q : event.questions) {
    const std::string field = "answers." + q.id;
    auto it = form.answers.find(q.id);
    const std::optional<AnswerValue>* given = it == form.answers.end() ? nullptr : &it->second;
    auto fail = [&](const char* code) {
      FieldError e{field, code};
      if (std::string(code) == "too_long") e.max_length = q.length_limit();
      errors.push_back(std::move(e));
    };
    if (given && !*given) {
      fail("invalid_type");
      continue;
    }
    switch (q.type) {
      case QuestionType::kText:
      case QuestionType::kTextarea: {
        const bool textarea = q.type == QuestionType::kTextarea;
        if (given && !std::holds_alternative<std::string>(**given)) {
          fail("invalid_type");
          break;
        }
        std::optional<std::string> raw;
        if (given) raw = std::get<std::string>(**given);
        if (raw && textarea)
          for (size_t pos; (pos = raw->find("\r\n")) != std::string::npos;)
            raw->replace(pos, 2, "\n");
        size_t before = errors.size();
        std::string value =
            check_text(raw, field.c_str(), q.required, q.length_limit(), textarea, errors);
        if (errors.size() > before && errors.back().code == "too_long")
          errors.back().max_length = q.length_limit();
        if (!value.empty()) out.push_back({q.id, value});
        break;
      }
      case QuestionType::kSelect: {
        if (given && !std::holds_alternative<std::string>(**given)) {
          fail("invalid_type");
          break;
        }
        std::string value = given ? text::trim(std::get<std::string>(**given)) : "";
        if (value.empty()) {
          if (q.required) fail("required");
        } else if (!q.option(value)) {
          fail("invalid");
        } else {
          out.push_back({q.id, value});
        }
        break;
      }
      case QuestionType::kMulti: {
        if (given && !std::holds_alternative<std::vector<std::string>>(**given)) {
          fail("invalid_type");
          break;
        }
        std::vector<std::string> chosen;
        if (given) chosen = std::get<std::vector<std::string>>(**given);
        bool bad = std::any_of(chosen.begin(), chosen.end(),
                               [&](const std::string& v) { return !q.option(v); });
        if (bad) {
          fail("invalid");
          break;
        }
        std::vector<std::string> ordered;  // the options' order, each once
        for (const auto& o : q.options)
          if (std::find(chosen.begin(), chosen.end(), o.value) != chosen.end())
            ordered.push_back(o.value);
        if (ordered.empty()) {
          if (q.required) fail("required");
        } else {
          out.push_back({q.id, ordered});
        }
        break;
      }
      case QuestionType::kCheckbox: {
        if (given && !std::holds_alternative<bool>(**given)) {
          fail("invalid_type");
          break;
        }
        bool ticked = given && std::get<bool>(**given);
        if (!ticked && q.required)
          fail("must_accept");
        else if (ticked)
          out.push_back({q.id, true});
        break;
      }
    }
  }
}

bool is_atext(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+/=?^_`{|}~-").find(c) != std::string_view::npos;
}

}  // namespace

std::string normalize_email(const std::string& raw) {
  std::string e = text::trim(text::nfkc(raw));
  // An internationalised domain is kept as DNS and SMTP carry it (punycode), so one address
  // is one key however it was typed; the local part stays as given (ASCII only, below).
  auto at = e.rfind('@');
  if (at == std::string::npos) return e;
  std::string_view domain(e.data() + at + 1, e.size() - at - 1);
  bool ascii = std::all_of(domain.begin(), domain.end(), [](unsigned char c) { return c < 0x80; });
  if (ascii) return e;
  if (auto a = text::domain_to_ascii(domain)) return e.substr(0, at + 1) + *a;
  return e;
}

std::string normalize_phone(const std::string& raw) {
  std::string s = text::trim(text::nfkc(raw));
  // Dashes Japanese IMEs produce in phone numbers that NFKC keeps: ー − ‐ – —
  for (std::string_view dash : {"ー", "−", "‐", "–", "—", "―"}) {
    for (size_t pos; (pos = s.find(dash)) != std::string::npos;) s.replace(pos, dash.size(), "-");
  }
  return s;
}

bool is_valid_email(const std::string& e) {
  if (e.size() > kEmailMax) return false;
  auto at = e.find('@');
  if (at == std::string::npos || at == 0 || e.find('@', at + 1) != std::string::npos) return false;
  std::string_view local(e.data(), at), domain(e.data() + at + 1, e.size() - at - 1);
  if (local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos)
    return false;
  for (char c : local)
    if (!is_atext(c) && c != '.') return false;
  if (domain.empty() || domain.size() > 253 || domain.find('.') == std::string_view::npos)
    return false;
  size_t label_start = 0;
  for (size_t i = 0; i <= domain.size(); ++i) {
    if (i == domain.size() || domain[i] == '.') {
      size_t len = i - label_start;
      if (len == 0 || len > 63 || domain[label_start] == '-' || domain[i - 1] == '-') return false;
      label_start = i + 1;
    } else if (!std::isalnum(static_cast<unsigned char>(domain[i])) && domain[i] != '-') {
      return false;
    }
  }
  return true;
}

bool is_valid_phone(const std::string& p) {
  size_t digits = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (std::isdigit(static_cast<unsigned char>(c)))
      ++digits;
    else if (c == '+' && i == 0)
      continue;
    else if (c != '-' && c != ' ' && c != '(' && c != ')')
      return false;
  }
  return digits >= 6 && digits <= 20;
}

ValidatedSignup validate_signup(const SignupForm& form, const Event& event) {
  std::vector<FieldError> errors;
  Applicant a;
  auto wrong = [&](const char* f) {
    if (!listed(form.wrong_type, f)) return false;
    errors.push_back({f, "invalid_type"});
    return true;
  };
  auto rule = [&](FormField f) -> std::pair<bool, bool> {  // {asked, required}
    if (f == FormField::kName) return {true, true};
    const FieldRule* r = event.rule_for(f);
    return {r != nullptr, r != nullptr && r->required};
  };
  auto text_field = [&](FormField f, const std::optional<std::string>& raw, std::string& out,
                        bool allow_newlines = false) {
    const char* name = to_string(f);
    if (wrong(name)) return;
    auto [asked, required] = rule(f);
    if (!asked) return;  // a field the event does not ask is ignored, not stored
    out = check_text(raw, name, required, max_length(f), allow_newlines, errors);
  };

  text_field(FormField::kName, form.name, a.name);
  // Half-width katakana (ﾔﾏﾀﾞ) from older systems become full-width (ヤマダ), as a reading
  // is compared and sorted. Normalised before the checks: NFKC can lengthen it (㍿ is 株式会社)
  // or turn a space it keeps (U+2003) into one that trimming removes.
  std::optional<std::string> kana = form.name_kana;
  if (kana && text::is_valid_utf8(*kana)) kana = text::nfkc(*kana);
  text_field(FormField::kNameKana, kana, a.name_kana);
  text_field(FormField::kOrganization, form.organization, a.organization);
  text_field(FormField::kDepartment, form.department, a.department);
  // A question for the panel is free text from a textarea: line breaks are kept (it never
  // reaches a mail header); every other control character is refused.
  std::optional<std::string> question = form.question;
  if (question)  // a textarea may send CRLF line breaks; they are kept as LF
    for (size_t pos; (pos = question->find("\r\n")) != std::string::npos;)
      question->replace(pos, 2, "\n");
  text_field(FormField::kQuestion, question, a.question, /*allow_newlines=*/true);

  if (!wrong("email")) {
    if (!form.email || text::trim(*form.email).empty()) {
      errors.push_back({"email", "required"});
    } else if (!text::is_valid_utf8(*form.email) || text::has_control_chars(*form.email)) {
      errors.push_back({"email", "control_characters"});
    } else {
      a.email = normalize_email(*form.email);
      if (text::length(a.email) > kEmailMax)
        errors.push_back({"email", "too_long"});
      else if (!is_valid_email(a.email))
        errors.push_back({"email", "invalid"});
      a.email_key = text::ascii_lower(a.email);
    }
  }
  // (duplicate_key_of below must give the same key.)
  if (!wrong("email_confirmation") && form.email_confirmation && !a.email_key.empty() &&
      text::ascii_lower(normalize_email(*form.email_confirmation)) != a.email_key)
    errors.push_back({"email_confirmation", "mismatch"});

  if (auto [asked, required] = rule(FormField::kPhone); asked && !wrong("phone")) {
    if (form.phone && !text::trim(*form.phone).empty()) {
      if (!text::is_valid_utf8(*form.phone) || text::has_control_chars(*form.phone)) {
        errors.push_back({"phone", "control_characters"});
      } else {
        a.phone = normalize_phone(*form.phone);
        if (text::length(a.phone) > max_length(FormField::kPhone))
          errors.push_back({"phone", "too_long"});
        else if (!is_valid_phone(a.phone))
          errors.push_back({"phone", "invalid"});
      }
    } else if (required) {
      errors.push_back({"phone", "required"});
    }
  }

  if (auto [asked, required] = rule(FormField::kCategory); asked && !wrong("category")) {
    if (form.category && !form.category->empty()) {
      a.category = category_from_string(*form.category);
      if (!a.category) errors.push_back({"category", "invalid"});
    } else if (required) {
      errors.push_back({"category", "required"});
    }
  }

  if (!wrong("locale") && form.locale) {
    if (*form.locale == "ja" || *form.locale == "en")
      a.locale = *form.locale;
    else
      errors.push_back({"locale", "invalid"});
  }

  if (!wrong("consent_privacy") && form.consent_privacy != true)
    errors.push_back({"consent_privacy", form.consent_privacy ? "must_accept" : "required"});
  wrong("waitlist");
  if (form.honeypot && !text::trim(*form.honeypot).empty())
    errors.push_back({"website", "must_be_empty"});

  if (!wrong("answers")) check_answers(form, event, a.answers, errors);

  a.wants_waitlist = form.wants_waitlist;
  if (!wrong("invitation") && form.invitation)
    a.invitation = normalize_invitation_code(*form.invitation).value_or("");
  ValidatedSignup result;
  result.errors = std::move(errors);
  if (result.errors.empty()) result.applicant = std::move(a);
  return result;
}

std::string duplicate_key_of(const std::optional<std::string>& email) {
  if (!email || !text::is_valid_utf8(*email) || text::has_control_chars(*email)) return {};
  return text::ascii_lower(normalize_email(*email));
}

}  // namespace regdesk
