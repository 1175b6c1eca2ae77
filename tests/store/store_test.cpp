// Store tests against a real MariaDB (the one ops/test starts; REGDESK_TEST_DB_URL names it).
// Each test gets a fresh database.

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <future>
#include <memory>
#include <thread>

#include "commit_cutter.hpp"
#include "domain/time.hpp"
#include "store/audit_log.hpp"
#include "store/connection_pool.hpp"
#include "store/event_store.hpp"
#include "store/group_admission.hpp"
#include "store/migrations.hpp"
#include "store/organiser_store.hpp"
#include "store/outbox_store.hpp"
#include "store/random_id.hpp"
#include "store/registration_store.hpp"
#include "store/seat_ledger.hpp"
#include "store/sql_text.hpp"

namespace regdesk::store {
namespace {

Instant at(const char* rfc3339) {
  return *parse_rfc3339(rfc3339);
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* base = std::getenv("REGDESK_TEST_DB_URL");
    ASSERT_NE(base, nullptr) << "REGDESK_TEST_DB_URL is not set: run through ops/test";
    std::string error;
    auto server = parse_db_url(base, error);
    ASSERT_TRUE(server) << error;
    static std::atomic<int> counter{0};
    db_ = "rd_store_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    {
      ConnectionPool admin(*server);
      auto c = admin.acquire();
      std::unique_ptr<sql::Statement> st(c->createStatement());
      st->execute("CREATE DATABASE " + db_ + " CHARACTER SET utf8mb4");
    }
    auto settings = *server;
    settings.database = db_;
    settings_ = settings;
    pool_ = std::make_unique<ConnectionPool>(settings);
    migrate(*pool_);
    events_ = std::make_unique<EventStore>(*pool_);
    ledger_ = std::make_unique<SeatLedger>(*pool_);
  }

  void TearDown() override {
    if (!pool_) return;
    auto c = pool_->acquire();
    std::unique_ptr<sql::Statement> st(c->createStatement());
    st->execute("DROP DATABASE " + db_);
  }

  long long create_event(int capacity, bool waitlist = false, int waitlist_capacity = 0) {
    Event e;
    e.slug = "store-test";
    e.title.ja = "テスト";
    e.starts_at = at("2024-02-28T14:00:00+09:00");
    e.ends_at = at("2024-02-28T17:00:00+09:00");
    e.opens_at = at("2024-01-15T00:00:00+09:00");
    e.closes_at = at("2024-02-22T00:00:00+09:00");
    e.capacity = capacity;
    e.waitlist_enabled = waitlist;
    e.waitlist_capacity = waitlist_capacity;
    event_ = e;
    return events_->upsert(e, at("2024-01-15T10:00:00+09:00"), by_test()).event_id;
  }

  static AuditEntry by_test(const std::string& action = "event_changed") {
    return AuditEntry{at("2024-01-15T10:00:00+09:00"), "test", action, "store-test", "", "", ""};
  }

  static SignupRequest request(const std::string& email, bool waitlist = false) {
    SignupRequest r;
    r.applicant.name = "山田 太郎";
    r.applicant.email = email;
    r.applicant.email_key = email;
    r.applicant.wants_waitlist = waitlist;
    r.received_at = at("2024-01-15T10:00:00+09:00");
    return r;
  }

  // This test's database, reached on another port (a proxy's).
  DbSettings settings_on_port(int port) const {
    DbSettings s = settings_;
    s.port = port;
    return s;
  }

  int scalar(const std::string& sql) {
    auto c = pool_->acquire();
    std::unique_ptr<sql::Statement> st(c->createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(sql));
    return rs->next() ? rs->getInt(1) : -1;
  }

  std::string db_;
  DbSettings settings_;
  std::unique_ptr<ConnectionPool> pool_;
  std::unique_ptr<EventStore> events_;
  std::unique_ptr<SeatLedger> ledger_;
  Event event_;
};

TEST_F(StoreTest, MigrateIsIdempotent) {
  EXPECT_EQ(schema_version(*pool_), latest_schema_version());
  EXPECT_TRUE(migrate(*pool_).applied.empty());
}

TEST_F(StoreTest, EventRoundTripsThroughTheDocument) {
  long long id = create_event(1000);
  auto stored = events_->find("store-test");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->id, id);
  EXPECT_EQ(stored->event.capacity, 1000);
  EXPECT_EQ(stored->event.closes_at, at("2024-02-22T00:00:00+09:00"));
  EXPECT_EQ(stored->counts.seats_remaining(), 1000);
  EXPECT_FALSE(events_->find("missing"));
}

