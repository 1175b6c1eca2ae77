#include "http/access.hpp"

#include <map>
#include <stdexcept>

#include "auth/secrets.hpp"
#include "http/request_fields.hpp"
#include "store/account_store.hpp"
#include "store/connection_pool.hpp"

namespace regdesk::http {

namespace {

// Every admin route and the right it needs; the black-box suite checks each role against
// each of them (tests/blackbox/test_accounts.py).
const std::map<std::string, Right>& route_rights() {
  static const std::map<std::string, Right> kRights = {
      {"admin_session", Right::kSeeCounts},  // who am I / sign out: anyone signed in
      {"admin_sign_out", Right::kSeeCounts},
      {"admin_events", Right::kSeeCounts},  // the list shows the actor's events only
      {"admin_stats", Right::kSeeCounts},
      {"admin_event_put", Right::kEditEvents},
      {"admin_event_get", Right::kSeeCounts},
      {"admin_event_copy", Right::kEditEvents},
      {"admin_export", Right::kSeePersonalData},
      {"admin_mail", Right::kSeePersonalData},
      {"admin_cancel", Right::kChangeRegistrations},
      {"admin_approve", Right::kChangeRegistrations},
      {"admin_invitation_add", Right::kEditEvents},
      {"admin_invitations", Right::kSeePersonalData},  // personal invitations name people
      {"admin_invitations_import", Right::kSendMail},  // each invitee is mailed
      {"admin_decline", Right::kChangeRegistrations},
      {"admin_approve_many", Right::kChangeRegistrations},
      {"admin_decline_many", Right::kChangeRegistrations},
      {"admin_registration_change", Right::kChangeRegistrations},
      {"admin_promote", Right::kChangeRegistrations},
      {"admin_resend", Right::kSendMail},
      {"admin_announce", Right::kSendMail},
      {"admin_users", Right::kManageAccounts},
      {"admin_user_add", Right::kManageAccounts},
      {"admin_user_change", Right::kManageAccounts},
      {"admin_tokens", Right::kManageAccounts},
      {"admin_token_add", Right::kManageAccounts},
      {"admin_audit", Right::kSeeAudit},
      {"admin_attendance_import", Right::kChangeRegistrations},
      {"admin_attendance", Right::kSeePersonalData},
      {"admin_certificates", Right::kSeePersonalData},
  };
  return kRights;
}

bool is_safe_method(const std::string& m) {
  return m == "GET" || m == "HEAD";
}

}  // namespace

std::optional<Actor> identify(ApiContext& ctx, const Request& req, bool& csrf_failed) {
  const Instant now = ctx.services.clock.now();
  if (std::string token = bearer_token(req.header("authorization")); !token.empty()) {
    if (ctx.admin.accepts(req.header("authorization")))
      return Actor{"config-token", Role::kOwner, {}, 0, false};
    auto t = ctx.services.accounts.token_by_hash(auth::sha256_hex(token));
    if (!t || t->revoked || (t->expires_at && *t->expires_at <= now)) return std::nullopt;
    return Actor{"token:" + t->name, t->role, t->events, 0, false};
  }
  if (req.session_cookie.empty()) return std::nullopt;
  const std::string id_hash = auth::sha256_hex(req.session_cookie);
  auto s = ctx.services.accounts.session(id_hash);
  if (!s || s->ended || s->user.disabled ||
      !session_alive(s->created_at, s->last_seen_at, now, ctx.settings.sessions))
    return std::nullopt;
  // Cookies ride along on requests other sites make; only our page can read the token.
  if (!is_safe_method(req.method) &&
      !auth::equal_in_constant_time(req.header("x-csrf-token"), s->csrf_token)) {
    csrf_failed = true;
    return std::nullopt;
  }
  ctx.services.accounts.touch_session(id_hash, now);
  return Actor{"user:" + s->user.email, s->user.role, s->user.events, s->user.id, true};
}

Right right_of_route(const std::string& name) {
  auto it = route_rights().find(name);
  if (it == route_rights().end())
    throw std::logic_error("admin route '" + name + "' has no right in the route table");
  return it->second;
}

void add_guarded(Routes& routes, ApiContext& ctx, const std::string& method,
                 const std::string& pattern, const std::string& name, Handler h) {
  const Right right = right_of_route(name);
  routes.add(method, pattern, name,
             [&ctx, right, h = std::move(h)](const Request& req, const Responder& r) {
               ctx.offload(r, [&ctx, right, h, req = Request(req), r]() mutable {
                 try {
                   bool csrf_failed = false;
                   req.actor = identify(ctx, req, csrf_failed);
                   if (csrf_failed) return r.problem(problem(403, "csrf_failed"));
                   if (!req.actor) return r.problem(problem(401, "unauthorized"));
                   auto slug = req.params.find("slug");
                   if (!may(*req.actor, right, slug == req.params.end() ? "" : slug->second))
                     return r.problem(problem(403, "forbidden"));
                   h(req, r);  // on the blocking pool: it may use the database directly
                 } catch (const store::DatabaseUnavailable&) {
                   r.problem(unavailable());
                 }
               });
             });
}

store::AuditEntry audit_entry(const ApiContext& ctx, const Request& req, std::string action,
                              std::string event_slug, std::string target, std::string detail_json) {
  return store::AuditEntry{ctx.services.clock.now(), req.actor ? req.actor->name : "anonymous",
                           std::move(action),        std::move(event_slug),
                           std::move(target),        req.client,
                           std::move(detail_json)};
}

}  // namespace regdesk::http
