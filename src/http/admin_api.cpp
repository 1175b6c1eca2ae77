// Organiser API (bearer token). Events are created or replaced with PUT.

#include "codec/event_document.hpp"
#include "domain/time.hpp"
#include "http/access.hpp"
#include "http/event_json.hpp"
#include "store/connection_pool.hpp"
#include "store/event_store.hpp"
#include "store/group_admission.hpp"
#include "store/outbox_store.hpp"
#include "store/registration_store.hpp"

namespace regdesk::http {

namespace {

// Stores `event` if `condition` holds, answering with the stored document and its ETag.
void store_event(ApiContext& ctx, const Responder& r, Event event,
                 store::UpsertCondition condition, store::AuditEntry audit) {
  ctx.offload(r, [&ctx, r, event = std::move(event), condition, audit] {
    try {
      auto result = ctx.services.events.upsert(event, ctx.services.clock.now(), audit, condition);
      if (result.outcome == store::UpsertOutcome::kConditionFailed) {
        Problem p = problem(409, "conflict",
                            condition.kind == store::UpsertCondition::kAbsent
                                ? "an event with this slug exists already"
                                : "the event was changed since it was read: reload it");
        return r.problem(p);
      }
      if (result.outcome == store::UpsertOutcome::kCapacityBelowConfirmed) {
        Problem p = problem(409, "capacity_below_confirmed");
        p.extra["confirmed"] = result.confirmed;
        return r.problem(p);
      }
      ctx.services.admission.seats_changed(result.event_id);
      auto stored = ctx.services.events.find(event.slug);
      nlohmann::json out = codec::event_document(event);
      out["promoted"] = result.promoted;
      std::string etag = stored ? stored->etag : "";
      ctx.events.put(event.slug, std::move(stored));
      r.json(result.outcome == store::UpsertOutcome::kCreated ? 201 : 200, out,
             {{"ETag", etag}, {"Cache-Control", "no-store"}});
    } catch (const store::DatabaseUnavailable&) {
      Problem p = problem(503, "unavailable");
      p.retry_after_seconds = 5;
      r.problem(p);
    }
  });
}

Problem invalid_event(const std::vector<EventProblem>& problems) {
  Problem p = problem(422, "validation_failed");
  p.extra["errors"] = nlohmann::json::array();
  for (const auto& e : problems)
    p.extra["errors"].push_back({{"field", e.key}, {"code", "invalid"}, {"message", e.message}});
  return p;
}

void put_event(ApiContext& ctx, const Request& req, const Responder& r) {
  nlohmann::json body;
  if (!parse_json_body(req, r, ctx, body)) return;
  const std::string slug = req.params.at("slug");
  if (!body.contains("slug")) body["slug"] = slug;
  auto parsed = codec::parse_event_document(body);
  if (parsed.event && parsed.event->slug != slug)
    parsed.problems.push_back({"slug", "must match the slug in the path"});
  if (!parsed.problems.empty()) return r.problem(invalid_event(parsed.problems));
  store::UpsertCondition condition;
  if (std::string tag = req.header("if-match"); !tag.empty())
    condition = {store::UpsertCondition::kMatches, tag};
  else if (req.header("if-none-match") == "*")
    condition = {store::UpsertCondition::kAbsent, ""};
  store_event(ctx, r, std::move(*parsed.event), condition,
              audit_entry(ctx, req, "event_changed", slug));
}

void get_event(ApiContext& ctx, const Request& req, const Responder& r) {
  auto stored = ctx.services.events.find(req.params.at("slug"));
  if (!stored) return r.problem(problem(404, "not_found"));
  nlohmann::json out = codec::event_document(stored->event);
  out["counts"] = {{"confirmed", stored->counts.confirmed},
                   {"waitlisted", stored->counts.waitlisted}};
  r.json(200, out, {{"ETag", stored->etag}, {"Cache-Control", "no-store"}});
}

// Last year's symposium as this year's draft: the same settings, a new slug, no registrations.
void copy_event(ApiContext& ctx, const Request& req, const Responder& r) {
  nlohmann::json body;
  if (!parse_json_body(req, r, ctx, body)) return;
  auto it = body.find("slug");
  if (it == body.end() || !it->is_string() || !valid_slug(it->get<std::string>())) {
    Problem p = problem(422, "validation_failed");
    p.errors.push_back({"slug", it == body.end() ? "required" : "invalid"});
    return r.problem(p);
  }
  const std::string to = it->get<std::string>(), from = req.params.at("slug");
  // The copy is an event of its own: the actor must be allowed to edit it too.
  if (!may(*req.actor, Right::kEditEvents, to)) return r.problem(problem(403, "forbidden"));
  auto source = ctx.services.events.find(from);
  if (!source) return r.problem(problem(404, "not_found"));
  Event copy = source->event;
  copy.slug = to;
  copy.visibility = Visibility::kDraft;
  if (auto problems = check_event(copy); !problems.empty()) return r.problem(invalid_event(problems));
  store_event(ctx, r, std::move(copy), {store::UpsertCondition::kAbsent, ""},
              audit_entry(ctx, req, "event_created", to, "",
                          nlohmann::json{{"copied_from", from}}.dump()));
}

void list_events(ApiContext& ctx, const Request& req, const Responder& r) {
  ctx.offload(r, [&ctx, r, actor = *req.actor] {
    try {
      auto now = ctx.services.clock.now();
      nlohmann::json events = nlohmann::json::array();
      for (const auto& e : ctx.services.events.list(/*include_unlisted=*/true)) {
        if (!covers_event(actor, e.event.slug)) continue;
        nlohmann::json j = public_event_json(e, now);
        j["visibility"] = to_string(e.event.visibility);
        j["counts"] = {{"confirmed", e.counts.confirmed}, {"waitlisted", e.counts.waitlisted}};
        events.push_back(j);
      }
      r.json(200, {{"events", events}});
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

void cancel_registration(ApiContext& ctx, const Request& req, const Responder& r) {
  std::string slug = req.params.at("slug"), id = req.params.at("id");
  auto audit = audit_entry(ctx, req, "registration_cancelled", slug, id);
  ctx.offload(r, [&ctx, r, slug, id, audit] {
    try {
      auto event = ctx.services.events.find(slug);
      if (!event) return r.problem(problem(404, "not_found"));
      auto result =
          ctx.services.registrations.cancel(event->id, id, ctx.services.clock.now(), audit);
      if (result.outcome == store::CancelOutcome::kNotFound)
        return r.problem(problem(404, "not_found"));
      if (result.outcome == store::CancelOutcome::kCancelled)
        ctx.services.admission.seats_changed(event->id);
      r.json(200, {{"id", result.registration.public_id},
                   {"number", result.registration.number},
                   {"status", result.registration.status},
                   {"already_cancelled", result.outcome == store::CancelOutcome::kAlreadyCancelled},
                   {"promoted", result.promoted}});
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

void list_mail(ApiContext& ctx, const Request& req, const Responder& r) {
  std::string slug = req.params.at("slug"), state = req.query_param("state");
  if (!state.empty() && state != "queued" && state != "sending" && state != "sent" &&
      state != "failed" && state != "cancelled") {
    Problem p = problem(422, "validation_failed");
    p.errors.push_back({"state", "invalid"});
    return r.problem(p);
  }
  auto audit = audit_entry(ctx, req, "mail_viewed", slug, "",
                           nlohmann::json{{"state", state.empty() ? "all" : state}}.dump());
  ctx.offload(r, [&ctx, r, slug, state, audit] {
    try {
      auto event = ctx.services.events.find(slug);
      if (!event) return r.problem(problem(404, "not_found"));
      ctx.services.audit.append(audit);  // the log shows addresses
      const std::string& zone = event->event.timezone;
      nlohmann::json mails = nlohmann::json::array();
      for (const auto& m : ctx.services.outbox.list(event->id, state, 1000)) {
        nlohmann::json row = {{"id", m.id},
                              {"kind", m.kind},
                              {"state", m.state},
                              {"email", m.email},
                              {"number", m.number},
                              {"attempts", m.attempts},
                              {"due_at", format_in_zone(m.due_at, zone)},
                              {"created_at", format_in_zone(m.created_at, zone)}};
        if (m.sent_at) row["sent_at"] = format_in_zone(*m.sent_at, zone);
        if (!m.last_error.empty()) row["last_error"] = m.last_error;
        mails.push_back(row);
      }
      r.json(200, {{"mail", mails}, {"counts", ctx.services.outbox.counts_by_state(event->id)}});
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

}  // namespace

void add_admin_routes(Routes& routes, ApiContext& ctx) {
  add_guarded(routes, ctx, "GET", "/api/v1/admin/events", "admin_events",
              [&ctx](const Request& q, const Responder& r) { list_events(ctx, q, r); });
  add_guarded(routes, ctx, "PUT", "/api/v1/admin/events/:slug", "admin_event_put",
              [&ctx](const Request& q, const Responder& r) { put_event(ctx, q, r); });
  add_guarded(routes, ctx, "GET", "/api/v1/admin/events/:slug", "admin_event_get",
              [&ctx](const Request& q, const Responder& r) { get_event(ctx, q, r); });
  add_guarded(routes, ctx, "POST", "/api/v1/admin/events/:slug/copy", "admin_event_copy",
              [&ctx](const Request& q, const Responder& r) { copy_event(ctx, q, r); });
  add_guarded(routes, ctx, "POST", "/api/v1/admin/events/:slug/registrations/:id/cancel",
              "admin_cancel",
              [&ctx](const Request& q, const Responder& r) { cancel_registration(ctx, q, r); });
  add_guarded(routes, ctx, "GET", "/api/v1/admin/events/:slug/mail", "admin_mail",
              [&ctx](const Request& q, const Responder& r) { list_mail(ctx, q, r); });
}

}  // namespace regdesk::http