// A series is listed from its column: public and unlisted dates in start order, drafts never,
// and a date leaves it when its document stops naming it.
TEST_F(StoreTest, ASeriesListsItsPublicAndUnlistedDatesInStartOrder) {
  auto date = [&](const std::string& slug, const std::string& starts, Visibility v) {
    Event e;
    e.slug = slug;
    e.title.ja = slug;
    e.starts_at = at(starts.c_str());
    e.ends_at = e.starts_at + std::chrono::minutes(30);
    e.opens_at = at("2024-01-15T00:00:00+09:00");
    e.closes_at = at("2024-03-01T00:00:00+09:00");
    e.capacity = 1;
    e.visibility = v;
    e.series_slug = "slots";
    return e;
  };
  auto slugs = [&] {
    std::vector<std::string> out;
    for (const auto& s : events_->list_series("slots")) out.push_back(s.event.slug);
    return out;
  };
  const Instant now = at("2024-01-15T10:00:00+09:00");
  events_->upsert(date("late", "2024-03-13T10:00:00+09:00", Visibility::kPublic), now, by_test());
  events_->upsert(date("early", "2024-03-12T10:00:00+09:00", Visibility::kUnlisted), now,
                  by_test());
  events_->upsert(date("draft", "2024-03-11T10:00:00+09:00", Visibility::kDraft), now, by_test());
  EXPECT_EQ(slugs(), (std::vector<std::string>{"early", "late"}));
  EXPECT_TRUE(events_->list_series("other").empty());

  Event leaving = date("early", "2024-03-12T10:00:00+09:00", Visibility::kUnlisted);
  leaving.series_slug.clear();
  events_->upsert(leaving, now, by_test());
  EXPECT_EQ(slugs(), (std::vector<std::string>{"late"}));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM events WHERE series_slug IS NULL"), 1);
}

TEST_F(StoreTest, OneBatchFillsTheCapExactlyInArrivalOrder) {
  long long id = create_event(3);
  std::vector<SignupRequest> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(request("p" + std::to_string(i) + "@example.jp"));
  auto result = ledger_->admit(id, batch);
  ASSERT_EQ(result.results.size(), 5u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(result.results[i].outcome, SignupOutcome::kConfirmed);
    EXPECT_EQ(result.results[i].receipt.number, i + 1);
  }
  EXPECT_EQ(result.results[3].outcome, SignupOutcome::kSoldOut);
  EXPECT_EQ(result.results[4].outcome, SignupOutcome::kSoldOut);
  EXPECT_EQ(scalar("SELECT confirmed_count FROM events"), 3);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations WHERE status = 'confirmed'"), 3);
}

TEST_F(StoreTest, DuplicatesAcrossAndWithinBatchesAreRefused) {
  long long id = create_event(10);
  ledger_->admit(id, {request("a@example.jp")});
  auto result = ledger_->admit(
      id, {request("a@example.jp"), request("b@example.jp"), request("b@example.jp")});
  EXPECT_EQ(result.results[0].outcome, SignupOutcome::kAlreadyRegistered);
  EXPECT_EQ(result.results[1].outcome, SignupOutcome::kConfirmed);
  EXPECT_EQ(result.results[2].outcome, SignupOutcome::kAlreadyRegistered);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations"), 2);
  // The batch was decided again after the unique key refused its first insert: no number lost.
  EXPECT_EQ(result.results[1].receipt.number, 2);
  EXPECT_EQ(scalar("SELECT next_number FROM events"), 3);
  EXPECT_EQ(scalar("SELECT confirmed_count FROM events"), 2);
  auto later = ledger_->admit(id, {request("c@example.jp"), request("b@example.jp")});
  EXPECT_EQ(later.results[0].receipt.number, 3);
  EXPECT_EQ(later.results[1].outcome, SignupOutcome::kAlreadyRegistered);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations WHERE confirmation_owed"), 3);
  OutboxStore outbox(*pool_);
  EXPECT_EQ(outbox.queue_owed_confirmations(at("2024-01-15T10:00:01+09:00")), 3);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox"), 3);  // one confirmation each, no more
}

// ---- A sign-up's confirmation is owed by its row and queued by the mail worker ----

