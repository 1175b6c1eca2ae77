#include "store/connection_pool.hpp"

#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

namespace regdesk::store {

namespace {

sql::Driver* driver() {
  static sql::Driver* d = get_driver_instance();
  return d;
}

// Connector/C++ wants threadInit/threadEnd around a thread's use of the client library.
struct ThreadRegistration {
  ThreadRegistration() { driver()->threadInit(); }
  ~ThreadRegistration() { driver()->threadEnd(); }
};
void register_thread() {
  thread_local ThreadRegistration registration;
}

constexpr auto kIdleCheckAfter = std::chrono::seconds(2);
constexpr auto kWaitForFree = std::chrono::seconds(5);

}  // namespace

bool is_connection_error(const sql::SQLException& e) {
  int code = e.getErrorCode();
  // 2000-2999: client-side errors (cannot connect, server gone away, lost connection...);
  // 1040 too many connections, 1053 server shutdown, 1927 connection killed; 1047: a Galera
  // node outside the Primary component ("WSREP has not yet prepared node for application
  // use") takes no statement until it rejoins, so it is as good as gone: another connection
  // (through haproxy, to another node) may succeed.
  return (code >= 2000 && code < 3000) || code == 1040 || code == 1047 || code == 1053 ||
         code == 1927 || code == 0;
}

bool is_retryable(const sql::SQLException& e) {
  return e.getErrorCode() == 1213 || e.getErrorCode() == 1205;
}

void init_driver() {
  driver();
}

ConnectionPool::ConnectionPool(DbSettings settings) : settings_(std::move(settings)) {}

ConnectionPool::~ConnectionPool() {
  std::lock_guard lock(mu_);
  idle_.clear();
}

ConnectionPool::Lease::Lease(ConnectionPool* pool, std::unique_ptr<sql::Connection> c)
    : pool_(pool), conn_(std::move(c)) {}

ConnectionPool::Lease::Lease(Lease&& o) noexcept
    : pool_(o.pool_), conn_(std::move(o.conn_)), broken_(o.broken_) {}

ConnectionPool::Lease::~Lease() {
  if (conn_) pool_->give_back(std::move(conn_), broken_);
}

std::unique_ptr<sql::Connection> ConnectionPool::connect() {
  register_thread();
  sql::ConnectOptionsMap options;
  if (!settings_.socket.empty()) {
    options["hostName"] = sql::SQLString("localhost");
    options["socket"] = sql::SQLString(settings_.socket);
  } else {
    options["hostName"] = sql::SQLString(settings_.host);
    options["port"] = settings_.port;
  }
  options["userName"] = sql::SQLString(settings_.user);
  options["password"] = sql::SQLString(settings_.password);
  if (!settings_.database.empty()) options["schema"] = sql::SQLString(settings_.database);
  options["OPT_CONNECT_TIMEOUT"] = settings_.connect_timeout_seconds;
  options["OPT_READ_TIMEOUT"] = settings_.read_timeout_seconds;
  options["OPT_WRITE_TIMEOUT"] = settings_.read_timeout_seconds;
  options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  options["OPT_RECONNECT"] = false;
  try {
    std::unique_ptr<sql::Connection> c(driver()->connect(options));
    std::unique_ptr<sql::Statement> st(c->createStatement());
    // Sessions run in UTC so DATETIME columns and UTC_TIMESTAMP() agree; READ COMMITTED keeps
    // the seat ledger's row lock the only serialisation point.
    st->execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    st->execute("SET time_zone = '+00:00'");
    // Strict whatever the server's default: a value too long for its column is an error, never
    // a warning with the value cut (a stored row that differs from what the person was told).
    st->execute(
        "SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''),"
        " 'STRICT_ALL_TABLES')");
    return c;
  } catch (const sql::SQLException& e) {
    throw DatabaseUnavailable(std::string("cannot connect to the database: ") + e.what());
  }
}

ConnectionPool::Lease ConnectionPool::acquire() {
  register_thread();
  std::unique_lock lock(mu_);
  for (;;) {
    while (!idle_.empty()) {
      Idle idle = std::move(idle_.back());
      idle_.pop_back();
      bool stale = std::chrono::steady_clock::now() - idle.since > kIdleCheckAfter;
      if (!stale) return Lease(this, std::move(idle.conn));
      lock.unlock();
      bool valid = false;
      try {
        valid = idle.conn->isValid();
      } catch (const sql::SQLException&) {
      }
      if (valid) return Lease(this, std::move(idle.conn));
      idle.conn.reset();
      lock.lock();
      --open_;
    }
    if (open_ < settings_.pool_size) {
      ++open_;
      lock.unlock();
      try {
        return Lease(this, connect());
      } catch (...) {
        std::lock_guard relock(mu_);
        --open_;
        freed_.notify_one();
        throw;
      }
    }
    if (!freed_.wait_for(lock, kWaitForFree,
                         [&] { return !idle_.empty() || open_ < settings_.pool_size; }))
      throw DatabaseUnavailable("no database connection free");
  }
}

void ConnectionPool::give_back(std::unique_ptr<sql::Connection> c, bool broken) {
  if (broken) {
    try {
      c.reset();
    } catch (const sql::SQLException&) {
    }
  }
  std::lock_guard lock(mu_);
  if (broken)
    --open_;
  else
    idle_.push_back({std::move(c), std::chrono::steady_clock::now()});
  freed_.notify_one();
}

bool ConnectionPool::ping() {
  try {
    auto conn = acquire();
    try {
      std::unique_ptr<sql::Statement> st(conn->createStatement());
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT 1"));
      return true;
    } catch (const sql::SQLException&) {
      conn.mark_broken();
      return false;
    }
  } catch (const DatabaseUnavailable&) {
    return false;
  }
}

}  // namespace regdesk::store
