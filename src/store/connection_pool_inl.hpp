#pragma once
#include <cppconn/connection.h>
#include <cppconn/exception.h>

#include <thread>

#include "store/sql_text.hpp"

namespace regdesk::store {

template <typename Work>
auto with_connection(ConnectionPool& pool, Work&& work)
    -> decltype(work(std::declval<sql::Connection&>())) {
  auto conn = pool.acquire();
  try {
    return work(*conn);
  } catch (const sql::SQLException& e) {
    if (is_connection_error(e)) {
      conn.mark_broken();
      throw DatabaseUnavailable(std::string("database connection lost: ") + e.what());
    }
    throw;
  }
}

namespace detail {

constexpr int kTransactionAttempts = 5;

// Why a text ROLLBACK and not Connection::rollback(): one path for both ends of a
// transaction (see commit_transaction). A connection that cannot roll back is not reused.
inline void roll_back(ConnectionPool::Lease& conn) noexcept {
  try {
    execute_text(*conn, "ROLLBACK");
  } catch (const sql::SQLException&) {
    conn.mark_broken();
  }
}

inline void back_off(int attempt) {
  std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt * attempt));
}

// What became of a transaction the work had finished.
enum class CommitAnswer { kCommitted, kRetry };

// COMMIT as a statement, its answer read: Connector/C++ 1.1's Connection::commit() ignores
// what mysql_commit() returns, so a COMMIT the server refused (Galera's certification failure,
// 1213) or never answered (the server died) would look like success. Throws
// CommitOutcomeUnknown when the connection was lost with the COMMIT in flight,
// DatabaseUnavailable when the server refused it for good; kRetry when it refused it in a way
// that running the whole transaction again may cure (nothing of it was stored).
inline CommitAnswer commit_transaction(ConnectionPool::Lease& conn, int attempt) {
  try {
    execute_text(*conn, "COMMIT");
    return CommitAnswer::kCommitted;
  } catch (const sql::SQLException& e) {
    if (is_connection_error(e)) {
      conn.mark_broken();
      throw CommitOutcomeUnknown(std::string("connection lost during COMMIT: ") + e.what());
    }
    // The server answered: the transaction is not stored. ROLLBACK in case it is still open.
    roll_back(conn);
    if (is_retryable(e) && attempt < kTransactionAttempts) return CommitAnswer::kRetry;
    throw DatabaseUnavailable(std::string("the database refused the COMMIT: ") + e.what());
  }
}

}  // namespace detail

template <typename Work>
auto in_transaction(ConnectionPool& pool, Work&& work)
    -> decltype(work(std::declval<sql::Connection&>())) {
  using Result = decltype(work(std::declval<sql::Connection&>()));
  for (int attempt = 1;; ++attempt) {
    auto conn = pool.acquire();
    bool started = false;
    bool committing = false;  // commit_transaction deals with the connection itself
    try {
      // START TRANSACTION and COMMIT: two round trips, where switching autocommit off and
      // on again around the work would take three.
      execute_text(*conn, "START TRANSACTION");
      started = true;
      if constexpr (std::is_void_v<Result>) {
        work(*conn);
        committing = true;
        if (detail::commit_transaction(conn, attempt) == detail::CommitAnswer::kCommitted) return;
      } else {
        Result result = work(*conn);
        committing = true;
        if (detail::commit_transaction(conn, attempt) == detail::CommitAnswer::kCommitted)
          return result;
      }
      detail::back_off(attempt);
      continue;
    } catch (const sql::SQLException& e) {
      if (is_connection_error(e)) {
        // Lost before any COMMIT was sent: the server rolls the transaction back.
        conn.mark_broken();
        // A pooled connection that died while idle (the server restarted): nothing was sent
        // on it, so another connection may simply be tried at once.
        if (!started && attempt < detail::kTransactionAttempts) continue;
        throw DatabaseUnavailable(std::string("database connection lost: ") + e.what());
      }
      detail::roll_back(conn);
      if (is_retryable(e) && attempt < detail::kTransactionAttempts) {
        detail::back_off(attempt);
        continue;
      }
      if (is_retryable(e)) throw DatabaseUnavailable(std::string("database busy: ") + e.what());
      throw;
    } catch (...) {
      if (!committing) detail::roll_back(conn);
      throw;
    }
  }
}

}  // namespace regdesk::store