TEST_F(StoreTest, AConfirmationIsOwedByTheRowAndQueuedOnceWhateverRunsIt) {
  long long id = create_event(3, true, 5);
  std::vector<SignupRequest> batch;
  for (int i = 0; i < 4; ++i) batch.push_back(request("o" + std::to_string(i) + "@example.jp", true));
  ledger_->admit(id, batch);
  // The admission wrote only the waitlisted person's mail; the three confirmations are owed.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox"), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'waitlisted'"), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations WHERE confirmation_owed"), 3);
  OutboxStore outbox(*pool_);
  EXPECT_EQ(outbox.counts_by_state(id)["queued"], 4);  // the owed ones count as queued

  const Instant now = at("2024-01-15T10:00:01+09:00");
  EXPECT_EQ(outbox.queue_owed_confirmations(now), 3);
  EXPECT_EQ(scalar("SELECT queued_below FROM confirmation_marks WHERE event_id = " +
                   std::to_string(id)),
            5);
  // Again, from another store on another pool (a second worker, or one after a restart), and
  // with the mark put back as if a crash had lost it: still one confirmation each.
  ConnectionPool other_pool(settings_);
  OutboxStore other(other_pool);
  EXPECT_EQ(other.queue_owed_confirmations(now), 0);
  in_transaction(*pool_, [&](sql::Connection& c) {
    execute_text(c, "UPDATE confirmation_marks SET queued_below = 1");
  });
  EXPECT_EQ(other.queue_owed_confirmations(now), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'confirmation'"), 3);
  EXPECT_EQ(scalar("SELECT COUNT(DISTINCT registration_public_id) FROM outbox"
                   " WHERE kind = 'confirmation'"),
            3);
  // Due when the person signed up, so it goes before anything queued for them later.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox o JOIN registrations r"
                   " ON r.public_id = o.registration_public_id"
                   " WHERE o.kind = 'confirmation' AND o.due_at = r.registered_at"),
            3);
  EXPECT_EQ(outbox.counts_by_state(id)["queued"], 4);
}

TEST_F(StoreTest, ARegistrationCancelledBeforeItsConfirmationIsQueuedGetsNone) {
  long long id = create_event(3, true, 5);
  auto result = ledger_->admit(
      id, {request("stay@example.jp"), request("leave@example.jp"), request("c@example.jp"),
           request("w@example.jp", true)});
  RegistrationStore registrations(*pool_);
  const Instant now = at("2024-01-15T10:05:00+09:00");
  auto cancelled =
      registrations.cancel(id, result.results[1].receipt.public_id, now, by_test("cancel"));
  ASSERT_EQ(cancelled.outcome, CancelOutcome::kCancelled);
  OutboxStore outbox(*pool_);
  // The waitlisted person took the seat: a promotion mail, not a confirmation.
  EXPECT_EQ(outbox.queue_owed_confirmations(now), 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'confirmation' AND"
                   " registration_public_id = '" + result.results[1].receipt.public_id + "'"),
            0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'cancellation'"), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'promoted'"), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'confirmation' AND"
                   " registration_public_id = '" + result.results[3].receipt.public_id + "'"),
            0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'confirmation'"), 2);
}

// After a purge nobody is owed anything: no confirmation may go to an address that is gone.
TEST_F(StoreTest, APurgedEventOwesNoConfirmations) {
  long long id = create_event(3);
  ledger_->admit(id, {request("p1@example.jp"), request("p2@example.jp")});
  ASSERT_EQ(scalar("SELECT COUNT(*) FROM registrations WHERE confirmation_owed"), 2);
  const Instant now = at("2024-03-20T10:00:00+09:00");
  OrganiserStore organiser(*pool_);
  const AuditEntry purged = by_test("personal_data_purged");
  EXPECT_EQ(organiser.purge(id, {}, now, purged), 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations WHERE confirmation_owed"), 0);
  OutboxStore outbox(*pool_);
  EXPECT_EQ(outbox.queue_owed_confirmations(now), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox"), 0);
  EXPECT_EQ(outbox.counts_by_state(id)["queued"], 0);
}

TEST_F(StoreTest, ASignUpWithAMeetingLinkAlreadyDueHasBothQueuedAtOnce) {
  long long id = create_event(3);
  // Two days before the start, the meeting link is due to everyone confirmed.
  SignupRequest late = request("late@example.jp");
  late.received_at = at("2024-02-27T10:00:00+09:00");
  ledger_->admit(id, {late});
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations WHERE confirmation_owed"), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox"), 2);
  // The confirmation first: claims go by due time, then by id.
  EXPECT_EQ(scalar("SELECT kind = 'confirmation' FROM outbox ORDER BY id LIMIT 1"), 1);
  OutboxStore outbox(*pool_);
  EXPECT_EQ(outbox.queue_owed_confirmations(late.received_at), 0);
}

