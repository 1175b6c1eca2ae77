#pragma once
// Service configuration: config/regdesk.json, overridden by the REGDESK_* environment
// variables of API.md, validated at start-up. An unknown or ill-typed key stops the start
// with a message naming it.

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "http/server.hpp"
#include "mail/outbox_worker.hpp"
#include "store/db_settings.hpp"

namespace regdesk::app {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Config {
  http::HttpSettings http;
  store::DbSettings database;
  mail::WorkerSettings mail;               // SMTP, sender, pacing, lease
  bool run_worker = true;                  // `serve` runs a mail worker thread unless this is false
  std::optional<Instant> rehearsal_start;  // REGDESK_NOW
  int purge_after_days = 90;  // `regdesk purge` anonymises events that ended this long ago
};

using Environment = std::function<std::optional<std::string>(const std::string&)>;
Environment process_environment();

// Reads `path` (a missing file is fine when `path_was_defaulted`), then the environment.
Config load_config(const std::string& path, bool path_was_defaulted, const Environment& env);

}  // namespace regdesk::app
