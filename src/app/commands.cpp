#include "app/commands.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/config.hpp"
#include "auth/password.hpp"
#include "domain/admission.hpp"
#include "auth/secrets.hpp"
#include "auth/totp.hpp"
#include "codec/attendance_report.hpp"
#include "codec/event_document.hpp"
#include "domain/signup.hpp"
#include "domain/time.hpp"
#include "export/registration_export.hpp"
#include "http/health_agent.hpp"
#include "http/server.hpp"
#include "mail/outbox_worker.hpp"
#include "store/account_store.hpp"
#include "store/approval_store.hpp"
#include "store/invitation_store.hpp"
#include "store/attendance_store.hpp"
#include "store/audit_log.hpp"
#include "store/connection_pool.hpp"
#include "store/event_store.hpp"
#include "store/group_admission.hpp"
#include "store/migrations.hpp"
#include "store/node_state.hpp"
#include "store/organiser_store.hpp"
#include "store/outbox_store.hpp"
#include "store/registration_changes.hpp"
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
      for (const auto& p : parsed.problems)
        std::cerr << file << ": " << p.key << ": " << p.message << "\n";
      ++failures;
      continue;
    }
    auto result = events.upsert(
        *parsed.event, clock->now(),
        store::AuditEntry{clock->now(), "cli", "event_changed", parsed.event->slug, "", "", ""});
    switch (result.outcome) {
      case store::UpsertOutcome::kCreated:
        std::cout << "created " << parsed.event->slug << "\n";
        break;
      case store::UpsertOutcome::kUpdated:
        std::cout << "updated " << parsed.event->slug
                  << (result.promoted ? " (" + std::to_string(result.promoted) + " promoted)" : "")
                  << "\n";
        break;
      case store::UpsertOutcome::kConditionFailed:  // no condition is asked for here
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
  worker.stop();  // gives back the rows it has claimed and not sent
  thread.join();
  return 0;
}

// The same import as the dashboard's upload: prints what matched and who did not.
int cmd_attendance_import(const Config& config, const std::string& slug, const std::string& file,
                          const Clock& clock) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << file << "\n";
    return 1;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  store::ConnectionPool pool(config.database);
  store::EventStore events(pool);
  auto event = events.find(slug);
  if (!event) {
    std::cerr << "no event '" << slug << "'\n";
    return 1;
  }
  auto report = codec::parse_attendance_report(bytes, event->event.timezone);
  if (!report) {
    std::cerr << file << ": not an attendance report regdesk reads (" << report.error().code << ": "
              << report.error().detail << ")\n";
    return 1;
  }
  store::AttendanceStore attendance(pool);
  auto result = attendance.import(
      event->id, std::string(codec::tool_name(report->tool)), auth::sha256_hex(bytes),
      store::reported_sessions(*report), clock.now(),
      store::AuditEntry{clock.now(), "cli", "attendance_imported", slug, file, "", ""});
  std::cout << codec::tool_name(report->tool) << " report: " << result.rows << " rows, "
            << result.matched << " matched to " << result.registrations << " registrations, "
            << result.new_sessions << " new sessions, " << result.unmatched.size()
            << " unmatched\n";
  for (const auto& u : result.unmatched)
    std::cout << "  unmatched: " << (u.email.empty() ? "(no address)" : u.email) << "  " << u.name
              << "\n";
  return 0;
}