// The mark never passes a number whose row is not yet visible: with admissions and two
// queuing workers racing, every confirmed sign-up ends with exactly one confirmation.
TEST_F(StoreTest, QueuingRacingAdmissionsSkipsNobodyAndQueuesNobodyTwice) {
  long long id = create_event(100000);
  std::atomic<bool> admitting{true};
  std::atomic<int> queued{0};
  auto queue = [&] {
    ConnectionPool pool(settings_);
    OutboxStore outbox(pool);
    while (admitting) queued += outbox.queue_owed_confirmations(at("2024-01-15T10:00:01+09:00"));
  };
  auto admit = [&](int writer) {
    ConnectionPool pool(settings_);
    SeatLedger ledger(pool);
    for (int b = 0; b < 40; ++b) {
      std::vector<SignupRequest> batch;
      for (int i = 0; i < 10; ++i)
        batch.push_back(request("r" + std::to_string(writer) + "-" + std::to_string(b) + "-" +
                                std::to_string(i) + "@example.jp"));
      ledger.admit(id, batch);
    }
  };
  std::thread q1(queue), q2(queue);
  std::thread a1(admit, 1), a2(admit, 2);
  a1.join();
  a2.join();
  admitting = false;
  q1.join();
  q2.join();
  OutboxStore outbox(*pool_);
  queued += outbox.queue_owed_confirmations(at("2024-01-15T10:00:01+09:00"));
  EXPECT_EQ(queued.load(), 800);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'confirmation'"), 800);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations r WHERE NOT EXISTS (SELECT 1 FROM outbox o"
                   " WHERE o.registration_public_id = r.public_id AND o.kind = 'confirmation')"),
            0);
}

TEST_F(StoreTest, ARegisteredPersonHearsAlreadyRegisteredEvenWhenFull) {
  long long id = create_event(1, true, 0);
  ledger_->admit(id, {request("a@example.jp")});
  auto result = ledger_->admit(id, {request("b@example.jp"), request("a@example.jp")});
  EXPECT_EQ(result.results[0].outcome, SignupOutcome::kSoldOut);
  EXPECT_EQ(result.results[1].outcome, SignupOutcome::kAlreadyRegistered);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations"), 1);
}

// Submits one sign-up to GroupAdmission and waits for its answer.
SignupResult submit_and_wait(GroupAdmission& admission, long long event_id, SignupRequest r) {
  std::promise<SignupResult> answer;
  auto future = answer.get_future();
  admission.submit(event_id, std::move(r),
                   [&](const SignupResult& result) { answer.set_value(result); });
  EXPECT_EQ(future.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  return future.get();
}

TEST_F(StoreTest, OnceFullTheRegisteredStillHearAlreadyRegistered) {
  long long id = create_event(2);
  ledger_->admit(id, {request("early@example.jp")});  // registered before this process saw it
  GroupAdmission admission(*ledger_);
  EXPECT_EQ(submit_and_wait(admission, id, request("last@example.jp")).outcome,
            SignupOutcome::kConfirmed);
  // Full now. Everyone else hears sold_out (from memory); the two registered people do not.
  EXPECT_EQ(submit_and_wait(admission, id, request("late@example.jp")).outcome,
            SignupOutcome::kSoldOut);
  EXPECT_EQ(submit_and_wait(admission, id, request("early@example.jp")).outcome,
            SignupOutcome::kAlreadyRegistered);
  EXPECT_EQ(submit_and_wait(admission, id, request("last@example.jp")).outcome,
            SignupOutcome::kAlreadyRegistered);
  EXPECT_EQ(submit_and_wait(admission, id, request("later@example.jp")).outcome,
            SignupOutcome::kSoldOut);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations"), 2);
}

TEST_F(StoreTest, TextTheAdmissionWritesComesBackByteForByte) {
  // The admission transaction writes its values as escaped SQL text (store/sql_text.hpp).
  long long id = create_event(10);
  auto r = request("o'brien\\x@example.jp");
  r.applicant.name = "O'Brien \\' \"; DROP TABLE events; -- 𠮷野家 ﾊﾝｶｸ %_";
  r.applicant.question = "line one\nline two \\n '' \x1a end";
  r.applicant.organization = std::string("nul\0inside", 11);
  auto result = ledger_->admit(id, {r});
  ASSERT_EQ(result.results[0].outcome, SignupOutcome::kConfirmed);
  auto c = pool_->acquire();
  std::unique_ptr<sql::Statement> st(c->createStatement());
  std::unique_ptr<sql::ResultSet> rs(
      st->executeQuery("SELECT email, email_key, name, question, organization FROM registrations"));
  ASSERT_TRUE(rs->next());
  EXPECT_EQ(std::string(rs->getString(1)), r.applicant.email);
  EXPECT_EQ(std::string(rs->getString(2)), r.applicant.email_key);
  EXPECT_EQ(std::string(rs->getString(3)), r.applicant.name);
  EXPECT_EQ(std::string(rs->getString(4)), r.applicant.question);
  EXPECT_EQ(std::string(rs->getString(5)), r.applicant.organization);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM events"), 1);
}

TEST_F(StoreTest, SqlTextQuotesRightWhateverTheServersSqlMode) {
  // With NO_BACKSLASH_ESCAPES a backslash is an ordinary character and only '' escapes a
  // quote; the client library learns the mode from the server and escapes accordingly.
  const std::string tricky = std::string("a'b\\'c\\\\\"d\n\r\x1a") + '\0' + "e 𠮷";
  for (const char* mode : {"", "NO_BACKSLASH_ESCAPES,ANSI_QUOTES"}) {
    auto c = pool_->acquire();
    std::unique_ptr<sql::Statement> st(c->createStatement());
    st->execute(std::string("SET SESSION sql_mode = '") + mode + "'");
    st->execute("CREATE TEMPORARY TABLE t (v TEXT) CHARACTER SET utf8mb4");
    SqlText insert(*c, "INSERT INTO t (v) VALUES (");
    insert.text(tricky).sql(")").execute_update();
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT v FROM t"));
    ASSERT_TRUE(rs->next());
    EXPECT_EQ(std::string(rs->getString(1)), tricky) << mode;
    c.mark_broken();  // not back into the pool with this session's sql_mode
  }
}

TEST_F(StoreTest, AFailedTransactionLeavesNothingAndTheConnectionClean) {
  long long id = create_event(10);
  EXPECT_THROW(in_transaction(*pool_,
                              [&](sql::Connection& c) {
                                std::unique_ptr<sql::Statement> st(c.createStatement());
                                st->execute("UPDATE events SET capacity = 99 WHERE id = " +
                                            std::to_string(id));
                                throw std::runtime_error("work failed");
                              }),
               std::runtime_error);
  EXPECT_EQ(scalar("SELECT capacity FROM events"), 10);
  // The same pooled connection is back in autocommit: a plain write is visible elsewhere.
  with_connection(*pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::Statement> st(c.createStatement());
    st->execute("UPDATE events SET capacity = 11");
  });
  std::string error;
  auto server = *parse_db_url(std::getenv("REGDESK_TEST_DB_URL"), error);
  server.database = db_;
  ConnectionPool other(server);
  auto c = other.acquire();
  std::unique_ptr<sql::Statement> st(c->createStatement());
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT capacity FROM events"));
  ASSERT_TRUE(rs->next());
  EXPECT_EQ(rs->getInt(1), 11);
}

