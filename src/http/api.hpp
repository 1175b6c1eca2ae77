#pragma once
// Route tables of each API area, and what their handlers share. Internal to the HTTP layer.

#include <memory>

#include "http/admin_auth.hpp"
#include "http/blocking_pool.hpp"
#include "http/event_cache.hpp"
#include "http/failure_throttle.hpp"
#include "http/in_flight.hpp"
#include "http/metrics.hpp"
#include "http/page_templates.hpp"
#include "http/rate_limiter.hpp"
#include "http/server.hpp"

namespace regdesk::http {

struct ApiContext {
  HttpSettings settings;
  Services services;
  std::shared_ptr<Metrics> metrics;
  BlockingPool blocking;
  EventCache events;
  RateLimiter signup_limit;
  AdminAuth admin;
  PageTemplates pages;  // web/templates: the pages the server renders
  std::shared_ptr<InFlight> in_flight = std::make_shared<InFlight>();
  std::atomic<bool> draining{false};  // stopping: new requests are turned away
  // Failed sign-ins: per address tried, and per client (one guessing many addresses).
  FailureThrottle sign_in_failures_per_address{5, std::chrono::minutes(15)};
  FailureThrottle sign_in_failures_per_client{20, std::chrono::minutes(15)};
  // "Mail my links again": per address asked for (one person cannot be flooded), and per
  // client (one client cannot try many addresses). Per minute, each a bucket of that size.
  RateLimiter resend_limit_per_address{3};
  RateLimiter resend_limit_per_client{10};

  ApiContext(HttpSettings s, Services svc)
      : settings(std::move(s)),
        services(svc),
        metrics(std::make_shared<Metrics>()),
        blocking(settings.blocking_threads, 10000),
        events(services.events, blocking),
        signup_limit(settings.signups_per_minute_per_client),
        admin(settings.admin_token_hashes),
        pages(settings.web_root + "/templates") {}

  // Runs `job` on the blocking pool; answers 503 if the pool is saturated.
  void offload(const Responder& r, std::function<void()> job);
};

void add_public_routes(Routes& routes, ApiContext& ctx);
void add_admin_routes(Routes& routes, ApiContext& ctx);
void add_ops_routes(Routes& routes, ApiContext& ctx);
void add_registration_routes(Routes& routes, ApiContext& ctx);
void add_static_routes(Routes& routes, ApiContext& ctx);
void add_organiser_routes(Routes& routes, ApiContext& ctx);
void add_account_routes(Routes& routes, ApiContext& ctx);
void add_attendance_routes(Routes& routes, ApiContext& ctx);
void add_approval_routes(Routes& routes, ApiContext& ctx);
void add_invitation_routes(Routes& routes, ApiContext& ctx);
void add_series_routes(Routes& routes, ApiContext& ctx);
void add_self_service_routes(Routes& routes, ApiContext& ctx);
void add_registration_admin_routes(Routes& routes, ApiContext& ctx);

// Shared request checks: a JSON body of at most the configured size. Returns false after
// answering the problem itself.
bool parse_json_body(const Request& req, const Responder& r, const ApiContext& ctx,
                     nlohmann::json& out);
// parse_json_body in two steps, for a handler that may not need the document: the checks of
// size and media type, then the parse of a body that passed them.
bool accept_json_body(const Request& req, const Responder& r, const ApiContext& ctx);
bool parse_accepted_json_body(const Request& req, const Responder& r, nlohmann::json& out);

}  // namespace regdesk::http
