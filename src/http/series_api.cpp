// Dated series (one-person web-meeting slots, one seminar on several days): the JSON listing
// GET /api/v1/series/{slug} and the page /series/{slug} that lists the dates with their seats
// and links each to its own sign-up page. Each date is an ordinary event with its own exact
// cap; nothing here touches seats.

#include <algorithm>

#include "domain/event_rules.hpp"
#include "domain/series.hpp"
#include "domain/time.hpp"
#include "http/api.hpp"
#include "http/event_json.hpp"
#include "http/page_templates.hpp"
#include "mail/templates.hpp"
#include "store/connection_pool.hpp"

namespace regdesk::http {

namespace {

// One indexed query per request, so the seats shown are the ledger's, not up to kFresh old.
// The dates read go into the event cache: the next request is usually a sign-up for one.
// Empty for a slug that cannot name a series (no query for what clients invent).
std::vector<store::StoredEvent> read_series(ApiContext& ctx, const std::string& slug) {
  if (!valid_event_slug(slug)) return {};
  auto dates = ctx.services.events.list_series(slug);
  for (const auto& d : dates) ctx.events.put(d.event.slug, d);
  return dates;
}

void get_series(ApiContext& ctx, const Request& req, const Responder& r) {
  std::string slug = req.params.at("slug");
  ctx.offload(r, [&ctx, r, slug] {
    try {
      auto dates = read_series(ctx, slug);
      if (dates.empty()) return r.problem(problem(404, "not_found"));
      r.json(200, public_series_json(slug, dates, ctx.services.clock.now()));
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

// 1234 -> "1,234", as the other pages show counts.
std::string grouped(int n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// strings.json holds "残り {n} 席": the count goes where {n} is.
std::string with_value(std::string text, const std::string& value) {
  if (auto at = text.find("{n}"); at != std::string::npos) text.replace(at, 3, value);
  return text;
}

// The page's language: ?lang= as on the event pages, Japanese unless it says en.
std::string page_language(const Request& req) {
  return req.query_param("lang") == "en" ? "en" : "ja";
}

nlohmann::json date_item(const PageTemplates& pages, const store::StoredEvent& d,
                         const LocalizedText& series_title, const std::string& lang, Instant now) {
  const Event& e = d.event;
  RegistrationState state = registration_state(e, d.counts, now);
  std::string state_name = to_string(state);
  std::string css_state = state_name;
  std::replace(css_state.begin(), css_state.end(), '_', '-');
  std::string availability;
  if (state == RegistrationState::kOpen)
    availability =
        with_value(pages.text(lang, d.counts.seats_remaining() == 1 ? "seat_left" : "seats_left"),
                   grouped(d.counts.seats_remaining()));
  else if (state == RegistrationState::kNotOpen)
    availability = with_value(pages.text(lang, "opens_from"),
                              mail::format_local_time(e.opens_at, e.timezone, lang));
  else if (state == RegistrationState::kFull && d.counts.waitlist_has_room())
    availability = pages.text(lang, "waitlist_open");
  const std::string own_title = e.title.in(lang);
  return {{"id", "date-" + e.slug},
          {"href", "/events/" + e.slug + (lang == "en" ? "?lang=en" : "")},
          {"when", mail::format_event_period(e.starts_at, e.ends_at, e.timezone, lang)},
          // A date named apart from its series says so; slots named like the series do not.
          {"own_title", own_title != series_title.in(lang) ? own_title : ""},
          {"state", css_state},
          {"state_text", pages.text(lang, "state_" + state_name)},
          {"availability", availability}};
}

void series_page(ApiContext& ctx, const Request& req, const Responder& r) {
  std::string slug = req.params.at("slug");
  std::string lang = page_language(req);
  ctx.offload(r, [&ctx, r, slug, lang] {
    try {
      const PageTemplates& pages = ctx.pages;
      auto dates = read_series(ctx, slug);
      nlohmann::json switcher = {{"ja_current", lang == "ja"}, {"en_current", lang == "en"}};
      if (dates.empty())
        return send_page(r, 404,
                         pages.render("message", lang, pages.text(lang, "series_heading"),
                                      {{"message", pages.text(lang, "series_not_found")},
                                       {"lang_switch", switcher}}));
      std::vector<const Event*> events;
      for (const auto& d : dates) events.push_back(&d.event);
      const LocalizedText title = series_title(events);
      const Instant now = ctx.services.clock.now();
      nlohmann::json items = nlohmann::json::array();
      for (const auto& d : dates) items.push_back(date_item(pages, d, title, lang, now));
      send_page(r, 200,
                pages.render("series", lang, title.in(lang),
                             {{"dates", items}, {"lang_switch", switcher}}));
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

}  // namespace

void add_series_routes(Routes& routes, ApiContext& ctx) {
  routes.add("GET", "/api/v1/series/:slug", "series",
             [&ctx](const Request& q, const Responder& r) { get_series(ctx, q, r); });
  routes.add("GET", "/series/:slug", "page_series",
             [&ctx](const Request& q, const Responder& r) { series_page(ctx, q, r); });
}

}  // namespace regdesk::http