TEST_F(StoreTest, WaitlistTakesOnlyThoseWhoAskAndOnlyUpToItsCapacity) {
  long long id = create_event(1, true, 1);
  auto result = ledger_->admit(id, {request("a@example.jp"), request("b@example.jp"),
                                    request("c@example.jp", true), request("d@example.jp", true)});
  EXPECT_EQ(result.results[0].outcome, SignupOutcome::kConfirmed);
  EXPECT_EQ(result.results[1].outcome, SignupOutcome::kSoldOut);
  EXPECT_EQ(result.results[2].outcome, SignupOutcome::kWaitlisted);
  EXPECT_EQ(result.results[2].receipt.waitlist_position, 1);
  EXPECT_EQ(result.results[3].outcome, SignupOutcome::kSoldOut);
  EXPECT_FALSE(result.results[3].waitlist_available);
  EXPECT_EQ(scalar("SELECT waitlisted_count FROM events"), 1);
}

TEST_F(StoreTest, IdempotencyKeyReplaysAndDetectsConflicts) {
  long long id = create_event(10);
  auto keyed = [](const std::string& email, const std::string& key, const std::string& body) {
    auto r = request(email);
    r.idempotency = IdempotencyKey{sha256(key), sha256(body)};  // BINARY(32), as in production
    return r;
  };
  auto first = ledger_->admit(id, {keyed("k@example.jp", "key-1", "body-1")});
  ASSERT_EQ(first.results[0].outcome, SignupOutcome::kConfirmed);
  auto again = ledger_->admit(
      id, {keyed("k@example.jp", "key-1", "body-1"), keyed("z@example.jp", "key-1", "body-2")});
  EXPECT_EQ(again.results[0].outcome, SignupOutcome::kConfirmed);
  EXPECT_TRUE(again.results[0].replayed);
  EXPECT_EQ(again.results[0].receipt.public_id, first.results[0].receipt.public_id);
  EXPECT_EQ(again.results[1].outcome, SignupOutcome::kIdempotencyConflict);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations"), 1);
}