int cmd_export(const Config& config, const std::string& slug, const std::string& format,
               const std::string& encoding, const std::string& status) {
  store::ConnectionPool pool(config.database);
  store::EventStore events(pool);
  store::OrganiserStore organiser(pool);
  auto event = events.find(slug);
  if (!event) {
    std::cerr << "no event '" << slug << "'\n";
    return 1;
  }
  auto f = format == "csv"    ? exporting::Format::kCsv
           : format == "xlsx" ? exporting::Format::kXlsx
                              : exporting::Format::kJson;
  auto e = encoding == "cp932" ? exporting::Encoding::kCp932 : exporting::Encoding::kUtf8;
  // .xlsx is a zip file and needs a real file; CSV and JSON stream straight to stdout.
  std::string xlsx_path;
  if (f == exporting::Format::kXlsx) {
    char path[] = "/tmp/regdesk-export-XXXXXX";
    int fd = ::mkstemp(path);
    if (fd < 0) throw std::runtime_error("cannot create a temporary file");
    ::close(fd);
    xlsx_path = path;
  }
  auto writer = exporting::make_writer(f, e, event->event, &std::cout, xlsx_path);
  std::vector<std::string> statuses;
  if (!status.empty()) statuses.push_back(status);
  size_t rows = 0;
  organiser.for_each_registration(event->id, statuses, [&](const store::RegistrationRow& r) {
    writer->row(r);
    ++rows;
  });
  writer->finish();
  if (!xlsx_path.empty()) {
    std::ifstream in(xlsx_path, std::ios::binary);
    std::cout << in.rdbuf();
    std::cout.flush();
    ::unlink(xlsx_path.c_str());
  }
  std::cerr << "exported " << rows << " registrations";
  if (writer->replaced_characters())
    std::cerr << "; " << writer->replaced_characters()
              << " characters CP932 lacks were replaced by 〓";
  std::cerr << "\n";
  return 0;
}

int cmd_purge(const Config& config, const std::string& slug, int days) {
  store::ConnectionPool pool(config.database);
  store::EventStore events(pool);
  store::OrganiserStore organiser(pool);
  auto clock = make_clock(config);
  std::vector<std::pair<long long, std::string>> due;
  if (!slug.empty()) {
    auto event = events.find(slug);
    if (!event) {
      std::cerr << "no event '" << slug << "'\n";
      return 1;
    }
    due.emplace_back(event->id, slug);
  } else {
    due = organiser.events_due_for_purge(clock->now() - std::chrono::hours(24) * days);
  }
  for (const auto& [id, name] : due) {
    auto event = events.find(name);
    int rows = organiser.purge(
        id, event ? event->event.questions : std::vector<Question>{}, clock->now(),
        store::AuditEntry{clock->now(), "cli", "personal_data_purged", name, "", "", ""});
    std::cout << "purged the personal data of " << rows << " registrations of " << name << "\n";
  }
  if (due.empty())
    std::cout << "nothing to purge (events that ended over " << days << " days ago)\n";
  return 0;
}

struct AddUserOptions {
  std::string email, role = "editor", events;
  bool totp = false;
};

// The password is one line on stdin, so it never shows in `ps` or the shell's history.
int cmd_add_user(const Config& config, const AddUserOptions& o) {
  std::string email = normalize_email(o.email);
  if (!is_valid_email(email)) {
    std::cerr << "'" << o.email << "' is not an e-mail address\n";
    return 1;
  }
  auto events = split_slugs(o.events);
  for (const auto& s : events)
    if (!valid_slug(s)) {
      std::cerr << "'" << s << "' is not an event slug\n";
      return 1;
    }
  if (isatty(STDIN_FILENO)) std::cerr << "password (one line, at least 12 characters): ";
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.size() < 12) {
    std::cerr << "the password must be at least 12 characters\n";
    return 1;
  }
  store::NewUser user{email, *role_from(o.role), events, auth::hash_password(password),
                      o.totp ? auth::new_totp_secret() : ""};
  store::ConnectionPool pool(config.database);
  store::AccountStore accounts(pool);
  auto clock = make_clock(config);
  auto id = accounts.add_user(
      user, clock->now(),
      store::AuditEntry{
          clock->now(), "cli", "user_changed", "", email, "",
          nlohmann::json{{"added", true}, {"role", o.role}, {"events", events}}.dump()});
  if (!id) {
    std::cerr << email << " has an account already\n";
    return 1;
  }
  std::cout << "added " << email << " (" << o.role << ", "
            << (events.empty() ? std::string("every event") : join_slugs(events)) << ")\n";
  if (o.totp)
    std::cout << "TOTP secret " << user.totp_secret << "\n"
              << auth::totp_uri("regdesk", email, user.totp_secret) << "\n";
  return 0;
}

