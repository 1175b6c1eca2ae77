#pragma once
// A small pool of Connector/C++ connections (the library has none). Broken connections are
// dropped, never reused; there is no silent OPT_RECONNECT (it would reset the isolation level
// and invalidate prepared statements).

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/db_settings.hpp"

namespace sql {
class Connection;
class SQLException;
}  // namespace sql

namespace regdesk::store {

// The database cannot be reached (down, restarting, refusing connections). Callers answer 503
// `unavailable`; it is never a programming error.
class DatabaseUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The connection was lost while a COMMIT was in flight: the transaction may or may not be
// stored, and only a read on another connection can tell. Whoever can look its rows up
// should, before answering; everyone else answers as for DatabaseUnavailable (never success).
class CommitOutcomeUnknown : public DatabaseUnavailable {
 public:
  using DatabaseUnavailable::DatabaseUnavailable;
};

// True for errors that mean "the connection or server is gone" rather than "the SQL is wrong".
bool is_connection_error(const sql::SQLException& e);
// Deadlock or lock-wait timeout: the transaction may simply be run again.
bool is_retryable(const sql::SQLException& e);

// Call once in main before any thread uses the database (the driver's init is not thread-safe).
void init_driver();

// Thread-safe.
class ConnectionPool {
 public:
  explicit ConnectionPool(DbSettings settings);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A connection on loan; it goes back to the pool when the lease ends unless marked broken.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<sql::Connection> c);
    Lease(Lease&&) noexcept;
    ~Lease();
    sql::Connection& operator*() const { return *conn_; }
    sql::Connection* operator->() const { return conn_.get(); }
    void mark_broken() { broken_ = true; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<sql::Connection> conn_;
    bool broken_ = false;
  };

  // Throws DatabaseUnavailable when no connection can be made.
  Lease acquire();
  // One round trip; false when the database cannot be reached.
  bool ping();
  const DbSettings& settings() const { return settings_; }

 private:
  struct Idle {
    std::unique_ptr<sql::Connection> conn;
    std::chrono::steady_clock::time_point since;
  };
  std::unique_ptr<sql::Connection> connect();
  void give_back(std::unique_ptr<sql::Connection> c, bool broken);

  DbSettings settings_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<Idle> idle_;
  size_t open_ = 0;
};

// Runs `work` on a pooled connection (autocommit); a lost connection becomes
// DatabaseUnavailable and the connection is dropped.
template <typename Work>
auto with_connection(ConnectionPool& pool, Work&& work)
    -> decltype(work(std::declval<sql::Connection&>()));

// Runs `work` inside one transaction on a pooled connection: commits if it returns, rolls
// back if it throws. Returns only once the server has answered the COMMIT with success.
// Deadlocks, lock waits and refused COMMITs (1213, Galera's certification) are retried a few
// times from the start; a lost connection becomes DatabaseUnavailable, or CommitOutcomeUnknown
// when it was lost during the COMMIT. `work` must be safe to run again from the start.
template <typename Work>
auto in_transaction(ConnectionPool& pool, Work&& work)
    -> decltype(work(std::declval<sql::Connection&>()));

}  // namespace regdesk::store

#include "store/connection_pool_inl.hpp"