TEST_F(StoreTest, ConcurrentWritersNeverExceedTheCap) {
  long long id = create_event(50);
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int b = 0; b < 10; ++b) {
        std::vector<SignupRequest> batch;
        for (int i = 0; i < 5; ++i)
          batch.push_back(request("w" + std::to_string(w) + "b" + std::to_string(b) + "i" +
                                  std::to_string(i) + "@example.jp"));
        ledger_->admit(id, batch);
      }
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations WHERE status = 'confirmed'"), 50);
  EXPECT_EQ(scalar("SELECT confirmed_count FROM events"), 50);
  EXPECT_EQ(scalar("SELECT COUNT(DISTINCT number) FROM registrations"), 50);
  EXPECT_EQ(scalar("SELECT MAX(number) FROM registrations"), 50);
}

TEST_F(StoreTest, BatchesStayUnderThePacketLimitWhateverTheFormsHold) {
  // 600 queued sign-ups of 20,000 quote characters each: 24 MB as escaped SQL text, more than
  // MariaDB's max_allowed_packet (16 MiB). GroupAdmission cuts them into batches by size.
  long long id = create_event(1000);
  GroupAdmission admission(*ledger_);
  constexpr int kCount = 600;
  std::mutex mu;
  std::condition_variable done;
  int answered = 0, confirmed = 0;
  for (int i = 0; i < kCount; ++i) {
    auto r = request("big" + std::to_string(i) + "@example.jp");
    r.applicant.question = std::string(20000, '\'');
    admission.submit(id, std::move(r), [&](const SignupResult& result) {
      std::lock_guard lock(mu);
      ++answered;
      if (result.outcome == SignupOutcome::kConfirmed) ++confirmed;
      done.notify_all();
    });
  }
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(done.wait_for(lock, std::chrono::seconds(60), [&] { return answered == kCount; }));
  }
  EXPECT_EQ(confirmed, kCount);
  EXPECT_GE(admission.stats().batches, 12u);  // 2 MiB of SQL at most per batch
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations WHERE LENGTH(question) = 20000"), kCount);
}

TEST_F(StoreTest, ShrinkingBelowConfirmedIsRefusedAndGrowingPromotes) {
  long long id = create_event(1, true, 5);
  ledger_->admit(
      id, {request("a@example.jp"), request("b@example.jp", true), request("c@example.jp", true)});
  Event smaller = event_;
  smaller.capacity = 0;
  EXPECT_EQ(events_->upsert(smaller, at("2024-01-16T00:00:00Z"), by_test()).outcome,
            UpsertOutcome::kCapacityBelowConfirmed);
  Event larger = event_;
  larger.capacity = 2;
  auto grown = events_->upsert(larger, at("2024-01-16T00:00:00Z"), by_test());
  EXPECT_EQ(grown.promoted, 1);
  EXPECT_EQ(scalar("SELECT confirmed_count FROM events"), 2);
  EXPECT_EQ(scalar("SELECT waitlisted_count FROM events"), 1);
  EXPECT_EQ(scalar("SELECT number FROM registrations WHERE status = 'waitlisted'"), 3);
}

TEST_F(StoreTest, AChangeAndItsAuditEntryAreOneTransaction) {
  create_event(10);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'event_created'"), 1);
  Event changed = event_;
  changed.capacity = 20;
  // An entry the table refuses (action longer than its column, strict mode) takes the
  // change down with it: no change is ever stored without its entry.
  EXPECT_ANY_THROW(events_->upsert(changed, at("2024-01-16T00:00:00Z"),
                                   by_test(std::string(41, 'x'))));
  EXPECT_EQ(scalar("SELECT capacity FROM events"), 10);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit_log"), 1);
  events_->upsert(changed, at("2024-01-16T00:00:00Z"), by_test());
  EXPECT_EQ(scalar("SELECT capacity FROM events"), 20);

  AuditLog log(*pool_);
  auto all = log.list({});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].entry.action, "event_created");
  EXPECT_EQ(all[1].entry.action, "event_changed");
  AuditQuery other;
  other.event_slug = "another-event";
  EXPECT_TRUE(log.list(other).empty());
  AuditQuery scoped;
  scoped.only_events = {"another-event"};
  EXPECT_TRUE(log.list(scoped).empty());
  AuditQuery later;
  later.since = at("2024-01-15T10:00:00.000001+09:00");
  EXPECT_TRUE(log.list(later).empty());
}

