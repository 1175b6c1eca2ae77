// The organiser's hand actions on one registration: edit its details (validated as a sign-up
// is), mail it again, promote it from the waitlist into a free seat. Rights come from the
// route table (http/access.cpp); each change is audited in its own transaction.

#include "domain/registration_change.hpp"
#include "http/access.hpp"
#include "http/registration_json.hpp"
#include "store/connection_pool.hpp"
#include "store/event_store.hpp"
#include "store/group_admission.hpp"
#include "store/registration_changes.hpp"
#include "store/registration_store.hpp"

namespace regdesk::http {

namespace {

void edit_registration(ApiContext& ctx, const Request& req, const Responder& r) {
  nlohmann::json body;
  if (!parse_json_body(req, r, ctx, body)) return;
  const std::string slug = req.params.at("slug"), id = req.params.at("id");
  auto event = ctx.services.events.find(slug);
  if (!event) return r.problem(problem(404, "not_found"));
  auto result =
      ctx.services.changes.edit_details(event->id, id, event->event, edit_form_from_json(body),
                                        audit_entry(ctx, req, "registration_changed", slug, id));
  if (result.outcome != store::ChangeOutcome::kDone &&
      result.outcome != store::ChangeOutcome::kUnchanged)
    return r.problem(change_problem(result, event->event, r.lang()));
  auto now = ctx.services.registrations.find(event->id, id);
  if (!now) return r.problem(problem(404, "not_found"));
  nlohmann::json out = registration_json(*now, &event->event);
  out["changed"] = changed_field_names(result);
  r.json(200, out, {{"Cache-Control", "no-store"}});
}

void resend(ApiContext& ctx, const Request& req, const Responder& r) {
  nlohmann::json body;
  if (!parse_json_body(req, r, ctx, body)) return;
  auto it = body.find("mail");
  std::optional<ResendMail> mail;
  if (it != body.end() && it->is_string()) mail = resend_mail_from(it->get<std::string>());
  if (!mail) {
    Problem p = problem(422, "validation_failed");
    p.errors.push_back({"mail", it == body.end() ? "required" : "invalid"});
    return r.problem(p);
  }
  const std::string slug = req.params.at("slug"), id = req.params.at("id");
  auto event = ctx.services.events.find(slug);
  if (!event) return r.problem(problem(404, "not_found"));
  auto audit = audit_entry(ctx, req, "mail_resent", slug, id);
  auto result = ctx.services.changes.resend(event->id, id, *mail, ctx.services.clock.now(), &audit);
  if (result.outcome != store::ChangeOutcome::kDone)
    return r.problem(change_problem(result, event->event, r.lang()));
  r.json(202, {{"id", id}, {"mail", result.mail_kind}, {"already_queued", result.already_queued}});
}

void promote(ApiContext& ctx, const Request& req, const Responder& r) {
  const std::string slug = req.params.at("slug"), id = req.params.at("id");
  auto event = ctx.services.events.find(slug);
  if (!event) return r.problem(problem(404, "not_found"));
  auto result =
      ctx.services.changes.promote(event->id, id, ctx.services.clock.now(),
                                   audit_entry(ctx, req, "registration_promoted", slug, id));
  if (result.outcome != store::ChangeOutcome::kDone)
    return r.problem(change_problem(result, event->event, r.lang()));
  ctx.services.admission.seats_changed(event->id);  // one seat fewer: "sold out" may be true now
  auto now = ctx.services.registrations.find(event->id, id);
  if (!now) return r.problem(problem(404, "not_found"));
  r.json(200, registration_json(*now, &event->event));
}

}  // namespace

void add_registration_admin_routes(Routes& routes, ApiContext& ctx) {
  add_guarded(routes, ctx, "PATCH", "/api/v1/admin/events/:slug/registrations/:id",
              "admin_registration_change",
              [&ctx](const Request& q, const Responder& r) { edit_registration(ctx, q, r); });
  add_guarded(routes, ctx, "POST", "/api/v1/admin/events/:slug/registrations/:id/resend",
              "admin_resend", [&ctx](const Request& q, const Responder& r) { resend(ctx, q, r); });
  add_guarded(routes, ctx, "POST", "/api/v1/admin/events/:slug/registrations/:id/promote",
              "admin_promote",
              [&ctx](const Request& q, const Responder& r) { promote(ctx, q, r); });
}

}  // namespace regdesk::http
