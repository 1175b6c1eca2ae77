// Public API: the event list and detail, and sign-up.

#include <algorithm>

#include "domain/event_rules.hpp"
#include "domain/signup.hpp"
#include "http/access.hpp"
#include "http/event_json.hpp"
#include "http/signup_json.hpp"
#include "store/connection_pool.hpp"
#include "store/group_admission.hpp"
#include "store/random_id.hpp"

namespace regdesk::http {

namespace {

void list_events(ApiContext& ctx, const Request&, const Responder& r) {
  ctx.offload(r, [&ctx, r] {
    try {
      auto now = ctx.services.clock.now();
      nlohmann::json events = nlohmann::json::array();
      for (const auto& e : ctx.services.events.list(/*include_unlisted=*/false))
        events.push_back(public_event_json(e, now));
      r.json(200, {{"events", events}});
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

// A draft is shown only to an organiser of it who asks for the preview (?preview=1).
bool may_preview(ApiContext& ctx, const Request& req, const std::string& slug) {
  if (req.query_param("preview") != "1") return false;
  bool csrf_failed = false;
  auto actor = identify(ctx, req, csrf_failed);
  return actor && may(*actor, Right::kSeeCounts, slug);
}

void get_event(ApiContext& ctx, const Request& req, const Responder& r) {
  std::string slug = req.params.at("slug");
  ctx.offload(r, [&ctx, r, slug, req] {
    try {
      auto e = ctx.services.events.find(slug);
      if (!e) return r.problem(problem(404, "not_found"));
      if (e->event.visibility == Visibility::kDraft) {
        if (!may_preview(ctx, req, slug)) return r.problem(problem(404, "not_found"));
        nlohmann::json preview = public_event_json(*e, ctx.services.clock.now());
        preview["preview"] = true;
        return r.json(200, preview, {{"Cache-Control", "no-store"}});
      }
      r.json(200, public_event_json(*e, ctx.services.clock.now()));
      ctx.events.put(slug, std::move(e));
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

// What a sign-up outcome means to the client, and the metric label for it.
void answer_signup(ApiContext& ctx, const Responder& r, const store::SignupResult& result,
                   const Event& event) {
  using store::SignupOutcome;
  switch (result.outcome) {
    case SignupOutcome::kConfirmed:
    case SignupOutcome::kWaitlisted:
    case SignupOutcome::kPending: {
      ctx.metrics->count_signup(result.replayed ? "replayed" : result.receipt.status);
      std::vector<std::pair<std::string, std::string>> headers = {
          {"Location",
           "/api/v1/events/" + event.slug + "/registrations/" + result.receipt.public_id}};
      if (result.replayed) headers.emplace_back("Idempotent-Replayed", "true");
      return r.json(201, receipt_json(result.receipt, event), headers);
    }
    case SignupOutcome::kSoldOut: {
      ctx.metrics->count_signup("sold_out");
      Problem p = problem(409, "sold_out");
      p.extra["waitlist_available"] = result.waitlist_available;
      return r.problem(p);
    }
    case SignupOutcome::kAlreadyRegistered:
      ctx.metrics->count_signup("already_registered");
      return r.problem(problem(409, "already_registered"));
    case SignupOutcome::kInvitationRequired:
      ctx.metrics->count_signup("invitation_required");
      return r.problem(problem(403, "invitation_required"));
    case SignupOutcome::kInvitationUsedUp:
      ctx.metrics->count_signup("invitation_used_up");
      return r.problem(problem(409, "invitation_used_up"));
    case SignupOutcome::kIdempotencyConflict:
      ctx.metrics->count_signup("idempotency_conflict");
      return r.problem(problem(422, "idempotency_conflict"));
    case SignupOutcome::kEventGone:
      return r.problem(problem(404, "not_found"));
    case SignupOutcome::kUnavailable:
      ctx.metrics->count_signup("unavailable");
      return r.problem(unavailable());
  }
}

// What a sign-up carries from its request to the moment its event is known.
struct SignupInput {
  std::optional<SignupForm> form;     // parsed at once, unless only peeked
  std::optional<SignupBodyPeek> peek;  // set when the body may be answered sold_out unparsed
  std::optional<store::IdempotencyKey> idempotency;
  Instant received_at;
};

// The rest of a sign-up, with its event. `unparsed` is the body, parsed here if it was only
// peeked.
void sign_up_to(ApiContext& ctx, const Responder& r, const EventCache::Entry& stored,
                SignupInput& in, const std::string& unparsed) {
  if (!stored) return r.problem(problem(404, "not_found"));
  const Event& event = stored->event;
  if (event.visibility == Visibility::kDraft) return r.problem(problem(404, "not_found"));

  // A full event answers sold_out from memory before the form is checked: at the rush most
  // requests ask for seats that are gone, and checking every field of a form that cannot be
  // accepted was 8 % of such an answer's CPU (perf, bench/RESULTS.md). Not where an
  // outsider must not learn the event's state (an allow-list, invitations), nor outside the
  // window.
  if (in.peek && event.eligible_email_domains.empty() && !event.invitation_required &&
      window_state(event, in.received_at) == WindowState::kOpen) {
    if (auto full = ctx.services.admission.sold_out_from_memory(
            stored->id, duplicate_key_of(in.peek->email), in.peek->wants_waitlist))
      return answer_signup(ctx, r, *full, event);
  }
  // The peek vouched that this parses.
  if (!in.form) in.form = signup_form_from_json(nlohmann::json::parse(unparsed));

  ValidatedSignup v = validate_signup(*in.form, event);
  if (!v.applicant) {
    bool bot = std::any_of(v.errors.begin(), v.errors.end(),
                           [](const FieldError& e) { return e.field == "website"; });
    ctx.metrics->count_signup(bot ? "honeypot" : "validation_failed");
    Problem p = problem(422, "validation_failed");
    p.errors = std::move(v.errors);
    label_answer_errors(p.errors, event, r.lang());
    return r.problem(p);
  }
  // Eligibility before the window and before any seat is touched: an outsider learns
  // nothing about the event's state.
  if (!is_eligible(event, v.applicant->email)) {
    ctx.metrics->count_signup("not_eligible");
    return r.problem(problem(403, "not_eligible"));
  }
  // No invitation at all needs no database; a code is checked in the admission transaction.
  if (event.invitation_required && v.applicant->invitation.empty()) {
    ctx.metrics->count_signup("invitation_required");
    return r.problem(problem(403, "invitation_required"));
  }
  if (WindowState window = window_state(event, in.received_at); window != WindowState::kOpen) {
    bool closed = window == WindowState::kClosed;
    auto refuse = [&ctx, r, closed] {
      ctx.metrics->count_signup(closed ? "closed" : "not_open");
      r.problem(problem(409, closed ? "registration_closed" : "registration_not_open"));
    };
    if (!closed || !in.idempotency) return refuse();
    // A retry of a sign-up that was answered before the window closed gets that answer.
    return ctx.offload(r, [&ctx, r, stored, key = *in.idempotency, refuse] {
      std::optional<store::SignupResult> first;
      try {
        first = ctx.services.admission.replay(stored->id, key);
      } catch (const store::DatabaseUnavailable&) {
        ctx.metrics->count_signup("unavailable");
        return r.problem(unavailable());
      }
      if (!first) return refuse();
      answer_signup(ctx, r, *first, stored->event);
    });
  }
  store::SignupRequest request{std::move(*v.applicant), in.idempotency, in.received_at};
  ctx.services.admission.submit(stored->id, std::move(request),
                                [&ctx, r, stored](const store::SignupResult& result) {
                                  answer_signup(ctx, r, result, stored->event);
                                });
}

void sign_up(ApiContext& ctx, const Request& req, const Responder& r) {
  if (int wait = ctx.signup_limit.check(req.client, std::chrono::steady_clock::now())) {
    ctx.metrics->count_signup("rate_limited");
    Problem p = problem(429, "rate_limited");
    p.retry_after_seconds = wait;
    return r.problem(p);
  }
  if (!accept_json_body(req, r, ctx)) {
    ctx.metrics->count_signup("bad_request");
    return;
  }
  // A sign-up that may be answered sold_out from memory (no Idempotency-Key: its first answer
  // may have been a seat) is first read only as far as that answer needs, and the document is
  // built once the event turns out not to be full. Any other body is parsed now, so a malformed
  // one hears 400 before anything about the event.
  const std::string key = req.header("idempotency-key");
  SignupInput in;
  if (key.empty()) in.peek = peek_signup_body(req.body);
  if (!in.peek) {
    nlohmann::json body;
    if (!parse_accepted_json_body(req, r, body)) {
      ctx.metrics->count_signup("bad_request");
      return;
    }
    in.form = signup_form_from_json(body);
  }
  if (!key.empty()) {
    if (key.size() > 255) {
      Problem p = problem(422, "validation_failed");
      p.errors.push_back({"idempotency_key", "too_long"});
      return r.problem(p);
    }
    in.idempotency = store::IdempotencyKey{store::sha256(key), store::sha256(req.body)};
  }
  in.received_at = ctx.services.clock.now();

  // The event is nearly always cached: continue here, copying nothing. Only a miss packs the
  // sign-up up (its body too) for the database read on the blocking pool.
  const std::string& slug = req.params.at("slug");
  if (EventCache::Entry stored = ctx.events.cached(slug))
    return sign_up_to(ctx, r, stored, in, req.body);
  ctx.events.get(slug, [&ctx, r, in = std::move(in), body = req.body](
                           EventCache::Entry stored, bool unavailable_now) mutable {
    if (unavailable_now) {
      ctx.metrics->count_signup("unavailable");
      return r.problem(unavailable());
    }
    sign_up_to(ctx, r, stored, in, body);
  });
}

}  // namespace

void add_public_routes(Routes& routes, ApiContext& ctx) {
  routes.add("GET", "/api/v1/events", "events",
             [&ctx](const Request& q, const Responder& r) { list_events(ctx, q, r); });
  routes.add("GET", "/api/v1/events/:slug", "event",
             [&ctx](const Request& q, const Responder& r) { get_event(ctx, q, r); });
  routes.add("POST", "/api/v1/events/:slug/registrations", "signup",
             [&ctx](const Request& q, const Responder& r) { sign_up(ctx, q, r); });
}

}  // namespace regdesk::http
