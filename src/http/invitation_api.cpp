// Invitations over HTTP: codes for organisations (a briefing announced through each
// corporation's contact person), the list with the uses each has had, and personal invitations
// imported from a CSV list and mailed. Checking a code at sign-up is admission's job.

#include "codec/invitee_list.hpp"
#include "domain/signup.hpp"
#include "domain/text.hpp"
#include "domain/time.hpp"
#include "http/access.hpp"
#include "http/api.hpp"
#include "http/request_fields.hpp"
#include "store/connection_pool.hpp"
#include "store/event_store.hpp"
#include "store/invitation_store.hpp"

namespace regdesk::http {

namespace {

constexpr size_t kMaxListBytes = 1000 * 1024;  // 5,000 people with names fit in a fraction
constexpr int kMaxUsesLimit = 100000;

std::string invitation_url(const ApiContext& ctx, const std::string& slug,
                           const std::string& code) {
  std::string base = ctx.settings.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/events/" + slug + "?invitation=" + code;
}

nlohmann::json invitation_json(const ApiContext& ctx, const std::string& slug,
                               const std::string& zone, const store::InvitationRow& row) {
  const Invitation& inv = row.invitation;
  nlohmann::json j = {{"code", inv.code},
                      {"url", invitation_url(ctx, slug, inv.code)},
                      {"organization", inv.organization},
                      {"personal", !inv.email_key.empty() || !row.email.empty()},
                      {"max_uses", inv.max_uses ? nlohmann::json(*inv.max_uses) : nlohmann::json()},
                      {"uses", inv.uses},
                      {"registrations", row.registrations},
                      {"expires_at", inv.expires_at ? nlohmann::json(format_in_zone(*inv.expires_at, zone))
                                                    : nlohmann::json()},
                      {"created_at", format_in_zone(row.created_at, zone)},
                      {"created_by", row.created_by}};
  if (!row.email.empty()) {
    j["email"] = row.email;
    j["name"] = row.name;
  }
  return j;
}

// "expires_at" in a JSON body or the query: RFC 3339, or absent.
bool read_expiry(const nlohmann::json* v, std::optional<Instant>& out, Problem& p) {
  if (!v || v->is_null()) return true;
  if (v->is_string())
    if (auto t = parse_rfc3339(v->get<std::string>())) {
      out = *t;
      return true;
    }
  p.errors.push_back({"expires_at", "invalid"});
  return false;
}

void create_invitation(ApiContext& ctx, const Request& req, const Responder& r) {
  nlohmann::json body;
  if (!parse_json_body(req, r, ctx, body)) return;
  Problem p = problem(422, "validation_failed");
  store::NewInvitation spec;
  auto org = body.find("organization");
  if (org == body.end() || !org->is_string() || text::trim(org->get<std::string>()).empty())
    p.errors.push_back({"organization", org == body.end() ? "required" : "invalid"});
  else if (text::length(org->get<std::string>()) > 200)
    p.errors.push_back({"organization", "too_long"});
  else
    spec.organization = text::trim(text::nfkc(org->get<std::string>()));
  if (auto it = body.find("max_uses"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer() || *it < 1 || *it > kMaxUsesLimit)
      p.errors.push_back({"max_uses", "invalid"});  // 1 .. kMaxUsesLimit, or absent: no limit
    else
      spec.max_uses = it->get<int>();
  }
  auto expiry = body.find("expires_at");
  read_expiry(expiry == body.end() ? nullptr : &*expiry, spec.expires_at, p);
  if (!p.errors.empty()) return r.problem(p);
  const std::string slug = req.params.at("slug");
  auto audit = audit_entry(ctx, req, "invitation_created", slug);
  ctx.offload(r, [&ctx, r, slug, spec, audit] {
    try {
      auto event = ctx.services.events.find(slug);
      if (!event) return r.problem(problem(404, "not_found"));
      auto row = ctx.services.invitations.create(event->id, spec, ctx.services.clock.now(), audit);
      r.json(201, invitation_json(ctx, slug, event->event.timezone, row));
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

void list_invitations(ApiContext& ctx, const Request& req, const Responder& r) {
  const std::string slug = req.params.at("slug");
  auto audit = audit_entry(ctx, req, "invitations_viewed", slug);  // personal ones show addresses
  ctx.offload(r, [&ctx, r, slug, audit] {
    try {
      auto event = ctx.services.events.find(slug);
      if (!event) return r.problem(problem(404, "not_found"));
      ctx.services.audit.append(audit);
      nlohmann::json list = nlohmann::json::array();
      for (const auto& row : ctx.services.invitations.list(event->id))
        list.push_back(invitation_json(ctx, slug, event->event.timezone, row));
      r.json(200, {{"invitations", list}});
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

// The body is the list as exported (text/csv); `?expires_at=` bounds every invitation in it.
void import_invitees(ApiContext& ctx, const Request& req, const Responder& r) {
  if (req.body.size() > kMaxListBytes)
    return r.problem(
        problem(413, "payload_too_large", "limit: " + std::to_string(kMaxListBytes) + " bytes"));
  if (!is_report_media_type(req.header("content-type")))
    return r.problem(problem(415, "unsupported_media_type",
                             "Send the list as text/csv: email, name, organization."));
  Problem p = problem(422, "validation_failed");
  std::optional<Instant> expires_at;
  if (std::string q = req.query_param("expires_at"); !q.empty()) {
    nlohmann::json v = q;
    if (!read_expiry(&v, expires_at, p)) return r.problem(p);
  }
  auto list = codec::parse_invitee_list(req.body);
  if (!list.error.empty()) return r.problem(problem(422, "unreadable_list", list.error));
  const std::string slug = req.params.at("slug");
  auto audit = audit_entry(ctx, req, "invitations_imported", slug);
  ctx.offload(r, [&ctx, r, slug, list = std::move(list), expires_at, audit] {
    try {
      auto event = ctx.services.events.find(slug);
      if (!event) return r.problem(problem(404, "not_found"));
      std::vector<store::Invitee> invitees;
      for (const auto& line : list.invitees)
        invitees.push_back({line.email, text::ascii_lower(line.email), line.name,
                            line.organization, "ja"});
      auto result = ctx.services.invitations.import(event->id, invitees, expires_at,
                                                    ctx.services.clock.now(), audit);
      nlohmann::json problems = nlohmann::json::array();
      for (const auto& x : list.problems)
        problems.push_back({{"line", x.line}, {"email", x.email}, {"reason", x.reason}});
      r.json(200, {{"invited", result.created},
                   {"already_invited", result.already_invited},
                   {"skipped", problems}});
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

}  // namespace

void add_invitation_routes(Routes& routes, ApiContext& ctx) {
  add_guarded(routes, ctx, "POST", "/api/v1/admin/events/:slug/invitations", "admin_invitation_add",
              [&ctx](const Request& q, const Responder& r) { create_invitation(ctx, q, r); });
  add_guarded(routes, ctx, "GET", "/api/v1/admin/events/:slug/invitations", "admin_invitations",
              [&ctx](const Request& q, const Responder& r) { list_invitations(ctx, q, r); });
  add_guarded(routes, ctx, "POST", "/api/v1/admin/events/:slug/invitations/import",
              "admin_invitations_import",
              [&ctx](const Request& q, const Responder& r) { import_invitees(ctx, q, r); });
}

}  // namespace regdesk::http
