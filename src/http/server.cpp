#include "http/server.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <strings.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <random>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "domain/text.hpp"
#include "http/api.hpp"
#include "http/request_fields.hpp"
#include "store/connection_pool.hpp"

namespace regdesk::http {

using namespace Pistache;

namespace {

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (uint64_t bits = rng(), i = 16; i-- > 0; bits >>= 4) id[i] = kHex[bits & 0xF];
  return id;
}

// Lower-case, as Request::header() is asked for them.
constexpr std::string_view kHeadersHandlersRead[] = {
    "content-type",    "authorization", "accept-language", "x-request-id", "x-forwarded-for",
    "idempotency-key", "x-csrf-token",  "if-match",        "if-none-match"};

// The few content types regdesk answers with (all written in this code), parsed once per thread.
const Http::Mime::MediaType& media_type(const std::string& text) {
  thread_local std::unordered_map<std::string, Http::Mime::MediaType> parsed;
  auto it = parsed.find(text);
  if (it == parsed.end()) it = parsed.emplace(text, Http::Mime::MediaType::fromString(text)).first;
  return it->second;
}

std::string dump(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The problem document as text, valid until the next call on this thread. Those without field
// errors or free text are the same every time for their status, code, language and extras (a
// sold-out rush answers one of two), so they are written once per thread, and finding one
// allocates nothing.
const std::string& problem_text(const Problem& p, const std::string& lang) {
  thread_local std::string scratch;
  if (!p.errors.empty() || !p.detail.empty()) return scratch = dump(problem_body(p, lang));
  thread_local std::unordered_map<std::string, std::string> written;
  thread_local std::string key;
  key.assign(std::to_string(p.status)).append(1, ' ').append(p.code).append(1, ' ').append(lang);
  for (const auto& [name, value] : p.extra.items()) {
    key.append(1, ' ').append(name).append(1, '=');
    if (value.is_boolean())
      key.append(value.get<bool>() ? "true" : "false");
    else
      key.append(value.dump());
  }
  if (auto it = written.find(key); it != written.end()) return it->second;
  scratch = dump(problem_body(p, lang));
  if (written.size() < 256) return written.emplace(key, scratch).first->second;
  return scratch;
}

// Pistache 0.0.5 never writes "raw" headers (pistache#967), so every header we add is a typed
// header whose name is chosen at run time.
class NamedHeader final : public Http::Header::Header {
 public:
  NamedHeader(std::string name, std::string value)
      : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void parse(const std::string& data) override { value_ = data; }
  void write(std::ostream& os) const override { os << value_; }
#ifdef SAFE_HEADER_CAST
  uint64_t hash() const override {
    return std::hash<std::string>{}(name_);
  }
#endif

 private:
  std::string name_, value_;
};

class PistacheHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(PistacheHandler)

  PistacheHandler(std::shared_ptr<ApiContext> ctx, std::shared_ptr<Routes> routes)
      : ctx_(std::move(ctx)),
        routes_(std::move(routes)),
        unmatched_(&ctx_->metrics->route("unmatched")) {
    for (const auto& name : routes_->names()) route_stats_.push_back(&ctx_->metrics->route(name));
  }

  void onRequest(const Http::Request& in, Http::ResponseWriter response) override {
    Request req = copy_request(in, ctx_->settings.trusted_proxies);
    auto match = routes_->match(req.method, req.path);
    Responder responder(std::move(response), req.request_id, req.lang,
                        match.handler ? *route_stats_[match.index] : *unmatched_, req.started,
                        ctx_->metrics, ctx_->in_flight);
    if (ctx_->draining) {
      // Stopping: nothing new is started; the client (or nginx) tries again elsewhere.
      Problem p = problem(503, "unavailable", "the service is stopping");
      p.retry_after_seconds = 1;
      responder.send(503, "application/problem+json; charset=utf-8",
                     dump(problem_body(p, req.lang)),
                     {{"Retry-After", "1"}, {"Connection", "close"}});
      return;
    }
    if (!match.handler) {
      responder.problem(match.path_matched ? problem(405, "method_not_allowed")
                                           : problem(404, "not_found"));
      return;
    }
    req.params = std::move(match.params);
    try {
      (*match.handler)(req, responder);
    } catch (const store::DatabaseUnavailable&) {
      Problem p = problem(503, "unavailable");
      p.retry_after_seconds = 5;
      responder.problem(p);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "request %s: unhandled error: %s\n", req.request_id.c_str(), e.what());
      responder.problem(problem(500, "internal_error"));
    }
  }

 private:
  std::shared_ptr<ApiContext> ctx_;
  std::shared_ptr<Routes> routes_;
  std::vector<Metrics::RouteStats*> route_stats_;  // by route index
  Metrics::RouteStats* unmatched_;
};

// A header every answer carries, made once.
const std::shared_ptr<Http::Header::Header> kNoStore =
    std::make_shared<NamedHeader>("Cache-Control", "no-store");

}  // namespace

