#include "codec/answers.hpp"

#include <algorithm>

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

std::vector<Answer> parse_stored_answers(const std::string& text) {
  std::vector<Answer> out;
  if (text.empty()) return out;
  auto stored = nlohmann::json::parse(text, nullptr, false);
  if (!stored.is_object()) return out;
  for (auto it = stored.begin(); it != stored.end(); ++it) {
    if (it->is_string())
      out.push_back({it.key(), it->get<std::string>()});
    else if (it->is_boolean())
      out.push_back({it.key(), it->get<bool>()});
    else if (it->is_array() &&
             std::all_of(it->begin(), it->end(), [](const auto& v) { return v.is_string(); }))
      out.push_back({it.key(), it->get<std::vector<std::string>>()});
  }
  return out;
}

std::string answers_kept_by_purge(const std::string& stored,
                                  const std::vector<Question>& questions) {
  auto all = nlohmann::json::parse(stored, nullptr, false);
  if (!all.is_object()) return "";
  nlohmann::json kept = nlohmann::json::object();
  for (const auto& q : questions) {
    if (q.type == QuestionType::kText || q.type == QuestionType::kTextarea) continue;
    if (auto it = all.find(q.id); it != all.end()) kept[q.id] = *it;
  }
  return kept.empty() ? "" : kept.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json answer_value_json(const std::optional<AnswerValue>& value) {
  if (!value) return nullptr;
  return std::visit([](const auto& v) { return nlohmann::json(v); }, *value);
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
