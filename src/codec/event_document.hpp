#pragma once
// The event file format of API.md, read strictly: an unknown key or a value of the wrong type
// is reported with its path ("mail.reminders_before[1]"), never silently ignored.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/event.hpp"

namespace regdesk::codec {

struct EventParse {
  std::optional<Event> event;
  std::vector<EventProblem> problems;  // empty when event is set
};

EventParse parse_event_document(const nlohmann::json& doc);

// The canonical document for an event (what is stored, and what `parse` reads back).
nlohmann::json event_document(const Event& e);
// The "questions" list as documents carry it (the public event JSON shows it too, for the form).
nlohmann::json questions_document(const std::vector<Question>& questions);

}  // namespace regdesk::codec
