// db_ceiling (bench/run.sh): what MariaDB alone can admit on this machine. No HTTP and no
// `regdesk serve`: two writer threads call the store's own SeatLedger::admit, so every batch is
// exactly the SQL a sign-up batch sends (lock the event's ledger row, one multi-row INSERT of
// registrations (their confirmations owed by the rows), the ledger UPDATE, a durable COMMIT),
// with the rows, indexes and batch size regdesk reached. The two writers pipeline as
// GroupAdmission's do: one waits on the ledger row while the other's commit is flushed.
//
//   db_ceiling --db-url URL --slug EVENT --batch N --seconds S [--writers 2] [--db-pid PID]
//              [--tag WORD]
//   db_ceiling --db-url URL --slug EVENT --batch N --rows R ...   (bench/growth.sh: fills the
//              event with R more registrations, as fast as the database takes them)
//   --queue 1: a third thread queues the owed confirmations as the mail worker does (every
//              250 ms, and once more at the end), so db_cpu counts that part of a sign-up too;
//              what was owed before the run is queued first, outside the measurement, and
//              MariaDB is let go quiet before it starts.
//
// Prints one line: "DBCEILING rows=.. seconds=.. rows_per_s=.. batches=.. db_cpu_s=..
// db_cpu_us_per_row=.. client_cpu_s=..". Addresses are "<TAG>-w<writer>-<n>@db.example.jp".

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "domain/time.hpp"
#include "store/connection_pool.hpp"
#include "store/db_settings.hpp"
#include "store/event_store.hpp"
#include "store/outbox_store.hpp"
#include "store/seat_ledger.hpp"

using namespace regdesk;

namespace {

struct Options {
  std::string db_url, slug, tag = "dbc";
  size_t batch = 0;
  double seconds = 0;
  unsigned long long rows = 0;  // stop after this many instead of after `seconds`
  int writers = 2;
  long db_pid = 0;
  bool queue = false;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--db-url") o.db_url = v;
    else if (k == "--slug") o.slug = v;
    else if (k == "--tag") o.tag = v;
    else if (k == "--batch") o.batch = std::stoul(v);
    else if (k == "--seconds") o.seconds = std::stod(v);
    else if (k == "--rows") o.rows = std::stoull(v);
    else if (k == "--writers") o.writers = std::stoi(v);
    else if (k == "--db-pid") o.db_pid = std::stol(v);
    else if (k == "--queue") o.queue = v == "1";
    else throw std::invalid_argument("unknown option " + k);
  }
  if (o.db_url.empty() || o.slug.empty() || o.batch == 0 || o.batch > 500 || o.writers < 1 ||
      (o.seconds > 0) == (o.rows > 0))
    throw std::invalid_argument(
        "usage: db_ceiling --db-url URL --slug EVENT --batch 1..500 (--seconds S | --rows R)"
        " [--writers N] [--db-pid PID] [--tag WORD] [--queue 1]");
  return o;
}

// utime + stime of a process, in seconds (fields 14 and 15 of /proc/PID/stat).
double process_cpu_seconds(long pid) {
  if (pid <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream rest(all.substr(all.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Until MariaDB uses under 5 % of a core over half a second (at most 30 s): the background
// work (page flushing, purge) of what came before is then mostly done.
void wait_until_quiet(long pid) {
  if (pid <= 0) return;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < give_up) {
    const double before = process_cpu_seconds(pid);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    if (process_cpu_seconds(pid) - before < 0.025) return;
  }
}

double own_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// The applicant bench/signup.lua's body becomes once validated.
store::SignupRequest request(const std::string& email, Instant at) {
  store::SignupRequest r;
  r.applicant.name = "ベンチ 太郎";
  r.applicant.name_kana = "ベンチ タロウ";
  r.applicant.email = email;
  r.applicant.email_key = email;  // already lower case
  r.applicant.organization = "ベンチマーク株式会社";
  r.applicant.department = "性能評価部";
  r.applicant.category = Category::kIndustry;
  r.applicant.locale = "ja";
  r.received_at = at;
  return r;
}

}  // namespace

int main(int argc, char** argv) try {
  Options o = parse(argc, argv);
  std::string error;
  auto settings = store::parse_db_url(o.db_url, error);
  if (!settings) throw std::invalid_argument(error);
  settings->pool_size = static_cast<size_t>(o.writers) + 2;
  store::ConnectionPool pool(*settings);
  store::EventStore events(pool);
  auto event = events.find(o.slug);
  if (!event) throw std::invalid_argument("no event " + o.slug);
  store::SeatLedger ledger(pool);
  const Instant at = *parse_rfc3339("2030-03-01T10:00:00+09:00");  // bench/run.sh's REGDESK_NOW

  std::atomic<bool> stop{false};
  std::atomic<unsigned long long> rows{0}, batches{0}, refused{0}, claimed{0};
  auto writer = [&](int w) {
    unsigned long long n = 0;
    while (!stop.load()) {
      size_t size = o.batch;
      if (o.rows > 0) {  // claim this batch's rows, so the writers stop at exactly o.rows
        unsigned long long before = claimed.fetch_add(size);
        if (before >= o.rows) break;
        size = static_cast<size_t>(std::min<unsigned long long>(size, o.rows - before));
      }
      std::vector<store::SignupRequest> batch;
      batch.reserve(size);
      for (size_t i = 0; i < size; ++i)
        batch.push_back(request(o.tag + "-w" + std::to_string(w) + "-" + std::to_string(n++) +
                                    "@db.example.jp",
                                at));
      auto result = ledger.admit(event->id, batch);
      for (const auto& r : result.results)
        (r.outcome == store::SignupOutcome::kConfirmed ? rows : refused)++;
      ++batches;
    }
  };

  store::OutboxStore outbox(pool);
  // What earlier runs (and regdesk's own sign-ups, its worker off) left owed is queued first,
  // outside the measurement: the figure is the queuing of this run's rows only.
  if (o.queue) {
    outbox.queue_owed_confirmations(at);
    wait_until_quiet(o.db_pid);  // its page flushing and purge are not this run's either
  }
  const double db0 = process_cpu_seconds(o.db_pid), me0 = own_cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < o.writers; ++w) threads.emplace_back(writer, w);
  std::atomic<bool> writing{true};
  std::atomic<unsigned long long> queued{0};
  std::thread queuing;
  if (o.queue)
    queuing = std::thread([&] {
      while (writing.load()) {
        queued += static_cast<unsigned long long>(outbox.queue_owed_confirmations(at));
        std::this_thread::sleep_for(std::chrono::milliseconds(250));  // the worker's idle poll
      }
    });
  if (o.seconds > 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
    stop = true;
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (o.queue) {
    writing = false;
    queuing.join();
    queued += static_cast<unsigned long long>(outbox.queue_owed_confirmations(at));
  }
  const double db_cpu = process_cpu_seconds(o.db_pid) - db0, me = own_cpu_seconds() - me0;
  if (refused.load() != 0) {
    std::fprintf(stderr, "db_ceiling: %llu sign-ups were not confirmed\n", refused.load());
    return 1;
  }
  std::printf(
      "DBCEILING rows=%llu seconds=%.3f rows_per_s=%.0f batches=%llu db_cpu_s=%.2f"
      " db_cpu_us_per_row=%.1f client_cpu_s=%.2f queued=%llu\n",
      rows.load(), elapsed, static_cast<double>(rows.load()) / elapsed, batches.load(), db_cpu,
      rows.load() ? db_cpu * 1e6 / static_cast<double>(rows.load()) : 0.0, me, queued.load());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "db_ceiling: %s\n", e.what());
  return 2;
}
