// The person's own changes through the mailed manage token: edit the details
// (PATCH /api/v1/registrations/self?token=), and have the links mailed again by address
// (POST /api/v1/registrations/resend), which answers the same whether or not the address is
// registered, so nobody learns who is.

#include "domain/registration_change.hpp"
#include "domain/text.hpp"
#include "http/api.hpp"
#include "http/registration_json.hpp"
#include "store/connection_pool.hpp"
#include "store/event_store.hpp"
#include "store/registration_changes.hpp"
#include "store/registration_store.hpp"

namespace regdesk::http {

namespace {

// The actor of the person's own changes in the audit trail (the target names the registration).
constexpr const char* kRegistrantActor = "registrant";

void edit_self(ApiContext& ctx, const Request& req, const Responder& r) {
  nlohmann::json body;
  if (!parse_json_body(req, r, ctx, body)) return;
  SignupForm edit = edit_form_from_json(body);
  ctx.offload(r, [&ctx, r, edit, token = req.query_param("token"), client = req.client] {
    try {
      auto v = ctx.services.registrations.find_by_token(store::TokenKind::kManage, token);
      if (!v) return r.problem(problem(404, "not_found"));
      auto stored = ctx.services.events.find(v->event_slug);
      if (!stored) return r.problem(problem(404, "not_found"));
      store::AuditEntry audit{ctx.services.clock.now(),
                              kRegistrantActor,
                              "registration_changed",
                              v->event_slug,
                              v->public_id,
                              client,
                              ""};
      auto result =
          ctx.services.changes.edit_details(v->event_id, v->public_id, stored->event, edit, audit);
      if (result.outcome != store::ChangeOutcome::kDone &&
          result.outcome != store::ChangeOutcome::kUnchanged)
        return r.problem(change_problem(result, stored->event, r.lang()));
      auto now = ctx.services.registrations.find(v->event_id, v->public_id);
      if (!now) return r.problem(problem(404, "not_found"));
      nlohmann::json out = registration_json(*now, &stored->event);
      out["changed"] = changed_field_names(result);
      r.json(200, out, {{"Cache-Control", "no-store"}});
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

Problem resend_rate_limited(int wait, const std::string& lang) {
  Problem p = problem(
      429, "rate_limited",
      lang == "en" ? "Too many requests to mail the links again. Please try "
                     "again shortly."
                   : "短時間に何度も再送信が依頼されました。しばらくしてから再度お試しください。");
  p.retry_after_seconds = wait;
  return p;
}

void resend_self(ApiContext& ctx, const Request& req, const Responder& r) {
  const auto now_steady = std::chrono::steady_clock::now();
  if (int wait = ctx.resend_limit_per_client.check(req.client, now_steady))
    return r.problem(resend_rate_limited(wait, r.lang()));
  nlohmann::json body;
  if (!parse_json_body(req, r, ctx, body)) return;
  Problem invalid = problem(422, "validation_failed");
  auto text = [&](const char* key) -> std::string {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) {
      invalid.errors.push_back({key, "required"});
      return "";
    }
    if (!it->is_string()) {
      invalid.errors.push_back({key, "invalid_type"});
      return "";
    }
    if (text::trim(it->get<std::string>()).empty()) invalid.errors.push_back({key, "required"});
    return it->get<std::string>();
  };
  std::string slug = text("event"), raw_email = text("email");
  std::string email;
  if (!raw_email.empty() && text::is_valid_utf8(raw_email)) {
    email = normalize_email(raw_email);
    if (!is_valid_email(email)) invalid.errors.push_back({"email", "invalid"});
  } else if (!raw_email.empty()) {
    invalid.errors.push_back({"email", "invalid"});
  }
  if (!invalid.errors.empty()) return r.problem(invalid);
  const std::string email_key = text::ascii_lower(email);
  if (int wait = ctx.resend_limit_per_address.check(email_key, now_steady))
    return r.problem(resend_rate_limited(wait, r.lang()));
  ctx.offload(r, [&ctx, r, slug, email_key] {
    try {
      // Whatever was found (an active registration, nothing, no such event), the answer is one.
      ctx.services.changes.resend_by_address(slug, email_key, ctx.services.clock.now());
      r.json(202, {{"status", "accepted"}}, {{"Cache-Control", "no-store"}});
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

}  // namespace

void add_self_service_routes(Routes& routes, ApiContext& ctx) {
  routes.add("PATCH", "/api/v1/registrations/self", "registration_self_edit",
             [&ctx](const Request& q, const Responder& r) { edit_self(ctx, q, r); });
  routes.add("POST", "/api/v1/registrations/resend", "registration_resend",
             [&ctx](const Request& q, const Responder& r) { resend_self(ctx, q, r); });
}

}  // namespace regdesk::http
