#include "app/commands.hpp"

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>
#include <nlohmann/json.hpp>

#include "app/config.hpp"
#include "codec/event_document.hpp"
#include "domain/time.hpp"
#include "http/admin_auth.hpp"
#include "http/server.hpp"
#include "store/connection_pool.hpp"
#include "store/event_store.hpp"
#include "store/group_admission.hpp"
#include "mail/outbox_worker.hpp"
#include "store/migrations.hpp"
#include "store/outbox_store.hpp"
#include "store/registration_store.hpp"
#include "store/seat_ledger.hpp"

namespace regdesk::app {

namespace {

std::unique_ptr<Clock> make_clock(const Config& c) {
  if (c.rehearsal_start) return std::make_unique<RehearsalClock>(*c.rehearsal_start);
  return std::make_unique<SystemClock>();
}

int cmd_migrate(const Config& config) {
  store::ConnectionPool pool(config.database);
  auto report = store::migrate(pool);
  for (const auto& name : report.applied) std::cout << "applied " << name << "\n";
  std::cout << "schema at version " << report.current_version << "\n";
  return 0;
}

int cmd_import(const Config& config, const std::vector<std::string>& files) {
  store::ConnectionPool pool(config.database);
  store::EventStore events(pool);
  auto clock = make_clock(config);
  int failures = 0;
  for (const auto& file : files) {
    std::ifstream in(file);
    if (!in) {
      std::cerr << file << ": cannot read\n";
      ++failures;
      continue;
    }
    auto doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded()) {
      std::cerr << file << ": not valid JSON\n";
      ++failures;
      continue;
    }
    auto parsed = codec::parse_event_document(doc);
    if (!parsed.event) {
      for (const auto& p : parsed.problems) std::cerr << file << ": " << p.key << ": " << p.message << "\n";
      ++failures;
      continue;
    }
    auto result = events.upsert(*parsed.event, clock->now());
    switch (result.outcome) {
      case store::UpsertOutcome::kCreated:
        std::cout << "created " << parsed.event->slug << "\n";
        break;
      case store::UpsertOutcome::kUpdated:
        std::cout << "updated " << parsed.event->slug
                  << (result.promoted ? " (" + std::to_string(result.promoted) + " promoted)" : "")
                  << "\n";
        break;
      case store::UpsertOutcome::kCapacityBelowConfirmed:
        std::cerr << file << ": capacity " << parsed.event->capacity << " is below the "
                  << result.confirmed << " confirmed registrations; not changed\n";
        ++failures;
        break;
    }
  }
  return failures ? 1 : 0;
}

// Blocks SIGINT/SIGTERM in every thread started after this; the caller waits with sigwait.
sigset_t block_stop_signals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return stop_signals;
}

int wait_for_stop_signal(const sigset_t& stop_signals) {
  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::cout << "stopping (signal " << sig << ")" << std::endl;
  return sig;
}

int cmd_worker(const Config& config) {
  sigset_t stop_signals = block_stop_signals();
  auto clock = make_clock(config);
  store::ConnectionPool pool(config.database);
  store::OutboxStore outbox(pool);
  mail::OutboxWorker worker(config.mail, outbox, *clock);
  std::thread thread([&] { worker.run(); });
  std::cout << "mail worker running (smtp " << config.mail.smtp.url << ")" << std::endl;
  wait_for_stop_signal(stop_signals);
  worker.stop();  // finishes the rows it has claimed
  thread.join();
  return 0;
}

int cmd_serve(const Config& config) {
  sigset_t stop_signals = block_stop_signals();

  auto clock = make_clock(config);
  store::ConnectionPool pool(config.database);
  try {
    int version = store::schema_version(pool);
    if (version < store::latest_schema_version()) {
      std::cerr << "the database schema is at version " << version << ", this build needs "
                << store::latest_schema_version() << ": run `regdesk migrate` first\n";
      return 1;
    }
  } catch (const store::DatabaseUnavailable& e) {
    // Start anyway: /readyz says not ready, and everything recovers when the database returns.
    std::cerr << "warning: database not reachable at start (" << e.what() << ")\n";
  }
  store::EventStore events(pool);
  store::SeatLedger ledger(pool);
  store::GroupAdmission admission(ledger);
  store::RegistrationStore registrations(pool);
  store::OutboxStore outbox(pool);
  http::HttpServer server(config.http,
                          http::Services{*clock, pool, events, admission, registrations, outbox});
  server.start();
  std::unique_ptr<mail::OutboxWorker> worker;
  std::thread worker_thread;
  if (config.run_worker) {
    worker = std::make_unique<mail::OutboxWorker>(config.mail, outbox, *clock);
    worker_thread = std::thread([&] { worker->run(); });
  }
  std::cout << "listening on http://" << config.http.host << ":" << server.port() << std::endl;
  if (config.rehearsal_start)
    std::cout << "rehearsal clock: started as if it were " << format_utc(clock->now()) << std::endl;

  wait_for_stop_signal(stop_signals);
  server.stop();      // no new requests
  admission.stop();   // answer what is queued
  if (worker) {
    worker->stop();
    worker_thread.join();
  }
  return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"regdesk: registration for symposia and online events"};
  app.require_subcommand(1);
  std::string config_path = "config/regdesk.json";
  auto* config_opt = app.add_option("--config", config_path, "configuration file")->capture_default_str();

  auto* serve = app.add_subcommand("serve", "serve the HTTP API and pages");
  auto* worker = app.add_subcommand("worker", "send mail from the outbox (serve runs one too)");
  auto* migrate = app.add_subcommand("migrate", "apply database migrations (idempotent)");
  auto* events = app.add_subcommand("events", "manage events");
  events->require_subcommand(1);
  std::vector<std::string> files;
  auto* import = events->add_subcommand("import", "create or replace events from event files");
  import->add_option("FILE", files, "event files (config/events/*.json)")->required()->check(CLI::ExistingFile);
  auto* admin = app.add_subcommand("admin", "organiser helpers");
  admin->require_subcommand(1);
  std::string token;
  auto* hash = admin->add_subcommand("hash-token", "print the SHA-256 of a token for admin.token_sha256");
  hash->add_option("TOKEN", token, "the token (read from stdin when omitted)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (*hash) {
    if (token.empty()) std::getline(std::cin, token);
    std::cout << http::sha256_hex(token) << "\n";
    return 0;
  }

  try {
    Config config = load_config(config_path, config_opt->count() == 0, process_environment());
    store::init_driver();
    mail::init_curl();
    if (*serve) return cmd_serve(config);
    if (*worker) return cmd_worker(config);
    if (*migrate) return cmd_migrate(config);
    if (*import) return cmd_import(config, files);
  } catch (const ConfigError& e) {
    std::cerr << "configuration error: " << e.what() << "\n";
    return 2;
  } catch (const store::DatabaseUnavailable& e) {
    std::cerr << "database unavailable: " << e.what() << "\n";
    return 3;
  }
  return 0;
}

}  // namespace regdesk::app