int cmd_list_users(const Config& config) {
  store::ConnectionPool pool(config.database);
  store::AccountStore accounts(pool);
  for (const auto& u : accounts.users())
    std::cout << u.id << "\t" << u.email << "\t" << role_name(u.role) << "\t"
              << (u.events.empty() ? std::string("*") : join_slugs(u.events)) << "\t"
              << (u.totp_secret.empty() ? "password" : "password+totp")
              << (u.disabled ? "\tdisabled" : "") << "\n";
  return 0;
}

// haproxy's health check of one Galera node: 200 while the node REGDESK_DB_URL names is
// Synced, ready and Primary, 503 otherwise (a donor, a joiner, the minority of a partition).
int cmd_cluster_check(const Config& config, const std::string& listen) {
  sigset_t stop_signals = block_stop_signals();
  auto colon = listen.rfind(':');
  int port = colon == std::string::npos ? -1 : std::atoi(listen.c_str() + colon + 1);
  if (port < 0 || port > 65535) {
    std::cerr << "--listen wants HOST:PORT, not '" << listen << "'\n";
    return 2;
  }
  store::DbSettings db = config.database;
  db.pool_size = 2;
  store::ConnectionPool pool(db);
  http::HealthAgent agent(listen.substr(0, colon), port, [&pool] {
    try {
      std::string why;
      bool fit = store::fit_for_traffic(store::node_state(pool), why);
      return std::make_pair(fit ? 200 : 503, why);
    } catch (const std::exception& e) {
      return std::make_pair(503, std::string("node unreachable: ") + e.what());
    }
  });
  agent.start();
  std::cout << "cluster-check listening on http://" << listen.substr(0, colon) << ":"
            << agent.port() << std::endl;
  wait_for_stop_signal(stop_signals);
  agent.stop();
  return 0;
}