Request copy_request(const Http::Request& in, const std::vector<std::string>& trusted_proxies) {
  Request req;
  req.started = std::chrono::steady_clock::now();
  req.method = Http::methodString(in.method());
  req.path = in.resource();
  for (auto it = in.query().parameters_begin(); it != in.query().parameters_end(); ++it)
    req.query[it->first] = text::percent_decode(it->second, true);
  // Only the headers some handler reads are copied (every request pays for this copy): one
  // pass over what arrived, instead of a lookup per name (each lower-cases and allocates).
  for (const auto& [name, raw] : in.headers().rawList())
    for (std::string_view wanted : kHeadersHandlersRead)
      if (name.size() == wanted.size() && strncasecmp(name.data(), wanted.data(), name.size()) == 0)
        req.headers[std::string(wanted)] = raw.value();
  // Pistache parses these two itself, so they are never among the raw headers.
  if (auto type = in.headers().tryGet<Http::Header::ContentType>())
    req.headers["content-type"] = type->mime().toString();
  if (auto auth = in.headers().tryGet<Http::Header::Authorization>())
    req.headers["authorization"] = auth->value();
  // Pistache takes Cookie apart itself, into the jar.
  if (in.cookies().has("regdesk_session"))
    req.session_cookie = in.cookies().get("regdesk_session").value;
  req.body = in.body();
  req.client = client_address(in.address().host(), req.header("x-forwarded-for"), trusted_proxies);
  std::string given_id = req.header("x-request-id");
  req.request_id = acceptable_request_id(given_id) ? given_id : new_request_id();
  req.lang = pick_language(req.header("accept-language"));
  return req;
}

struct Responder::State {
  Http::ResponseWriter writer;
  std::string request_id, lang;
  Metrics::RouteStats& route;
  std::chrono::steady_clock::time_point started;
  std::shared_ptr<Metrics> metrics;
  std::shared_ptr<InFlight> in_flight;
  InFlight::Ticket ticket;

