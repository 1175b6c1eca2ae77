// The mailed links: the registration a token belongs to, cancellation (API and the page with
// its confirm button; a GET never cancels, since mail scanners open links), and /join/ (the
// same: a GET shows the button, the button's POST is the join).

#include "domain/time.hpp"
#include "http/api.hpp"
#include "http/page_templates.hpp"
#include "http/registration_json.hpp"
#include "http/request_fields.hpp"
#include "mail/templates.hpp"
#include "store/connection_pool.hpp"
#include "store/group_admission.hpp"
#include "store/registration_store.hpp"

namespace regdesk::http {

namespace {

// Runs `then` with the event of a registration (from the cache), or answers unavailable.
template <typename Then>
void with_event(ApiContext& ctx, const std::string& slug, const Responder& r, Then then) {
  ctx.events.get(slug, [r, then](EventCache::Entry e, bool unavailable_now) {
    if (unavailable_now) return r.problem(unavailable());
    then(e ? &e->event : nullptr, e);
  });
}

void self(ApiContext& ctx, const Request& req, const Responder& r) {
  std::string token = req.query_param("token");
  ctx.offload(r, [&ctx, r, token] {
    try {
      auto v = ctx.services.registrations.find_by_token(store::TokenKind::kManage, token);
      if (!v) return r.problem(problem(404, "not_found"));
      with_event(ctx, v->event_slug, r, [r, v](const Event* e, EventCache::Entry) {
        r.json(200, registration_json(*v, e));
      });
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

// Shared by the API and the page: cancels, and reopens "sold out" at once in this process.
store::CancelResult cancel_with_token(ApiContext& ctx, const std::string& token) {
  auto result = ctx.services.registrations.cancel_by_token(token, ctx.services.clock.now());
  if (result.outcome == store::CancelOutcome::kCancelled)
    ctx.services.admission.seats_changed(result.registration.event_id);
  return result;
}

void cancel_api(ApiContext& ctx, const Request& req, const Responder& r) {
  nlohmann::json body;
  if (!parse_json_body(req, r, ctx, body)) return;
  auto it = body.find("token");
  if (it == body.end() || !it->is_string()) {
    Problem p = problem(422, "validation_failed");
    p.errors.push_back({"token", it == body.end() ? "required" : "invalid_type"});
    return r.problem(p);
  }
  ctx.offload(r, [&ctx, r, token = it->get<std::string>()] {
    try {
      auto result = cancel_with_token(ctx, token);
      if (result.outcome == store::CancelOutcome::kNotFound)
        return r.problem(problem(404, "not_found"));
      nlohmann::json out = registration_json(result.registration, nullptr);
      out["already_cancelled"] = result.outcome == store::CancelOutcome::kAlreadyCancelled;
      r.json(200, out);
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

void cancel_page(ApiContext& ctx, const Request& req, const Responder& r,
                 bool confirmed_by_button) {
  std::string token = req.query_param("token");
  if (confirmed_by_button) {  // the form posts token=... (application/x-www-form-urlencoded)
    if (auto posted = cancel_form_token(req.body)) token = *posted;
  }
  std::string lang = req.lang;
  ctx.offload(r, [&ctx, r, token, lang, confirmed_by_button] {
    try {
      const PageTemplates& pages = ctx.pages;
      auto v = ctx.services.registrations.find_by_token(store::TokenKind::kManage, token);
      std::string page_lang = v ? v->locale : lang;
      const std::string title = pages.text(page_lang, "cancel_title");
      const std::string manage_title = pages.text(page_lang, "manage_title");
      if (!v) {
        return send_page(r, 404,
                         pages.render("message", page_lang, title,
                                      {{"message", pages.text(page_lang, "cancel_invalid")}}));
      }
      if (confirmed_by_button && v->status != "cancelled" && v->status != "declined") {
        cancel_with_token(ctx, token);
        v = ctx.services.registrations.find_by_token(store::TokenKind::kManage, token);
      }
      with_event(ctx, v->event_slug, r,
                 [r, v, page_lang, manage_title, token, &pages](const Event* e, EventCache::Entry) {
                   nlohmann::json data = {
                       {"event_title", e ? e->title.in(page_lang) : v->event_slug},
                       {"when", e ? mail::format_event_period(e->starts_at, e->ends_at, e->timezone,
                                                              page_lang)
                                  : ""},
                       {"number", std::to_string(v->number)},
                       {"name", v->name},
                       {"cancelled", v->status == "cancelled"},
                       {"declined", v->status == "declined"},
                       {"pending", v->status == "pending"},
                       {"email", v->email},
                       {"token", token}};
                   send_page(r, 200, pages.render("cancel", page_lang, manage_title, data));
                 });
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

// A GET only shows the page: Microsoft Defender Safe Links and other scanners open every link
// in a mail, so only the page's button (a POST) counts as joining.
void join(ApiContext& ctx, const Request& req, const Responder& r, bool pressed) {
  std::string token = req.params.at("token");
  std::string lang = req.lang;
  ctx.offload(r, [&ctx, r, token, lang, pressed] {
    try {
      const PageTemplates& pages = ctx.pages;
      auto v = ctx.services.registrations.find_by_token(store::TokenKind::kJoin, token);
      if (!v || v->status != "confirmed") {
        std::string l = v ? v->locale : lang;
        return send_page(r, v ? 403 : 404,
                         pages.render("message", l, pages.text(l, "join_title"),
                                      {{"message", pages.text(l, "join_refused")}}));
      }
      with_event(
          ctx, v->event_slug, r,
          [&ctx, r, v, token, pressed, &pages](const Event* e, EventCache::Entry) {
            const std::string& l = v->locale;
            if (!e) return r.problem(problem(404, "not_found"));
            Instant now = ctx.services.clock.now();
            Instant opens = e->starts_at - std::chrono::minutes(e->join_opens_minutes_before);
            bool open = now >= opens && now < e->ends_at && !e->meeting_url.empty();
            if (open && pressed) {
              ctx.services.registrations.record_join(v->id, now);
              return r.send(303, "text/plain; charset=utf-8", "", {{"Location", e->meeting_url}});
            }
            std::string message = open          ? pages.text(l, "join_explain")
                                  : now < opens ? pages.text(l, "join_opens_at") +
                                                      mail::format_local_time(opens, e->timezone, l)
                                                : pages.text(l, "join_ended");
            send_page(
                r, 200,
                pages.render(
                    "join", l, pages.text(l, "join_title"),
                    {{"event_title", e->title.in(l)},
                     {"when", mail::format_event_period(e->starts_at, e->ends_at, e->timezone, l)},
                     {"message", message},
                     {"open", open},
                     {"token", token}}));
          });
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

// The List-Unsubscribe link (RFC 8058): mail providers POST "List-Unsubscribe=One-Click" to it;
// a person who opens it gets a page whose button does the same POST. A GET changes nothing.
void unsubscribe(ApiContext& ctx, const Request& req, const Responder& r, bool pressed) {
  std::string token = req.params.at("token");
  std::string lang = req.lang;
  ctx.offload(r, [&ctx, r, token, lang, pressed] {
    try {
      const PageTemplates& pages = ctx.pages;
      auto v = ctx.services.registrations.find_by_token(store::TokenKind::kUnsubscribe, token);
      std::string l = v ? v->locale : lang;
      const std::string title = pages.text(l, "unsubscribe_title");
      if (!v)
        return send_page(
            r, 404,
            pages.render("message", l, title, {{"message", pages.text(l, "unsubscribe_invalid")}}));
      if (pressed && !v->unsubscribed_at) {
        v->unsubscribed_at = ctx.services.clock.now();
        ctx.services.registrations.unsubscribe(v->id, *v->unsubscribed_at);
      }
      with_event(ctx, v->event_slug, r,
                 [r, v, l, title, token, &pages](const Event* e, EventCache::Entry) {
                   send_page(r, 200,
                             pages.render("unsubscribe", l, title,
                                          {{"event_title", e ? e->title.in(l) : v->event_slug},
                                           {"done", v->unsubscribed_at.has_value()},
                                           {"token", token}}));
                 });
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

}  // namespace

void add_registration_routes(Routes& routes, ApiContext& ctx) {
  routes.add("GET", "/api/v1/registrations/self", "registration_self",
             [&ctx](const Request& q, const Responder& r) { self(ctx, q, r); });
  routes.add("POST", "/api/v1/registrations/cancel", "registration_cancel",
             [&ctx](const Request& q, const Responder& r) { cancel_api(ctx, q, r); });
  routes.add("GET", "/cancel", "cancel_page",
             [&ctx](const Request& q, const Responder& r) { cancel_page(ctx, q, r, false); });
  routes.add("POST", "/cancel", "cancel_page_confirm",
             [&ctx](const Request& q, const Responder& r) { cancel_page(ctx, q, r, true); });
  routes.add("GET", "/join/:token", "join",
             [&ctx](const Request& q, const Responder& r) { join(ctx, q, r, false); });
  routes.add("POST", "/join/:token", "join_pressed",
             [&ctx](const Request& q, const Responder& r) { join(ctx, q, r, true); });
  routes.add("GET", "/unsubscribe/:token", "unsubscribe_page",
             [&ctx](const Request& q, const Responder& r) { unsubscribe(ctx, q, r, false); });
  routes.add("POST", "/unsubscribe/:token", "unsubscribe",
             [&ctx](const Request& q, const Responder& r) { unsubscribe(ctx, q, r, true); });
}

}  // namespace regdesk::http
