// The mailed links: the registration a token belongs to, cancellation (API and the page with
// its confirm button; a GET never cancels, since mail scanners open links), and /join/.

#include "domain/time.hpp"
#include "http/api.hpp"
#include "http/html.hpp"
#include "mail/templates.hpp"
#include "store/connection_pool.hpp"
#include "store/group_admission.hpp"
#include "store/registration_store.hpp"

namespace regdesk::http {

namespace {

nlohmann::json registration_json(const store::RegistrationView& v, const Event* e) {
  std::string zone = e ? e->timezone : "Asia/Tokyo";
  nlohmann::json j = {
      {"id", v.public_id},  {"number", v.number},
      {"status", v.status}, {"event", v.event_slug},
      {"email", v.email},   {"name", v.name},
      {"locale", v.locale}, {"registered_at", format_in_zone(v.registered_at, zone)}};
  if (v.status == "waitlisted") j["waitlist_position"] = v.waitlist_position;
  if (v.cancelled_at) j["cancelled_at"] = format_in_zone(*v.cancelled_at, zone);
  if (e) j["event_title"] = {{"ja", e->title.ja}, {"en", e->title.en}};
  return j;
}

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

struct PageText {
  const char* ja;
  const char* en;
  const char* in(const std::string& lang) const { return lang == "en" ? en : ja; }
};

void send_page(const Responder& r, int status, const std::string& lang, const std::string& title,
               const std::string& body) {
  r.send(status, "text/html; charset=utf-8", html_page(lang, title, body),
         {{"Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"},
          {"Referrer-Policy", "no-referrer"}});
}

void cancel_page(ApiContext& ctx, const Request& req, const Responder& r,
                 bool confirmed_by_button) {
  std::string token = req.query_param("token");
  if (confirmed_by_button) {  // the form posts token=... (application/x-www-form-urlencoded)
    const std::string& b = req.body;
    auto pos = b.find("token=");
    if (pos != std::string::npos) token = b.substr(pos + 6, b.find('&', pos) - pos - 6);
  }
  std::string lang = req.lang;
  ctx.offload(r, [&ctx, r, token, lang, confirmed_by_button] {
    try {
      auto v = ctx.services.registrations.find_by_token(store::TokenKind::kManage, token);
      std::string page_lang = v ? v->locale : lang;
      PageText title{"参加登録のキャンセル", "Cancel your registration"};
      if (!v) {
        return send_page(r, 404, page_lang, title.in(page_lang),
                         "<h1>" + html_escape(title.in(page_lang)) + "</h1><p>" +
                             html_escape(PageText{
                                 "このリンクは無効です。メールのリンクをもう一度ご確認ください。",
                                 "This link is not valid. Please check the link in your mail."}
                                             .in(page_lang)) +
                             "</p>");
      }
      if (confirmed_by_button && v->status != "cancelled") {
        cancel_with_token(ctx, token);
        v = ctx.services.registrations.find_by_token(store::TokenKind::kManage, token);
      }
      with_event(
          ctx, v->event_slug, r,
          [r, v, page_lang, title, token](const Event* e, EventCache::Entry) {
            std::string event_title = e ? e->title.in(page_lang) : v->event_slug;
            std::string when =
                e ? mail::format_event_period(e->starts_at, e->ends_at, e->timezone, page_lang)
                  : "";
            std::string body =
                "<h1>" + html_escape(title.in(page_lang)) +
                "</h1>\n<dl>"
                "<dt>" +
                html_escape(PageText{"イベント", "Event"}.in(page_lang)) + "</dt><dd>" +
                html_escape(event_title) +
                "</dd>"
                "<dt>" +
                html_escape(PageText{"日時", "Date"}.in(page_lang)) + "</dt><dd>" +
                html_escape(when) +
                "</dd>"
                "<dt>" +
                html_escape(PageText{"受付番号", "Registration number"}.in(page_lang)) +
                "</dt><dd>" + std::to_string(v->number) +
                "</dd>"
                "<dt>" +
                html_escape(PageText{"お名前", "Name"}.in(page_lang)) + "</dt><dd>" +
                html_escape(v->name) + "</dd></dl>\n";
            if (v->status == "cancelled") {
              body += "<p role=\"status\" class=\"done\">" +
                      html_escape(PageText{
                          "キャンセルを受け付けました。確認のメールをお送りします。",
                          "Your registration is cancelled. A confirmation mail is on its way."}
                                      .in(page_lang)) +
                      "</p>";
            } else {
              body += "<p>" +
                      html_escape(PageText{"キャンセルすると、お席は次の方にお譲りします。よろしけ"
                                           "ればボタンを押してください。",
                                           "If you cancel, your seat goes to the next person. "
                                           "Press the button to confirm."}
                                      .in(page_lang)) +
                      "</p>\n<form method=\"post\" action=\"/cancel\">"
                      "<input type=\"hidden\" name=\"token\" value=\"" +
                      html_escape(token) +
                      "\">"
                      "<button type=\"submit\">" +
                      html_escape(PageText{"参加をキャンセルする", "Cancel my registration"}.in(
                          page_lang)) +
                      "</button></form>";
            }
            send_page(r, 200, page_lang, title.in(page_lang), body);
          });
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

void join(ApiContext& ctx, const Request& req, const Responder& r) {
  std::string token = req.params.at("token");
  std::string lang = req.lang;
  ctx.offload(r, [&ctx, r, token, lang] {
    try {
      auto v = ctx.services.registrations.find_by_token(store::TokenKind::kJoin, token);
      PageText title{"オンライン参加", "Join online"};
      if (!v || v->status != "confirmed") {
        std::string l = v ? v->locale : lang;
        return send_page(
            r, v ? 403 : 404, l, title.in(l),
            "<h1>" + html_escape(title.in(l)) + "</h1><p>" +
                html_escape(PageText{"このリンクではご参加いただけません（登録が確定していないか、"
                                     "キャンセルされています）。",
                                     "This link cannot be used to join (the registration is not "
                                     "confirmed or was cancelled)."}
                                .in(l)) +
                "</p>");
      }
      with_event(ctx, v->event_slug, r, [&ctx, r, v, title](const Event* e, EventCache::Entry) {
        const std::string& l = v->locale;
        if (!e) return r.problem(problem(404, "not_found"));
        Instant now = ctx.services.clock.now();
        Instant opens = e->starts_at - std::chrono::minutes(e->join_opens_minutes_before);
        if (now >= opens && now < e->ends_at && !e->meeting_url.empty()) {
          ctx.services.registrations.record_join(v->id, now);
          return r.send(302, "text/plain; charset=utf-8", "", {{"Location", e->meeting_url}});
        }
        std::string text =
            now < opens ? std::string(PageText{"参加用リンクは次の時刻から有効になります：",
                                               "The join link opens at: "}
                                          .in(l)) +
                              mail::format_local_time(opens, e->timezone, l)
                        : PageText{"このイベントは終了しました。", "This event has ended."}.in(l);
        send_page(
            r, 200, l, title.in(l),
            "<h1>" + html_escape(e->title.in(l)) + "</h1><p>" +
                html_escape(mail::format_event_period(e->starts_at, e->ends_at, e->timezone, l)) +
                "</p><p class=\"notice\">" + html_escape(text) + "</p>");
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
             [&ctx](const Request& q, const Responder& r) { join(ctx, q, r); });
}

}  // namespace regdesk::http
