// Organiser accounts over HTTP: sign-in sessions, users, API tokens, the audit trail.

#include <nlohmann/json.hpp>

#include "auth/password.hpp"
#include "auth/secrets.hpp"
#include "auth/totp.hpp"
#include "domain/signup.hpp"
#include "domain/text.hpp"
#include "domain/time.hpp"
#include "http/access.hpp"
#include "store/account_store.hpp"
#include "store/connection_pool.hpp"

namespace regdesk::http {

namespace {

constexpr const char* kCookie = "regdesk_session";
constexpr size_t kMinPasswordChars = 12, kMaxPasswordBytes = 1024;

Problem field_problem(const std::string& field, const std::string& code) {
  Problem p = problem(422, "validation_failed");
  p.errors.push_back({field, code});
  return p;
}

std::string cookie_header(const ApiContext& ctx, const std::string& value, bool expire) {
  std::string h = std::string(kCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict";
  if (ctx.settings.public_url.rfind("https://", 0) == 0) h += "; Secure";
  if (expire) h += "; Max-Age=0";
  return h;
}

nlohmann::json actor_json(const Actor& a) {
  return {{"name", a.name}, {"role", role_name(a.role)}, {"events", a.events}};
}

nlohmann::json user_json(const store::UserRecord& u) {
  return {{"id", u.id},
          {"email", u.email},
          {"role", role_name(u.role)},
          {"events", u.events},
          {"totp", !u.totp_secret.empty()},
          {"disabled", u.disabled},
          {"created_at", format_utc(u.created_at)}};
}

// "events": ["slug", ...] or absent; false after answering the problem.
bool read_events(const nlohmann::json& body, std::vector<std::string>& out,
                 std::vector<FieldError>& errors) {
  auto it = body.find("events");
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_array()) {
    errors.push_back({"events", "invalid_type"});
    return false;
  }
  for (const auto& s : *it) {
    if (!s.is_string() || !valid_slug(s.get<std::string>())) {
      errors.push_back({"events", "invalid"});
      return false;
    }
    out.push_back(s.get<std::string>());
  }
  return true;
}

std::optional<Role> read_role(const nlohmann::json& body, std::vector<FieldError>& errors,
                              bool required) {
  auto it = body.find("role");
  if (it == body.end()) {
    if (required) errors.push_back({"role", "required"});
    return std::nullopt;
  }
  auto role = it->is_string() ? role_from(it->get<std::string>()) : std::nullopt;
  if (!role) errors.push_back({"role", "invalid"});
  return role;
}

std::optional<std::string> read_password(const nlohmann::json& body,
                                         std::vector<FieldError>& errors, bool required) {
  auto it = body.find("password");
  if (it == body.end()) {
    if (required) errors.push_back({"password", "required"});
    return std::nullopt;
  }
  if (!it->is_string()) {
    errors.push_back({"password", "invalid_type"});
    return std::nullopt;
  }
  std::string pw = it->get<std::string>();
  if (!text::is_valid_utf8(pw) || pw.size() > kMaxPasswordBytes) {
    errors.push_back({"password", "invalid"});
    return std::nullopt;
  }
  if (text::length(pw) < kMinPasswordChars) {
    errors.push_back({"password", "too_short"});
    return std::nullopt;
  }
  return pw;
}

Problem validation(std::vector<FieldError> errors) {
  Problem p = problem(422, "validation_failed");
  p.errors = std::move(errors);
  return p;
}

// ---- sessions ----

void sign_in(ApiContext& ctx, const Request& req, const Responder& r) {
  nlohmann::json body;
  if (!parse_json_body(req, r, ctx, body)) return;
  std::vector<FieldError> errors;
  auto text_field = [&](const char* k, bool required) {
    auto it = body.find(k);
    if (it == body.end() || it->is_null()) {
      if (required) errors.push_back({k, "required"});
      return std::string();
    }
    if (!it->is_string() || it->get<std::string>().size() > kMaxPasswordBytes) {
      errors.push_back({k, "invalid"});
      return std::string();
    }
    return it->get<std::string>();
  };
  std::string email = normalize_email(text_field("email", true));
  std::string password = text_field("password", true);
  std::string otp = text_field("otp", false);
  if (!errors.empty()) return r.problem(validation(std::move(errors)));

  // Throttled before any work, and the same for known and unknown addresses.
  const auto now_steady = std::chrono::steady_clock::now();
  const std::string address_key = text::ascii_lower(email);
  int wait = std::max(ctx.sign_in_failures_per_address.blocked_for(address_key, now_steady),
                      ctx.sign_in_failures_per_client.blocked_for(req.client, now_steady));
  if (wait > 0) {
    Problem p = problem(429, "rate_limited", "too many failed sign-ins; try again later");
    p.retry_after_seconds = wait;
    return r.problem(p);
  }
  ctx.offload(r, [&ctx, req, r, email, password, otp, address_key] {
    try {
      const Instant now = ctx.services.clock.now();
      auto fail = [&](const std::string& code, const std::string& why) {
        auto t = std::chrono::steady_clock::now();
        ctx.sign_in_failures_per_address.failed(address_key, t);
        ctx.sign_in_failures_per_client.failed(req.client, t);
        ctx.services.audit.append(store::AuditEntry{now, "user:" + email, "sign_in_failed", "", "",
                                                    req.client,
                                                    nlohmann::json{{"reason", why}}.dump()});
        r.problem(problem(401, code));
      };
      auto user = ctx.services.accounts.user_by_email(email);
      if (!user || user->disabled) {
        auth::verify_against_nobody(password);
        return fail("sign_in_failed", user ? "disabled" : "unknown_address");
      }
      if (!auth::verify_password(user->password_hash, password))
        return fail("sign_in_failed", "wrong_password");
      if (user->totp_secret.empty() && user->role == Role::kOwner &&
          ctx.settings.require_totp_for_owners)
        return r.problem(problem(403, "totp_setup_required"));
      if (!user->totp_secret.empty()) {
        if (otp.empty()) return r.problem(problem(401, "otp_required"));
        auto unix_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                now.time_since_epoch())
                                .count();
        auto step = auth::totp_accepts(user->totp_secret, otp, unix_seconds);
        if (!step || !ctx.services.accounts.accept_totp_step(user->id, *step))
          return fail("sign_in_failed", "wrong_code");
      }
      ctx.sign_in_failures_per_address.forget(address_key);
      const std::string cookie = auth::random_token(), csrf = auth::random_token();
      ctx.services.accounts.start_session(
          auth::sha256_hex(cookie), user->id, csrf, req.client, now,
          store::AuditEntry{now, "user:" + user->email, "sign_in", "", "", req.client, ""});
      r.json(200, {{"user", user_json(*user)}, {"csrf_token", csrf}},
             {{"Set-Cookie", cookie_header(ctx, cookie, false)}, {"Cache-Control", "no-store"}});
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

void who_am_i(ApiContext& ctx, const Request& req, const Responder& r) {
  // The server's own "now" (the rehearsal clock's, when one runs): what "close registration
  // now" in the editor means.
  nlohmann::json out = {{"actor", actor_json(*req.actor)},
                        {"server_time", format_utc(ctx.services.clock.now())}};
  if (req.actor->by_session) {
    auto s = ctx.services.accounts.session(auth::sha256_hex(req.session_cookie));
    if (s) out["csrf_token"] = s->csrf_token;
  }
  r.json(200, out, {{"Cache-Control", "no-store"}});
}

void sign_out(ApiContext& ctx, const Request& req, const Responder& r) {
  if (!req.actor->by_session) return r.problem(problem(422, "validation_failed", "not a session"));
  ctx.services.accounts.end_session(auth::sha256_hex(req.session_cookie), ctx.services.clock.now(),
                                    audit_entry(ctx, req, "sign_out", ""));
  r.send(204, "text/plain", "", {{"Set-Cookie", cookie_header(ctx, "", true)}});
}

// ---- users ----

void list_users(ApiContext& ctx, const Request&, const Responder& r) {
  nlohmann::json users = nlohmann::json::array();
  for (const auto& u : ctx.services.accounts.users()) users.push_back(user_json(u));
  r.json(200, {{"users", users}});
}

void add_user(ApiContext& ctx, const Request& req, const Responder& r) {
  nlohmann::json body;
  if (!parse_json_body(req, r, ctx, body)) return;
  std::vector<FieldError> errors;
  store::NewUser user;
  user.email = normalize_email(body.value("email", std::string()));
  if (!is_valid_email(user.email)) errors.push_back({"email", "invalid"});
  auto role = read_role(body, errors, true);
  read_events(body, user.events, errors);
  auto password = read_password(body, errors, true);
  if (!errors.empty()) return r.problem(validation(std::move(errors)));
  user.role = *role;
  user.password_hash = auth::hash_password(*password);
  auto audit = audit_entry(ctx, req, "user_changed", "", user.email,
                           nlohmann::json{{"added", true}, {"role", role_name(user.role)},
                                          {"events", user.events}}
                               .dump());
  auto id = ctx.services.accounts.add_user(user, ctx.services.clock.now(), audit);
  if (!id) return r.problem(field_problem("email", "taken"));
  for (const auto& u : ctx.services.accounts.users())
    if (u.id == *id) return r.json(201, user_json(u));
  r.problem(problem(404, "not_found"));
}

void change_user(ApiContext& ctx, const Request& req, const Responder& r) {
  nlohmann::json body;
  if (!parse_json_body(req, r, ctx, body)) return;
  long long id = 0;
  try {
    id = std::stoll(req.params.at("id"));
  } catch (const std::exception&) {
    return r.problem(problem(404, "not_found"));
  }
  std::vector<FieldError> errors;
  store::UserChange change;
  change.role = read_role(body, errors, false);
  if (body.contains("events")) {
    std::vector<std::string> events;
    if (read_events(body, events, errors)) change.events = events;
  }
  if (auto it = body.find("disabled"); it != body.end()) {
    if (it->is_boolean())
      change.disabled = it->get<bool>();
    else
      errors.push_back({"disabled", "invalid_type"});
  }
  if (auto pw = read_password(body, errors, false)) change.password_hash = auth::hash_password(*pw);
  if (!errors.empty()) return r.problem(validation(std::move(errors)));
  nlohmann::json detail = nlohmann::json::object();
  if (change.role) detail["role"] = role_name(*change.role);
  if (change.events) detail["events"] = *change.events;
  if (change.disabled) detail["disabled"] = *change.disabled;
  if (change.password_hash) detail["password_changed"] = true;
  auto audit = audit_entry(ctx, req, "user_changed", "", "user:" + std::to_string(id), detail.dump());
  using Outcome = store::AccountStore::ChangeOutcome;
  switch (ctx.services.accounts.change_user(id, change, ctx.services.clock.now(), audit)) {
    case Outcome::kNoSuchUser:
      return r.problem(problem(404, "not_found"));
    case Outcome::kLastOwner:
      return r.problem(problem(409, "last_owner"));
    case Outcome::kChanged:
      break;
  }
  for (const auto& u : ctx.services.accounts.users())
    if (u.id == id) return r.json(200, user_json(u));
  r.problem(problem(404, "not_found"));
}

// ---- API tokens ----

nlohmann::json token_json(const store::TokenRecord& t) {
  nlohmann::json j = {{"id", t.id},
                      {"name", t.name},
                      {"role", role_name(t.role)},
                      {"events", t.events},
                      {"created_at", format_utc(t.created_at)},
                      {"created_by", t.created_by},
                      {"revoked", t.revoked}};
  j["expires_at"] = t.expires_at ? nlohmann::json(format_utc(*t.expires_at)) : nullptr;
  return j;
}

void list_tokens(ApiContext& ctx, const Request&, const Responder& r) {
  nlohmann::json tokens = nlohmann::json::array();
  for (const auto& t : ctx.services.accounts.tokens()) tokens.push_back(token_json(t));
  r.json(200, {{"tokens", tokens}});
}

void add_token(ApiContext& ctx, const Request& req, const Responder& r) {
  nlohmann::json body;
  if (!parse_json_body(req, r, ctx, body)) return;
  std::vector<FieldError> errors;
  store::NewToken t;
  auto name = body.find("name");
  if (name == body.end() || !name->is_string() || text::trim(name->get<std::string>()).empty() ||
      text::length(name->get<std::string>()) > 200 ||
      text::has_control_chars(name->get<std::string>()))
    errors.push_back({"name", name == body.end() ? "required" : "invalid"});
  else
    t.name = text::trim(name->get<std::string>());
  auto role = read_role(body, errors, true);
  read_events(body, t.events, errors);
  t.now = ctx.services.clock.now();
  if (auto it = body.find("expires_at"); it != body.end() && !it->is_null()) {
    auto at = it->is_string() ? parse_rfc3339(it->get<std::string>()) : std::nullopt;
    if (!at || *at <= t.now)
      errors.push_back({"expires_at", "invalid"});
    else
      t.expires_at = at;
  }
  if (!errors.empty()) return r.problem(validation(std::move(errors)));
  t.role = *role;
  t.created_by = req.actor->name;
  const std::string secret = auth::random_token();
  t.token_hash = auth::sha256_hex(secret);
  auto audit = audit_entry(ctx, req, "token_created", "", "token:" + t.name,
                           nlohmann::json{{"role", role_name(t.role)}, {"events", t.events}}.dump());
  long long id = ctx.services.accounts.create_token(t, audit);
  store::TokenRecord stored{id, t.name, t.role, t.events, t.expires_at, t.now, t.created_by, false};
  nlohmann::json out = token_json(stored);
  out["token"] = secret;  // shown this once; only its hash is kept
  r.json(201, out, {{"Cache-Control", "no-store"}});
}

// ---- audit ----

void list_audit(ApiContext& ctx, const Request& req, const Responder& r) {
  store::AuditQuery query;
  query.event_slug = req.query_param("event");
  if (std::string since = req.query_param("since"); !since.empty()) {
    query.since = parse_rfc3339(since);
    if (!query.since) return r.problem(field_problem("since", "invalid"));
  }
  std::string format = req.query_param("format");
  if (!format.empty() && format != "json" && format != "csv")
    return r.problem(field_problem("format", "invalid"));
  query.only_events = req.actor->events;
  auto entries = ctx.services.audit.list(query);
  if (format == "csv") {
    auto cell = [](const std::string& v) {
      // Quoted, quotes doubled; a leading =+-@ is defused so a spreadsheet never runs it.
      std::string s = (!v.empty() && std::string("=+-@").find(v[0]) != std::string::npos)
                          ? "'" + v
                          : v;
      std::string out = "\"";
      for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
      return out + "\"";
    };
    std::string csv = "\xEF\xBB\xBF" "at,actor,action,event,target,client,detail\r\n";
    for (const auto& s : entries) {
      const auto& e = s.entry;
      csv += cell(format_utc_micros(e.at)) + "," + cell(e.actor) + "," + cell(e.action) + "," +
             cell(e.event_slug) + "," + cell(e.target) + "," + cell(e.client) + "," +
             cell(e.detail_json) + "\r\n";
    }
    return r.send(200, "text/csv; charset=utf-8", csv,
                  {{"Content-Disposition", "attachment; filename=\"audit.csv\""}});
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : entries) {
    const auto& e = s.entry;
    nlohmann::json j = {{"id", s.id},       {"at", format_utc_micros(e.at)}, {"actor", e.actor},
                        {"action", e.action}, {"client", e.client}};
    j["event"] = e.event_slug.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.event_slug);
    j["target"] = e.target.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.target);
    j["detail"] = e.detail_json.empty() ? nlohmann::json::object()
                                        : nlohmann::json::parse(e.detail_json, nullptr, false);
    out.push_back(j);
  }
  r.json(200, {{"entries", out}});
}

// The handlers take the context first; add_guarded runs them on the blocking pool and answers
// a lost database itself.
Handler with_ctx(void (*f)(ApiContext&, const Request&, const Responder&), ApiContext& ctx) {
  return [f, &ctx](const Request& q, const Responder& r) { f(ctx, q, r); };
}

}  // namespace

void add_account_routes(Routes& routes, ApiContext& ctx) {
  routes.add("POST", "/api/v1/admin/session", "admin_sign_in",
             [&ctx](const Request& q, const Responder& r) { sign_in(ctx, q, r); });
  add_guarded(routes, ctx, "GET", "/api/v1/admin/session", "admin_session", with_ctx(who_am_i, ctx));
  add_guarded(routes, ctx, "DELETE", "/api/v1/admin/session", "admin_sign_out",
              with_ctx(sign_out, ctx));
  add_guarded(routes, ctx, "GET", "/api/v1/admin/users", "admin_users", with_ctx(list_users, ctx));
  add_guarded(routes, ctx, "POST", "/api/v1/admin/users", "admin_user_add", with_ctx(add_user, ctx));
  add_guarded(routes, ctx, "PATCH", "/api/v1/admin/users/:id", "admin_user_change",
              with_ctx(change_user, ctx));
  add_guarded(routes, ctx, "GET", "/api/v1/admin/tokens", "admin_tokens", with_ctx(list_tokens, ctx));
  add_guarded(routes, ctx, "POST", "/api/v1/admin/tokens", "admin_token_add",
              with_ctx(add_token, ctx));
  add_guarded(routes, ctx, "GET", "/api/v1/admin/audit", "admin_audit", with_ctx(list_audit, ctx));
}

}  // namespace regdesk::http
