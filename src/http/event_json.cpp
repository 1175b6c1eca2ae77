#include "http/event_json.hpp"

#include "codec/event_document.hpp"
#include "domain/event_rules.hpp"
#include "domain/series.hpp"
#include "domain/time.hpp"

namespace regdesk::http {

nlohmann::json public_event_json(const store::StoredEvent& s, Instant now) {
  const Event& e = s.event;
  nlohmann::json fields = nlohmann::json::array();
  fields.push_back({{"name", "email"}, {"required", true}});
  for (const auto& f : e.fields)
    fields.push_back({{"name", to_string(f.field)}, {"required", f.required}});
  fields.push_back({{"name", "consent_privacy"}, {"required", true}});
  auto state = registration_state(e, s.counts, now);
  bool waitlist_available = state == RegistrationState::kFull && s.counts.waitlist_has_room();
  // The meeting URL and passcode are never public: they go by mail to confirmed people only.
  nlohmann::json out = {
      {"slug", e.slug},
      {"title", {{"ja", e.title.ja}, {"en", e.title.en}}},
      {"description", {{"ja", e.description.ja}, {"en", e.description.en}}},
      {"starts_at", format_in_zone(e.starts_at, e.timezone)},
      {"ends_at", format_in_zone(e.ends_at, e.timezone)},
      {"timezone", e.timezone},
      {"venue", e.venue},
      {"fee", e.fee},
      {"capacity", e.capacity},
      {"program_url", e.program_url},
      {"contact",
       {{"name", e.contact.name}, {"email", e.contact.email}, {"phone", e.contact.phone}}},
      {"fields", fields},
      {"questions", codec::questions_document(e.questions)},
      {"restricted", !e.eligible_email_domains.empty() || e.invitation_required},
      {"invitation_required", e.invitation_required},
      {"registration",
       {{"opens_at", format_in_zone(e.opens_at, e.timezone)},
        {"closes_at", format_in_zone(e.closes_at, e.timezone)},
        {"state", to_string(state)},
        {"approval", e.approval_required ? "required" : "none"},
        {"seats_remaining", s.counts.seats_remaining()},
        {"waitlist_available", waitlist_available}}},
  };
  // The page links back to the other dates of its series.
  if (!e.series_slug.empty()) out["series"] = e.series_slug;
  return out;
}

nlohmann::json public_series_json(const std::string& slug,
                                  const std::vector<store::StoredEvent>& dates, Instant now) {
  std::vector<const Event*> events;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : dates) {
    events.push_back(&d.event);
    list.push_back(public_event_json(d, now));
  }
  LocalizedText title = series_title(events);
  return {{"slug", slug}, {"title", {{"ja", title.ja}, {"en", title.en}}}, {"events", list}};
}

}  // namespace regdesk::http
