// The approval queue (events with `registration.approval: required`): approve or decline one
// registration, or many at once from the dashboard. Each call is one transaction in the store.

#include <algorithm>

#include "http/access.hpp"
#include "http/api.hpp"
#include "store/approval_store.hpp"
#include "store/connection_pool.hpp"
#include "store/event_store.hpp"
#include "store/group_admission.hpp"

namespace regdesk::http {

namespace {

// What one bulk call may decide: the dashboard's page of the queue, with room to spare.
constexpr size_t kMaxIdsPerCall = 500;
constexpr size_t kMaxMessageLength = 2000;

enum class Verdict { kApprove, kDecline };

// The body, which may be empty: {"ids"?: [...], "message"?: {"ja","en"}}.
bool read_body(const ApiContext& ctx, const Request& req, const Responder& r, bool bulk,
               std::vector<std::string>& ids, LocalizedText& message) {
  nlohmann::json body = nlohmann::json::object();
  if (!req.body.empty() && !parse_json_body(req, r, ctx, body)) return false;
  Problem p = problem(422, "validation_failed");
  if (bulk) {
    auto it = body.find("ids");
    if (it == body.end()) {
      p.errors.push_back({"ids", "required"});
    } else if (!it->is_array() || it->empty() || it->size() > kMaxIdsPerCall ||
               !std::all_of(it->begin(), it->end(), [](const auto& v) { return v.is_string(); })) {
      p.errors.push_back({"ids", "invalid"});  // 1 to kMaxIdsPerCall registration ids
    } else {
      ids = it->get<std::vector<std::string>>();
    }
  }
  if (auto it = body.find("message"); it != body.end()) {
    if (!it->is_object()) p.errors.push_back({"message", "invalid_type"});  // {"ja", "en"}
    for (auto [lang, out] : {std::pair{"ja", &message.ja}, std::pair{"en", &message.en}}) {
      if (!it->is_object() || !it->contains(lang)) continue;
      const auto& v = (*it)[lang];
      const std::string field = std::string("message.") + lang;
      if (!v.is_string())
        p.errors.push_back({field, "invalid_type"});
      else if (v.get<std::string>().size() > kMaxMessageLength)
        p.errors.push_back({field, "too_long", "", kMaxMessageLength});
      else
        *out = v.get<std::string>();
    }
  }
  if (!p.errors.empty()) {
    r.problem(p);
    return false;
  }
  return true;
}

nlohmann::json decision_json(const store::DecisionResult& d) {
  nlohmann::json j = {{"id", d.public_id}, {"outcome", to_string(d.outcome)}};
  if (d.outcome != store::DecisionOutcome::kNotFound) {
    j["number"] = d.number;
    j["status"] = d.status;
  }
  if (d.status == "waitlisted") j["waitlist_position"] = d.waitlist_position;
  return j;
}

// One registration: the decision as an answer of its own (409 when it could not be made).
void answer_one(const Responder& r, const store::DecisionResult& d, bool waitlist_room) {
  using store::DecisionOutcome;
  switch (d.outcome) {
    case DecisionOutcome::kNotFound:
      return r.problem(problem(404, "not_found"));
    case DecisionOutcome::kSoldOut: {
      Problem p = problem(409, "sold_out", "no seat and no waitlist place left: it stays pending");
      p.extra["waitlist_available"] = waitlist_room;
      return r.problem(p);
    }
    case DecisionOutcome::kNotPending: {
      Problem p = problem(409, "not_pending", "this registration is not waiting for a decision");
      p.extra["status"] = d.status;
      return r.problem(p);
    }
    case DecisionOutcome::kDecided:
    case DecisionOutcome::kAlready: {
      nlohmann::json j = decision_json(d);
      j["already"] = d.outcome == DecisionOutcome::kAlready;
      return r.json(200, j);
    }
  }
}

void decide(ApiContext& ctx, const Request& req, const Responder& r, Verdict verdict, bool bulk) {
  std::vector<std::string> ids;
  LocalizedText message;
  if (!read_body(ctx, req, r, bulk, ids, message)) return;
  if (!bulk) ids = {req.params.at("id")};
  const std::string slug = req.params.at("slug");
  auto audit = audit_entry(
      ctx, req, verdict == Verdict::kApprove ? "registration_approved" : "registration_declined",
      slug);
  ctx.offload(r, [&ctx, r, slug, ids = std::move(ids), message, audit, verdict, bulk] {
    try {
      auto event = ctx.services.events.find(slug);
      if (!event) return r.problem(problem(404, "not_found"));
      const Instant now = ctx.services.clock.now();
      auto decisions = verdict == Verdict::kApprove
                           ? ctx.services.approvals.approve(event->id, ids, now, audit)
                           : ctx.services.approvals.decline(event->id, ids, message, now, audit);
      if (!bulk)
        return answer_one(r, decisions.results.at(0), decisions.counts_after.waitlist_has_room());
      nlohmann::json results = nlohmann::json::array();
      for (const auto& d : decisions.results) results.push_back(decision_json(d));
      r.json(200, {{"results", results},
                   {"counts",
                    {{"confirmed", decisions.counts_after.confirmed},
                     {"waitlisted", decisions.counts_after.waitlisted},
                     {"seats_remaining", decisions.counts_after.seats_remaining()}}}});
    } catch (const store::DatabaseUnavailable&) {
      // Also when the answer to the COMMIT was lost: asking again is safe, a decision already
      // made answers "already".
      r.problem(unavailable());
    }
  });
}

}  // namespace

void add_approval_routes(Routes& routes, ApiContext& ctx) {
  auto route = [&ctx](Verdict verdict, bool bulk) {
    return [&ctx, verdict, bulk](const Request& q, const Responder& r) {
      decide(ctx, q, r, verdict, bulk);
    };
  };
  add_guarded(routes, ctx, "POST", "/api/v1/admin/events/:slug/registrations/:id/approve",
              "admin_approve", route(Verdict::kApprove, false));
  add_guarded(routes, ctx, "POST", "/api/v1/admin/events/:slug/registrations/:id/decline",
              "admin_decline", route(Verdict::kDecline, false));
  add_guarded(routes, ctx, "POST", "/api/v1/admin/events/:slug/registrations/approve",
              "admin_approve_many", route(Verdict::kApprove, true));
  add_guarded(routes, ctx, "POST", "/api/v1/admin/events/:slug/registrations/decline",
              "admin_decline_many", route(Verdict::kDecline, true));
}

}  // namespace regdesk::http