  void observe(int status) const {
    route.observe(status,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  // A client that has gone away makes the promise fail; what was committed stays committed.
  // Either way the request is no longer in flight once the write is done.
  template <typename Promise, typename Then>
  void once_written(Promise written, Then then) const {
    auto done = [in_flight = in_flight, ticket = ticket, then] {
      then();
      if (in_flight) in_flight->end(ticket);
    };
    written.then([done](ssize_t) { done(); }, [done](std::exception_ptr) { done(); });
  }
};

Responder::Responder(Http::ResponseWriter&& writer, std::string request_id, std::string lang,
                     Metrics::RouteStats& route, std::chrono::steady_clock::time_point started,
                     std::shared_ptr<Metrics> metrics, std::shared_ptr<InFlight> in_flight) {
  InFlight::Ticket ticket = in_flight ? in_flight->begin() : 0;
  state_ = std::make_shared<State>(State{std::move(writer), std::move(request_id), std::move(lang),
                                         route, started, std::move(metrics), std::move(in_flight),
                                         ticket});
}

const std::string& Responder::lang() const {
  return state_->lang;
}

void Responder::send(int status, const std::string& content_type, const std::string& body,
                     const std::vector<std::pair<std::string, std::string>>& headers) const {
  auto& h = state_->writer.headers();
  h.add<Http::Header::ContentType>(media_type(content_type));
  h.add(std::make_shared<NamedHeader>("X-Request-Id", state_->request_id));
  h.add(kNoStore);
  for (const auto& [name, value] : headers) {
    // Pistache decides keep-alive from the request; we only ever ask it to close.
    if (name == "Connection")
      h.add<Http::Header::Connection>(Http::ConnectionControl::Close);
    else
      h.add(std::make_shared<NamedHeader>(name, value));
  }
  state_->observe(status);
  state_->once_written(state_->writer.send(static_cast<Http::Code>(status), body), [] {});
}

void Responder::send_temporary_file(
    const std::string& content_type, const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& headers) const {
  auto& h = state_->writer.headers();
  h.add(std::make_shared<NamedHeader>("X-Request-Id", state_->request_id));
  h.add(kNoStore);
  for (const auto& [name, value] : headers) h.add(std::make_shared<NamedHeader>(name, value));
  state_->observe(200);
  state_->once_written(Http::serveFile(state_->writer, path, media_type(content_type)),
                       [path] { ::unlink(path.c_str()); });
}

void Responder::json(int status, const nlohmann::json& body,
                     const std::vector<std::pair<std::string, std::string>>& headers) const {
  send(status, "application/json; charset=utf-8", dump(body), headers);
}

void Responder::problem(const Problem& p) const {
  std::vector<std::pair<std::string, std::string>> headers;
  if (p.retry_after_seconds > 0)
    headers.emplace_back("Retry-After", std::to_string(p.retry_after_seconds));
  if (p.status == 401) headers.emplace_back("WWW-Authenticate", "Bearer realm=\"regdesk\"");
  if (p.status == 413) headers.emplace_back("Connection", "close");
  send(p.status, "application/problem+json; charset=utf-8", problem_text(p, state_->lang), headers);
}

void ApiContext::offload(const Responder& r, std::function<void()> job) {
  if (!blocking.post(std::move(job))) {
    Problem p = problem(503, "unavailable");
    p.retry_after_seconds = 2;
    r.problem(p);
  }
}

bool accept_json_body(const Request& req, const Responder& r, const ApiContext& ctx) {
  if (req.body.size() > ctx.settings.max_body_bytes) {
    r.problem(problem(413, "payload_too_large",
                      "limit: " + std::to_string(ctx.settings.max_body_bytes) + " bytes"));
    return false;
  }
  if (!is_json_media_type(req.header("content-type"))) {
    r.problem(problem(415, "unsupported_media_type"));
    return false;
  }
  return true;
}

bool parse_json_body(const Request& req, const Responder& r, const ApiContext& ctx,
                     nlohmann::json& out) {
  return accept_json_body(req, r, ctx) && parse_accepted_json_body(req, r, out);
}

bool parse_accepted_json_body(const Request& req, const Responder& r, nlohmann::json& out) {
  out = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) {
    r.problem(problem(400, "malformed_json"));
    return false;
  }
  if (!out.is_object()) {
    r.problem(problem(400, "malformed_json", "the body must be a JSON object"));
    return false;
  }
  return true;
}

struct HttpServer::Impl {
  std::shared_ptr<ApiContext> ctx;
  std::shared_ptr<Routes> routes = std::make_shared<Routes>();
  std::unique_ptr<Http::Endpoint> endpoint;
};

HttpServer::HttpServer(HttpSettings settings, Services services) : impl_(std::make_unique<Impl>()) {
  impl_->ctx = std::make_shared<ApiContext>(std::move(settings), services);
  add_ops_routes(*impl_->routes, *impl_->ctx);
  add_public_routes(*impl_->routes, *impl_->ctx);
  add_admin_routes(*impl_->routes, *impl_->ctx);
  add_registration_routes(*impl_->routes, *impl_->ctx);
  add_static_routes(*impl_->routes, *impl_->ctx);
  add_organiser_routes(*impl_->routes, *impl_->ctx);
  add_account_routes(*impl_->routes, *impl_->ctx);
  add_attendance_routes(*impl_->routes, *impl_->ctx);
  add_approval_routes(*impl_->routes, *impl_->ctx);
  add_invitation_routes(*impl_->routes, *impl_->ctx);
  add_series_routes(*impl_->routes, *impl_->ctx);
  add_self_service_routes(*impl_->routes, *impl_->ctx);
  add_registration_admin_routes(*impl_->routes, *impl_->ctx);
}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() {
  const auto& s = impl_->ctx->settings;
  Address addr(s.host, Port(static_cast<uint16_t>(s.port)));
  impl_->endpoint = std::make_unique<Http::Endpoint>(addr);
  // Pistache's own limit (headers + body) sits well above ours, so an over-long body reaches
  // our handler whole and gets a proper 413 problem instead of being split mid-stream.
  auto opts = Http::Endpoint::options()
                  .threads(s.threads)
                  .flags(Tcp::Options::ReuseAddr)
                  .maxRequestSize(1024 * 1024)
                  .backlog(1024)
                  .headerTimeout(std::chrono::seconds(s.request_timeout_seconds))
                  .bodyTimeout(std::chrono::seconds(s.request_timeout_seconds));
  impl_->endpoint->init(opts);
  impl_->endpoint->setHandler(Http::make_handler<PistacheHandler>(impl_->ctx, impl_->routes));
  impl_->endpoint->serveThreaded();
}

int HttpServer::port() const {
  return impl_->endpoint ? static_cast<uint16_t>(impl_->endpoint->getPort()) : 0;
}

void HttpServer::drain(std::chrono::milliseconds limit) {
  auto& ctx = *impl_->ctx;
  ctx.draining = true;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  auto left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::max<
        std::chrono::steady_clock::duration>(deadline - std::chrono::steady_clock::now(),
                                             std::chrono::milliseconds(0)));
  };
  if (!ctx.in_flight->wait_for_earlier(limit))
    std::fprintf(stderr, "stopping: requests still unanswered after %lld ms\n",
                 static_cast<long long>(limit.count()));
  // A moment more of 503s for whoever is still sending (a proxy's next health check sees
  // /readyz fail), then whatever those turned-away requests wrote is out too.
  auto linger = std::min<std::chrono::steady_clock::duration>(std::chrono::milliseconds(500),
                                                              left());
  if (linger > linger.zero()) std::this_thread::sleep_for(linger);
  ctx.in_flight->wait_for_earlier(left());
}

void HttpServer::stop() {
  if (impl_->endpoint) {
    impl_->endpoint->shutdown();
    impl_->endpoint.reset();
  }
  impl_->ctx->blocking.stop();
}

}  // namespace regdesk::http
