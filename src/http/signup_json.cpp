#include "http/signup_json.hpp"

#include <algorithm>

#include "domain/text.hpp"
#include "domain/time.hpp"

namespace regdesk::http {

namespace {

// A reader for the JSON subset peek_signup_body accepts. Every method consumes what it
// accepted; false or nullopt means "not in the subset" (maybe valid JSON all the same).
class PlainJson {
 public:
  explicit PlainJson(std::string_view s) : s_(s) {}

  bool eat(char c) {
    skip_space();
    if (i_ == s_.size() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  bool next_is(char c) {
    skip_space();
    return i_ < s_.size() && s_[i_] == c;
  }
  bool at_end() {
    skip_space();
    return i_ == s_.size();
  }
  bool literal(std::string_view word) {
    skip_space();
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  // A string without escapes whose bytes are UTF-8 without control characters (the ones JSON
  // forbids unescaped), as nlohmann checks them.
  std::optional<std::string_view> string() {
    if (!eat('"')) return std::nullopt;
    const size_t start = i_;
    for (; i_ < s_.size(); ++i_) {
      auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        std::string_view v = s_.substr(start, i_++ - start);
        if (!text::is_valid_utf8(v)) return std::nullopt;
        return v;
      }
      if (c == '\\' || c < 0x20) return std::nullopt;
    }
    return std::nullopt;
  }
  // Any value but a number, checked and passed over; nesting is bounded (the full parser
  // has no bound, so deeper documents go to it).
  bool skip_value(int depth) {
    if (depth > kMaxDepth) return false;
    skip_space();
    if (i_ == s_.size()) return false;
    switch (s_[i_]) {
      case '"':
        return string().has_value();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      case '[':
        ++i_;
        if (eat(']')) return true;
        do {
          if (!skip_value(depth + 1)) return false;
        } while (eat(','));
        return eat(']');
      case '{':
        ++i_;
        if (eat('}')) return true;
        do {
          if (!string() || !eat(':') || !skip_value(depth + 1)) return false;
        } while (eat(','));
        return eat('}');
      default:
        return false;
    }
  }

 private:
  static constexpr int kMaxDepth = 32;

  void skip_space() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

std::optional<SignupBodyPeek> peek_signup_body(std::string_view body) {
  PlainJson in(body);
  SignupBodyPeek peek;
  if (!in.eat('{')) return std::nullopt;
  if (!in.eat('}')) {
    // A key given twice counts as its last value, as in the parsed document.
    do {
      auto key = in.string();
      if (!key || !in.eat(':')) return std::nullopt;
      if (*key == "email") {
        peek.email.reset();
        if (in.next_is('"')) {
          auto value = in.string();
          if (!value) return std::nullopt;
          peek.email = std::string(*value);
        } else if (!in.skip_value(1)) {
          return std::nullopt;
        }
      } else if (*key == "waitlist") {
        peek.wants_waitlist = in.literal("true");
        if (!peek.wants_waitlist && !in.skip_value(1)) return std::nullopt;
      } else if (!in.skip_value(1)) {
        return std::nullopt;
      }
    } while (in.eat(','));
    if (!in.eat('}')) return std::nullopt;
  }
  if (!in.at_end()) return std::nullopt;
  return peek;
}

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
