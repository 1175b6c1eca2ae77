#include "app/config.hpp"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "domain/time.hpp"
#include "auth/secrets.hpp"

namespace regdesk::app {

using nlohmann::json;

namespace {

// Reads one object strictly: each key must be read, and read with the right type.
class Section {
 public:
  Section(const json& obj, std::string path) : obj_(obj), path_(std::move(path)) {
    if (!obj_.is_object()) throw ConfigError(where("") + " must be an object");
  }
  ~Section() noexcept(false) {
    if (std::uncaught_exceptions()) return;
    for (auto it = obj_.begin(); it != obj_.end(); ++it)
      if (!seen_.count(it.key()))
        throw ConfigError("unknown configuration key '" + where(it.key()) + "'");
  }
  std::string where(const std::string& k) const { return path_.empty() ? k : path_ + "." + k; }
  const json* get(const std::string& k) {
    seen_.insert(k);
    auto it = obj_.find(k);
    return it == obj_.end() ? nullptr : &*it;
  }
  void string(const std::string& k, std::string& out) {
    if (auto v = get(k)) {
      if (!v->is_string()) throw ConfigError("'" + where(k) + "' must be a string");
      out = v->get<std::string>();
    }
  }
  template <typename Int>
  void integer(const std::string& k, Int& out, long long min, long long max) {
    if (auto v = get(k)) {
      if (!v->is_number_integer() || v->get<long long>() < min || v->get<long long>() > max)
        throw ConfigError("'" + where(k) + "' must be an integer from " + std::to_string(min) +
                          " to " + std::to_string(max));
      out = static_cast<Int>(v->get<long long>());
    }
  }
  void boolean(const std::string& k, bool& out) {
    if (auto v = get(k)) {
      if (!v->is_boolean()) throw ConfigError("'" + where(k) + "' must be true or false");
      out = v->get<bool>();
    }
  }
  void strings(const std::string& k, std::vector<std::string>& out) {
    if (auto v = get(k)) {
      if (!v->is_array()) throw ConfigError("'" + where(k) + "' must be a list of strings");
      out.clear();
      for (const auto& s : *v) {
        if (!s.is_string()) throw ConfigError("'" + where(k) + "' must be a list of strings");
        out.push_back(s.get<std::string>());
      }
    }
  }

 private:
  const json& obj_;
  std::string path_;
  std::set<std::string> seen_;
};

void set_listen(Config& c, const std::string& listen, const std::string& source) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw ConfigError(source + " must be host:port, got '" + listen + "'");
  c.http.host = listen.substr(0, colon);
  try {
    size_t used = 0;
    int port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1 || port < 0 || port > 65535)
      throw std::out_of_range("port");
    c.http.port = port;
  } catch (const std::exception&) {
    throw ConfigError(source + " has no valid port: '" + listen + "'");
  }
}

void set_db_url(Config& c, const std::string& url, const std::string& source) {
  std::string error;
  auto parsed = store::parse_db_url(url, error);
  if (!parsed) throw ConfigError(source + ": " + error);
  parsed->pool_size = c.database.pool_size;
  parsed->connect_timeout_seconds = c.database.connect_timeout_seconds;
  c.database = *parsed;
}

