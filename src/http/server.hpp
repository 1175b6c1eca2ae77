#pragma once
// The HTTP front: Pistache endpoint, request copying, routing, problem responses, metrics.
// Handlers receive a plain Request (copied off Pistache's, which dies when onRequest returns)
// and a Responder they may move to any thread.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/access.hpp"
#include "domain/clock.hpp"
#include "http/in_flight.hpp"
#include "http/metrics.hpp"
#include "http/problem.hpp"
#include "http/router.hpp"

namespace Pistache::Http {
class Request;
class ResponseWriter;
}  // namespace Pistache::Http
namespace regdesk::store {
class ConnectionPool;
class EventStore;
class GroupAdmission;
class RegistrationStore;
class OutboxStore;
class OrganiserStore;
class AccountStore;
class AuditLog;
class AttendanceStore;
class ApprovalStore;
class InvitationStore;
class RegistrationChanges;
}  // namespace regdesk::store

namespace regdesk::http {

struct HttpSettings {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (read back with HttpServer::port())
  int threads = 2;
  size_t max_body_bytes = 16 * 1024;
  // Pistache 0.0.5 answers 408 itself once this long has passed since a request's first byte
  // without its answer, however long the handler has legitimately worked: so it bounds a slow
  // client's headers and body, and also the longest export.
  int request_timeout_seconds = 180;
  int signups_per_minute_per_client = 0;        // 0: no limit
  std::vector<std::string> trusted_proxies;     // addresses whose X-Forwarded-For is believed
  std::vector<std::string> admin_token_hashes;  // config tokens: they act as owners
  SessionLimits sessions;                       // organisers' sign-in sessions
  bool require_totp_for_owners = false;
  std::string public_url = "http://127.0.0.1:8080";
  size_t blocking_threads = 4;
  std::string web_root = "web";  // the pages (index.html, event.html, admin.html, static/)
};

// What the HTTP layer may call: domain rules, the store's operations. Owned by the app.
struct Services {
  const Clock& clock;
  store::ConnectionPool& pool;
  store::EventStore& events;
  store::GroupAdmission& admission;
  store::RegistrationStore& registrations;
  store::OutboxStore& outbox;
  store::OrganiserStore& organiser;
  store::AccountStore& accounts;
  store::AuditLog& audit;
  store::AttendanceStore& attendance;
  store::ApprovalStore& approvals;
  store::InvitationStore& invitations;
  store::RegistrationChanges& changes;  // edits, resends, promotions by hand
};

struct Request {
  std::string method;
  std::string path;
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string client;  // the client's address (X-Forwarded-For only from trusted proxies)
  std::string request_id;
  std::string lang;  // "ja" | "en"
  PathParams params;
  std::chrono::steady_clock::time_point started;
  std::string session_cookie;  // the regdesk_session cookie, if sent
  std::optional<Actor> actor;  // set by the access check (http/access.hpp) on admin routes

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
  std::string query_param(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  }
};

// The parts of Pistache's request the handlers read: query values percent-decoded, the headers
// some handler reads, the session cookie, the body, the client's address (X-Forwarded-For from
// `trusted_proxies` only), the request id and the language. tests/fuzz/http_request_fuzz.cpp
// feeds it what Pistache's own parser makes of raw bytes.
Request copy_request(const Pistache::Http::Request& in,
                     const std::vector<std::string>& trusted_proxies);

// Sends exactly one response; safe to copy and to use from any thread.
class Responder {
 public:
  // Counts itself in `in_flight` (may be null) until the answer has been written, and the
  // answer in `route` (a counter of `metrics`, which it keeps alive).
  Responder(Pistache::Http::ResponseWriter&& writer, std::string request_id, std::string lang,
            Metrics::RouteStats& route, std::chrono::steady_clock::time_point started,
            std::shared_ptr<Metrics> metrics, std::shared_ptr<InFlight> in_flight);

  void send(int status, const std::string& content_type, const std::string& body,
            const std::vector<std::pair<std::string, std::string>>& headers = {}) const;
  void json(int status, const nlohmann::json& body,
            const std::vector<std::pair<std::string, std::string>>& headers = {}) const;
  void problem(const Problem& p) const;
  // Sends a file from disk without reading it into memory, then deletes it.
  void send_temporary_file(
      const std::string& content_type, const std::string& path,
      const std::vector<std::pair<std::string, std::string>>& headers = {}) const;
  const std::string& lang() const;

 private:
  // One per request, shared by the copies handlers capture (a copy is one count, not
  // several strings and pointers: sign-ups copy it into their callbacks).
  struct State;
  std::shared_ptr<State> state_;
};

using Handler = std::function<void(const Request&, const Responder&)>;
using Routes = Router<Handler>;

// Owns the endpoint and the pieces shared by every reactor thread.
class HttpServer {
 public:
  HttpServer(HttpSettings settings, Services services);
  ~HttpServer();
  void start();  // returns once listening
  int port() const;
  // The first half of a graceful stop: every new request is answered 503 `unavailable`
  // (Connection: close, so proxies go elsewhere; /readyz too), and this returns once every
  // request read before has been answered, or after `limit`. Then call stop().
  void drain(std::chrono::milliseconds limit);
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace regdesk::http