TEST_F(StoreTest, UnreachableDatabaseIsUnavailableNotACrash) {
  DbSettings nowhere;
  nowhere.host = "127.0.0.1";
  nowhere.port = 1;  // nothing listens on port 1
  nowhere.user = "regdesk";
  ConnectionPool pool(nowhere);
  EXPECT_THROW(pool.acquire(), DatabaseUnavailable);
  EXPECT_FALSE(pool.ping());
  SeatLedger ledger(pool);
  EXPECT_THROW(ledger.admit(1, {request("x@example.jp")}), DatabaseUnavailable);
}

// ---- A COMMIT is success only when the server says so ----

using testing::CommitCutter;

TEST_F(StoreTest, ACommitWhoseAnswerIsLostIsNeverTakenForSuccess) {
  long long id = create_event(10);
  CommitCutter cutter(settings_.port);
  ConnectionPool pool(settings_on_port(cutter.port()));
  auto set_capacity = [&](int capacity) {
    in_transaction(pool, [&](sql::Connection& c) {
      execute_text(c, ("UPDATE events SET capacity = " + std::to_string(capacity)).c_str());
    });
  };

  // The server never sees the COMMIT: it rolls back when the connection closes.
  cutter.arm(CommitCutter::Cut::kBeforeCommit);
  EXPECT_THROW(set_capacity(20), CommitOutcomeUnknown);
  EXPECT_TRUE(cutter.fired());
  // (Polled: the server ends the dropped session by itself, a moment later.)
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (scalar("SELECT COUNT(*) FROM information_schema.innodb_trx") > 0 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(scalar("SELECT capacity FROM events WHERE id = " + std::to_string(id)), 10);

  // The server commits and its answer is lost: still not success, though it is stored.
  cutter.arm(CommitCutter::Cut::kAnswerOfCommit);
  EXPECT_THROW(set_capacity(30), CommitOutcomeUnknown);
  EXPECT_EQ(scalar("SELECT capacity FROM events WHERE id = " + std::to_string(id)), 30);

  // Nothing armed: the pool recovers, and a COMMIT answered is success.
  set_capacity(40);
  EXPECT_EQ(scalar("SELECT capacity FROM events WHERE id = " + std::to_string(id)), 40);
}

class LostCommitTest : public StoreTest, public ::testing::WithParamInterface<CommitCutter::Cut> {};

// Whether the lost COMMIT was stored or not, the batch is answered by what is stored: each
// person confirmed exactly once, the ledger and the outbox agreeing with the rows.
TEST_P(LostCommitTest, AdmissionAnswersALostCommitByWhatIsStored) {
  long long id = create_event(3);
  CommitCutter cutter(settings_.port);
  ConnectionPool pool(settings_on_port(cutter.port()));
  SeatLedger ledger(pool);
  std::vector<SignupRequest> batch;
  for (int i = 0; i < 4; ++i) batch.push_back(request("lost" + std::to_string(i) + "@example.jp"));
  batch[0].idempotency = IdempotencyKey{sha256("key-0"), sha256("body-0")};

  cutter.arm(GetParam());
  auto result = ledger.admit(id, batch);
  EXPECT_TRUE(cutter.fired());
  ASSERT_EQ(result.results.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(result.results[i].outcome, SignupOutcome::kConfirmed) << i;
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations WHERE public_id = '" +
                     result.results[i].receipt.public_id + "'"),
              1)
        << "answered confirmed, so stored: " << i;
  }
  EXPECT_EQ(result.results[3].outcome, SignupOutcome::kSoldOut);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations"), 3);
  EXPECT_EQ(scalar("SELECT confirmed_count FROM events"), 3);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations WHERE confirmation_owed"), 3);
  OutboxStore outbox(*pool_);
  EXPECT_EQ(outbox.queue_owed_confirmations(at("2024-01-15T10:00:01+09:00")), 3);
  // The Idempotency-Key's stored answer is the one given.
  auto replay = ledger_->replay(id, *batch[0].idempotency);
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->receipt.public_id, result.results[0].receipt.public_id);
}

