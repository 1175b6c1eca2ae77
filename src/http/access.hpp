#pragma once
// The one place admin requests are let in. Each admin route is added with add_guarded, which
// looks its right up in the route table (access.cpp), finds who is asking (a config token, an
// API token, or a session cookie whose unsafe requests carry X-CSRF-Token), checks the right
// against the route's event, and hands the handler a Request whose `actor` is set. It answers
// 401 `unauthorized`, 403 `csrf_failed` or 403 `forbidden` itself. The handler runs on the
// blocking pool; a DatabaseUnavailable it throws is answered 503 `unavailable`.

#include <string>

#include "http/api.hpp"
#include "store/audit_log.hpp"

namespace regdesk::http {

// `name` must be in the route table: a route without a right stops the start.
void add_guarded(Routes& routes, ApiContext& ctx, const std::string& method,
                 const std::string& pattern, const std::string& name, Handler h);
// The right a route needs (throws std::logic_error for a route not in the table).
Right right_of_route(const std::string& name);

// Who is asking, from what the request carries (a config or API token, or a session cookie);
// nullopt when no credential is good, with `csrf_failed` set when a session's unsafe request
// lacks its token. Blocking (tokens and sessions are in the database, so every node sees
// them): call it on the blocking pool. add_guarded calls it; so does a draft's preview.
std::optional<Actor> identify(ApiContext& ctx, const Request& req, bool& csrf_failed);

// What `req.actor` did, for the audit trail.
store::AuditEntry audit_entry(const ApiContext& ctx, const Request& req, std::string action,
                              std::string event_slug, std::string target = "",
                              std::string detail_json = "");

}  // namespace regdesk::http