void apply_file(Config& c, const json& doc) {
  Section root(doc, "");
  if (auto v = root.get("listen")) {
    if (!v->is_string()) throw ConfigError("'listen' must be a string host:port");
    set_listen(c, v->get<std::string>(), "'listen'");
  }
  root.string("public_url", c.http.public_url);
  if (auto v = root.get("database")) {
    Section db(*v, "database");
    db.integer("pool_size", c.database.pool_size, 1, 256);
    db.integer("connect_timeout_seconds", c.database.connect_timeout_seconds, 1, 60);
    std::string url;
    db.string("url", url);
    if (!url.empty()) set_db_url(c, url, "'database.url'");
  }
  if (auto v = root.get("smtp")) {
    Section smtp(*v, "smtp");
    smtp.string("url", c.mail.smtp.url);
    smtp.string("user", c.mail.smtp.user);
    smtp.boolean("require_tls", c.mail.smtp.require_tls);
    smtp.boolean("verify_peer", c.mail.smtp.verify_peer);
    smtp.string("ca_file", c.mail.smtp.ca_file);
    smtp.integer("timeout_seconds", c.mail.smtp.timeout_seconds, 1, 600);
    smtp.integer("messages_per_minute", c.mail.messages_per_minute, 0, 1000000);
  }
  if (auto v = root.get("mail")) {
    Section mail(*v, "mail");
    mail.string("from", c.mail.from);
    long long lease = c.mail.lease.count();
    mail.integer("lease_seconds", lease, 1, 86400);
    c.mail.lease = std::chrono::seconds(lease);
    long long poll = c.mail.idle_poll.count();
    mail.integer("poll_milliseconds", poll, 10, 60000);
    c.mail.idle_poll = std::chrono::milliseconds(poll);
    mail.integer("batch_size", c.mail.batch_size, 1, 1000);
  }
  if (auto v = root.get("admin")) {
    Section admin(*v, "admin");
    admin.strings("token_sha256", c.http.admin_token_hashes);
    for (const auto& h : c.http.admin_token_hashes)
      if (h.size() != 64 || h.find_first_not_of("0123456789abcdef") != std::string::npos)
        throw ConfigError(
            "'admin.token_sha256' entries must be 64 lower-case hex digits "
            "(regdesk admin hash-token prints one)");
    long long idle = c.http.sessions.idle.count(), absolute = c.http.sessions.absolute.count();
    admin.integer("session_idle_minutes", idle, 1, 24 * 60);
    admin.integer("session_absolute_hours", absolute, 1, 7 * 24);
    c.http.sessions = {std::chrono::minutes(idle), std::chrono::hours(absolute)};
    admin.boolean("require_totp", c.http.require_totp_for_owners);
  }
  if (auto v = root.get("http")) {
    Section http(*v, "http");
    http.integer("threads", c.http.threads, 1, 64);
    http.integer("blocking_threads", c.http.blocking_threads, 1, 256);
    http.integer("max_body_bytes", c.http.max_body_bytes, 1024, 1024 * 1024 - 8192);
    http.integer("request_timeout_seconds", c.http.request_timeout_seconds, 1, 3600);
    http.strings("trusted_proxies", c.http.trusted_proxies);
    http.string("web_root", c.http.web_root);
    http.integer("signups_per_minute_per_client", c.http.signups_per_minute_per_client, 0, 1000000);
  }
  if (auto v = root.get("retention")) {
    Section retention(*v, "retention");
    retention.integer("purge_after_days", c.purge_after_days, 0, 3650);
  }
  if (auto v = root.get("worker")) {
    Section worker(*v, "worker");
    worker.boolean("enabled", c.run_worker);
  }
}

}  // namespace

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

Config load_config(const std::string& path, bool path_was_defaulted, const Environment& env) {
  Config c;
  std::ifstream in(path);
  if (in) {
    json doc = json::parse(in, nullptr, false);
    if (doc.is_discarded()) throw ConfigError(path + " is not valid JSON");
    try {
      apply_file(c, doc);
    } catch (const ConfigError& e) {
      throw ConfigError(path + ": " + e.what());
    }
  } else if (!path_was_defaulted) {
    throw ConfigError("cannot read the configuration file " + path);
  }

  if (auto v = env("REGDESK_LISTEN")) set_listen(c, *v, "REGDESK_LISTEN");
  if (auto v = env("REGDESK_DB_URL")) set_db_url(c, *v, "REGDESK_DB_URL");
  if (auto v = env("REGDESK_SMTP_URL")) c.mail.smtp.url = *v;
  if (auto v = env("REGDESK_SMTP_USER")) c.mail.smtp.user = *v;
  if (auto v = env("REGDESK_SMTP_PASSWORD")) c.mail.smtp.password = *v;
  if (auto v = env("REGDESK_MAIL_FROM")) c.mail.from = *v;
  if (auto v = env("REGDESK_PUBLIC_URL")) c.http.public_url = *v;
  if (auto v = env("REGDESK_WEB_ROOT")) c.http.web_root = *v;
  if (auto v = env("REGDESK_ADMIN_TOKEN"); v && !v->empty())
    c.http.admin_token_hashes.push_back(auth::sha256_hex(*v));
  if (auto v = env("REGDESK_RATE_LIMIT")) {
    try {
      size_t used = 0;
      int n = std::stoi(*v, &used);
      if (used != v->size() || n < 0) throw std::invalid_argument("rate");
      c.http.signups_per_minute_per_client = n;
    } catch (const std::exception&) {
      throw ConfigError(
          "REGDESK_RATE_LIMIT must be a whole number of sign-ups per minute (0: off)");
    }
  }
  if (auto v = env("REGDESK_NOW"); v && !v->empty()) {
    c.rehearsal_start = parse_rfc3339(*v);
    if (!c.rehearsal_start)
      throw ConfigError("REGDESK_NOW must be an RFC 3339 instant, e.g. 2024-01-15T10:00:00+09:00");
  }
  c.mail.public_url = c.http.public_url;
  if (c.mail.from.empty()) c.mail.from = "regdesk <no-reply@regdesk.invalid>";
  if (c.database.user.empty())
    throw ConfigError("no database configured: set REGDESK_DB_URL or database.url");
  // A claim must outlast at least two sends, or the worker would claim and give back forever.
  if (c.mail.lease < 2 * c.mail.longest_send())
    throw ConfigError("'mail.lease_seconds' must be at least " +
                      std::to_string(2 * c.mail.longest_send().count()) +
                      " (twice smtp.timeout_seconds, plus the pacing interval, plus a second)");
  return c;
}

}  // namespace regdesk::app