// The confirmations' own COMMIT lost: stored or not, the next run leaves one each.
TEST_P(LostCommitTest, QueuingConfirmationsAnswersALostCommitByRunningAgain) {
  long long id = create_event(3);
  ledger_->admit(id, {request("q0@example.jp"), request("q1@example.jp"), request("q2@example.jp")});
  CommitCutter cutter(settings_.port);
  ConnectionPool pool(settings_on_port(cutter.port()));
  OutboxStore cut(pool);
  const Instant now = at("2024-01-15T10:00:01+09:00");
  cutter.arm(GetParam());
  EXPECT_THROW(cut.queue_owed_confirmations(now), CommitOutcomeUnknown);
  EXPECT_TRUE(cutter.fired());
  // (Polled: the server ends the dropped session by itself, a moment later.)
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (scalar("SELECT COUNT(*) FROM information_schema.innodb_trx") > 0 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  OutboxStore outbox(*pool_);
  outbox.queue_owed_confirmations(now);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'confirmation'"), 3);
  EXPECT_EQ(scalar("SELECT queued_below FROM confirmation_marks WHERE event_id = " +
                   std::to_string(id)),
            4);
}

INSTANTIATE_TEST_SUITE_P(Cuts, LostCommitTest,
                         ::testing::Values(CommitCutter::Cut::kBeforeCommit,
                                           CommitCutter::Cut::kAnswerOfCommit),
                         [](const auto& info) {
                           return info.param == CommitCutter::Cut::kBeforeCommit
                                      ? std::string("NotStored")
                                      : std::string("Stored");
                         });

// A private MariaDB (ops/lib/stack.sh), killed with SIGKILL between the INSERT and the COMMIT.
class PrivateServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* lib = std::getenv("REGDESK_TEST_STACK_LIB");
    ASSERT_NE(lib, nullptr) << "REGDESK_TEST_STACK_LIB is not set: run through ops/test";
    lib_ = lib;
    char tmpl[] = "/tmp/rd-killed-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    port_ = std::stoi(shell("free_port"));
    start();
    settings_.port = port_;
    settings_.user = "regdesk";
    settings_.password = "regdesk";
  }
  void TearDown() override {
    shell("db_stop " + dir_);
    shell("rm -rf -- " + dir_);
  }

  // Runs a stack.sh function in bash; its standard output, trimmed.
  std::string shell(const std::string& call) {
    std::string cmd = "bash -c 'source \"$0\" && " + call + "' " + lib_;
    std::unique_ptr<FILE, int (*)(FILE*)> p(::popen(cmd.c_str(), "r"), ::pclose);
    std::string out;
    char buf[256];
    while (p && std::fgets(buf, sizeof buf, p.get())) out += buf;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
  }
  void start() { shell("db_start " + dir_ + " " + std::to_string(port_)); }
  void kill_server() {
    std::string pid = shell("db_pid " + dir_);
    ASSERT_FALSE(pid.empty());
    ASSERT_EQ(::kill(std::stoi(pid), SIGKILL), 0);
    // Gone for good before the COMMIT is sent (polled, with a deadline).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (::kill(std::stoi(pid), 0) == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  std::string lib_, dir_;
  int port_ = 0;
  DbSettings settings_;
};

TEST_F(PrivateServerTest, AServerKilledBeforeTheCommitIsReportedNotSuccess) {
  {
    ConnectionPool pool(settings_);
    with_connection(pool, [](sql::Connection& c) {
      execute_text(c, "CREATE DATABASE killed");
      execute_text(c, "CREATE TABLE killed.seats (id INT PRIMARY KEY) ENGINE=InnoDB");
    });
    EXPECT_THROW(in_transaction(pool,
                                [&](sql::Connection& c) {
                                  execute_text(c, "INSERT INTO killed.seats VALUES (1)");
                                  kill_server();
                                }),
                 DatabaseUnavailable);
  }
  start();
  ConnectionPool pool(settings_);
  int rows = with_connection(pool, [](sql::Connection& c) {
    std::unique_ptr<sql::Statement> st(c.createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT COUNT(*) FROM killed.seats"));
    return rs->next() ? rs->getInt(1) : -1;
  });
  EXPECT_EQ(rows, 0);
}

TEST_F(PrivateServerTest, ValuesTooLongAreRefusedEvenWhenTheServerIsLax) {
  ConnectionPool root_pool([&] {
    auto s = settings_;
    s.pool_size = 1;
    return s;
  }());
  with_connection(root_pool, [](sql::Connection& c) {
    execute_text(c, "SET GLOBAL sql_mode = ''");  // this private server only
    execute_text(c, "CREATE DATABASE lax");
    execute_text(c, "CREATE TABLE lax.names (name VARCHAR(4)) ENGINE=InnoDB");
  });
  ConnectionPool pool(settings_);  // new connections, after the change
  EXPECT_THROW(with_connection(pool,
                               [](sql::Connection& c) {
                                 execute_text(c, "INSERT INTO lax.names VALUES ('山田太郎様')");
                               }),
               sql::SQLException);
  int rows = with_connection(pool, [](sql::Connection& c) {
    std::unique_ptr<sql::Statement> st(c.createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT COUNT(*) FROM lax.names"));
    return rs->next() ? rs->getInt(1) : -1;
  });
  EXPECT_EQ(rows, 0);
}

}  // namespace
}  // namespace regdesk::store

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  regdesk::store::init_driver();
  return RUN_ALL_TESTS();
}
