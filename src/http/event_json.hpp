#pragma once
// The public Event representation of API.md (what GET /api/v1/events/{slug} returns), and a
// dated series of them.

#include <nlohmann/json.hpp>

#include "store/event_store.hpp"

namespace regdesk::http {

nlohmann::json public_event_json(const store::StoredEvent& e, Instant now);
// GET /api/v1/series/{slug}: {"slug", "title", "events": [Event, ...]}, DATES in start order.
nlohmann::json public_series_json(const std::string& slug,
                                  const std::vector<store::StoredEvent>& dates, Instant now);

}  // namespace regdesk::http
