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

template <typename Work>
auto in_transaction(ConnectionPool& pool, Work&& work)
    -> decltype(work(std::declval<sql::Connection&>())) {
  for (int attempt = 1;; ++attempt) {
    auto conn = pool.acquire();
    try {
      // START TRANSACTION and COMMIT: two round trips, where switching autocommit off and
      // on again around the work would take three.
      execute_text(*conn, "START TRANSACTION");
      if constexpr (std::is_void_v<decltype(work(*conn))>) {
        work(*conn);
        conn->commit();
        return;
      } else {
        auto result = work(*conn);
        conn->commit();
        return result;
      }
    } catch (const sql::SQLException& e) {
      if (is_connection_error(e)) {
        conn.mark_broken();
        throw DatabaseUnavailable(std::string("database connection lost: ") + e.what());
      }
      try {
        conn->rollback();
      } catch (const sql::SQLException&) {
        conn.mark_broken();
      }
      if (is_retryable(e) && attempt < 5) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt * attempt));  // backoff
        continue;
      }
      if (is_retryable(e)) throw DatabaseUnavailable(std::string("database busy: ") + e.what());
      throw;
    } catch (...) {
      try {
        conn->rollback();
      } catch (const sql::SQLException&) {
        conn.mark_broken();
      }
      throw;
    }
  }
}

}  // namespace regdesk::store
