#include "codec/answers.hpp"

namespace regdesk::codec {

nlohmann::json answers_json(const std::vector<Answer>& answers) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& a : answers) std::visit([&](const auto& v) { out[a.question_id] = v; }, a.value);
  return out;
}

std::string answers_text(const std::vector<Answer>& answers) {
  if (answers.empty()) return "";
  return answers_json(answers).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string answer_text(const Question& q, const nlohmann::json& stored,
                        const std::string& locale) {
  if (!stored.is_object()) return "";
  auto it = stored.find(q.id);
  if (it == stored.end()) return "";
  auto label = [&](const std::string& value) {
    const QuestionOption* o = q.option(value);
    return o ? o->label.in(locale) : value;  // an option removed since: its value
  };
  if (it->is_boolean()) return it->get<bool>() ? (locale == "en" ? "Yes" : "はい") : "";
  if (it->is_string()) {
    std::string v = it->get<std::string>();
    return q.type == QuestionType::kSelect ? label(v) : v;
  }
  if (it->is_array()) {
    std::string out;
    for (const auto& v : *it) {
      if (!v.is_string()) continue;
      if (!out.empty()) out += locale == "en" ? ", " : "、";
      out += label(v.get<std::string>());
    }
    return out;
  }
  return "";
}

}  // namespace regdesk::codec
