#pragma once
// Answers to an event's questions <-> JSON: {"<id>": "text" | ["a", "b"] | true}, as the sign-up
// body sends them, registrations.answers stores them and the exports' JSON shows them; and the
// text a person reads for each (the option's label, "はい"), for CSV/xlsx cells and mail.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/event.hpp"
#include "domain/signup.hpp"

namespace regdesk::codec {

nlohmann::json answers_json(const std::vector<Answer>& answers);
// What is stored; "" for no answers (stored as NULL, so a form without questions writes nothing).
std::string answers_text(const std::vector<Answer>& answers);
// What answers_text stored, read back (values of a type no question takes are skipped);
// "" or text that does not parse: none.
std::vector<Answer> parse_stored_answers(const std::string& text);
// What a purge keeps of stored answers: the choices (select, multi and checkbox questions of
// `questions`, which the statistics count); free text, and answers to questions the event no
// longer has, go. "" when nothing is left.
std::string answers_kept_by_purge(const std::string& stored, const std::vector<Question>& questions);
// One value as the API and the audit trail show it; nullopt as null.
nlohmann::json answer_value_json(const std::optional<AnswerValue>& value);

// One answer as a person reads it in `locale`: text as typed, an option's label, the labels of
// the chosen options joined by "、" (ja) or ", " (en), "はい" / "Yes" for a ticked checkbox;
// "" when the stored answers (a JSON object, possibly from an older version of the question)
// hold nothing for it.
std::string answer_text(const Question& q, const nlohmann::json& stored, const std::string& locale);

}  // namespace regdesk::codec