int cmd_serve(const Config& config) {
  sigset_t stop_signals = block_stop_signals();

  auto clock = make_clock(config);
  store::ConnectionPool pool(config.database);
  try {
    int version = store::schema_version(pool, store::SchemaRead::kCausal);
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
  store::OrganiserStore organiser(pool);
  store::AccountStore accounts(pool);
  store::AuditLog audit(pool);
  store::AttendanceStore attendance(pool);
  store::ApprovalStore approvals(pool);
  store::InvitationStore invitations(pool);
  store::RegistrationChanges changes(pool);
  http::HttpServer server(
      config.http, http::Services{*clock, pool, events, admission, registrations, outbox, organiser,
                                  accounts, audit, attendance, approvals, invitations,
                                  changes});
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
  // Graceful: new requests get 503 and everything already read is answered (the admission
  // queue keeps running meanwhile), then the listener closes. systemd's TimeoutStopSec (30 s)
  // leaves room for this bound.
  server.drain(std::chrono::seconds(20));
  server.stop();
  admission.stop();  // nothing is queued any more
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
  auto* config_opt =
      app.add_option("--config", config_path, "configuration file")->capture_default_str();

  auto* serve = app.add_subcommand("serve", "serve the HTTP API and pages");
  auto* worker = app.add_subcommand("worker", "send mail from the outbox (serve runs one too)");
  auto* migrate = app.add_subcommand("migrate", "apply database migrations (idempotent)");
  auto* events = app.add_subcommand("events", "manage events");
  events->require_subcommand(1);
  std::vector<std::string> files;
  auto* import = events->add_subcommand("import", "create or replace events from event files");
  import->add_option("FILE", files, "event files (config/events/*.json)")
      ->required()
      ->check(CLI::ExistingFile);
  std::string export_event, export_format = "csv", export_encoding = "utf-8", export_status;
  auto* exp = app.add_subcommand("export", "write an event's attendee list to stdout");
  exp->add_option("--event", export_event, "event slug")->required();
  exp->add_option("--format", export_format, "csv, xlsx or json")
      ->check(CLI::IsMember({"csv", "xlsx", "json"}))
      ->capture_default_str();
  exp->add_option("--encoding", export_encoding, "CSV encoding: utf-8 (with BOM) or cp932")
      ->check(CLI::IsMember({"utf-8", "cp932"}))
      ->capture_default_str();
  exp->add_option("--status", export_status,
                  "only confirmed, waitlisted, pending, declined or cancelled")
      ->check(CLI::IsMember(std::vector<std::string>(kRegistrationStatuses.begin(),
                                                      kRegistrationStatuses.end())));
  std::string attendance_event, attendance_file;
  auto* attendance = app.add_subcommand("attendance", "attendance after the event");
  attendance->require_subcommand(1);
  auto* attendance_import = attendance->add_subcommand(
      "import", "read a Zoom, Webex or Teams attendance report into an event's registrations");
  attendance_import->add_option("--event", attendance_event, "event slug")->required();
  attendance_import->add_option("FILE", attendance_file, "the report as the tool exported it")
      ->required();
  std::string purge_event;
  int purge_days = -1;
  auto* purge = app.add_subcommand(
      "purge", "anonymise personal data of events that ended retention.purge_after_days ago");
  purge->add_option("--event", purge_event, "purge this event now, whenever it ended");
  purge->add_option("--days", purge_days, "override retention.purge_after_days")
      ->check(CLI::NonNegativeNumber);
  auto* admin = app.add_subcommand("admin", "organiser helpers");
  admin->require_subcommand(1);
  std::string token;
  auto* hash =
      admin->add_subcommand("hash-token", "print the SHA-256 of a token for admin.token_sha256");
  hash->add_option("TOKEN", token, "the token (read from stdin when omitted)");
  AddUserOptions new_user;
  auto* add_user = admin->add_subcommand(
      "add-user", "add an organiser account; the password is read as one line from stdin");
  add_user->add_option("EMAIL", new_user.email, "the organiser's e-mail address")->required();
  add_user->add_option("--role", new_user.role, "owner, editor or viewer")
      ->check(CLI::IsMember({"owner", "editor", "viewer"}))
      ->capture_default_str();
  add_user->add_option("--events", new_user.events, "event slugs, comma-separated (default: all)");
  add_user->add_flag("--totp", new_user.totp, "require a TOTP code; prints the secret to enrol");
  auto* list_users = admin->add_subcommand("list-users", "list organiser accounts");
  std::string check_listen = "127.0.0.1:9200";
  auto* cluster_check = app.add_subcommand(
      "cluster-check", "health agent for haproxy: 200 while the local Galera node is Synced");
  cluster_check->add_option("--listen", check_listen, "HOST:PORT to answer on (PORT 0: any)")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (*hash) {
    if (token.empty()) std::getline(std::cin, token);
    std::cout << auth::sha256_hex(token) << "\n";
    return 0;
  }

  try {
    Config config = load_config(config_path, config_opt->count() == 0, process_environment());
    store::init_driver();
    mail::init_curl();
    if (*serve) return cmd_serve(config);
    if (*worker) return cmd_worker(config);
    if (*migrate) return cmd_migrate(config);
    if (*add_user) return cmd_add_user(config, new_user);
    if (*cluster_check) return cmd_cluster_check(config, check_listen);
    if (*list_users) return cmd_list_users(config);
    if (*import) return cmd_import(config, files);
    if (*attendance_import) {
      auto clock = make_clock(config);
      return cmd_attendance_import(config, attendance_event, attendance_file, *clock);
    }
    if (*exp)
      return cmd_export(config, export_event, export_format, export_encoding, export_status);
    if (*purge)
      return cmd_purge(config, purge_event, purge_days >= 0 ? purge_days : config.purge_after_days);
  } catch (const ConfigError& e) {
    std::cerr << "configuration error: " << e.what() << "\n";
    return 2;
  } catch (const store::DatabaseUnavailable& e) {
    std::cerr << "database unavailable: " << e.what() << "\n";
    return 3;
  } catch (const std::runtime_error& e) {
    // What a deployment got wrong (a page template missing, a port taken): said, not aborted.
    std::cerr << "regdesk: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace regdesk::app
