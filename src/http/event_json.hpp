#pragma once
// The public Event representation of API.md (what GET /api/v1/events/{slug} returns).

#include <nlohmann/json.hpp>

#include "store/event_store.hpp"

namespace regdesk::http {

nlohmann::json public_event_json(const store::StoredEvent& e, Instant now);

}  // namespace regdesk::http
