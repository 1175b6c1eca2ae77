// Store tests against a real MariaDB (the one ops/test starts; REGDESK_TEST_DB_URL names it).
// Each test gets a fresh database.

#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <future>
#include <memory>
#include <thread>

#include "domain/time.hpp"
#include "store/connection_pool.hpp"
#include "store/event_store.hpp"
#include "store/group_admission.hpp"
#include "store/migrations.hpp"
#include "store/random_id.hpp"
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
    return events_->upsert(e, at("2024-01-15T10:00:00+09:00")).event_id;
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

  int scalar(const std::string& sql) {
    auto c = pool_->acquire();
    std::unique_ptr<sql::Statement> st(c->createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(sql));
    return rs->next() ? rs->getInt(1) : -1;
  }

  std::string db_;
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
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox"), 3);  // one confirmation each, no more
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
  EXPECT_EQ(events_->upsert(smaller, at("2024-01-16T00:00:00Z")).outcome,
            UpsertOutcome::kCapacityBelowConfirmed);
  Event larger = event_;
  larger.capacity = 2;
  auto grown = events_->upsert(larger, at("2024-01-16T00:00:00Z"));
  EXPECT_EQ(grown.promoted, 1);
  EXPECT_EQ(scalar("SELECT confirmed_count FROM events"), 2);
  EXPECT_EQ(scalar("SELECT waitlisted_count FROM events"), 1);
  EXPECT_EQ(scalar("SELECT number FROM registrations WHERE status = 'waitlisted'"), 3);
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

}  // namespace
}  // namespace regdesk::store

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  regdesk::store::init_driver();
  return RUN_ALL_TESTS();
}
