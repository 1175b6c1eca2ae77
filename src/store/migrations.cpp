#include "store/migrations.hpp"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>
#include <stdexcept>

#include "store/connection_pool.hpp"

namespace regdesk::store {

namespace {

constexpr const char* kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INT PRIMARY KEY, name VARCHAR(200) NOT NULL,"
    " applied_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6)) ENGINE=InnoDB";

// Statements end with ';' at the end of a line; SQL files keep to that.
std::vector<std::string> split_statements(const std::string& script) {
  std::vector<std::string> out;
  std::string current;
  size_t start = 0;
  while (start < script.size()) {
    size_t end = script.find('\n', start);
    if (end == std::string::npos) end = script.size();
    std::string line = script.substr(start, end - start);
    start = end + 1;
    std::string trimmed = line;
    while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\r'))
      trimmed.pop_back();
    if (trimmed.rfind("--", 0) == 0 && current.empty()) continue;
    current += line + "\n";
    if (!trimmed.empty() && trimmed.back() == ';') {
      out.push_back(current);
      current.clear();
    }
  }
  if (current.find_first_not_of(" \n\r\t") != std::string::npos) out.push_back(current);
  return out;
}

int read_version(sql::Connection& c) {
  std::unique_ptr<sql::Statement> st(c.createStatement());
  st->execute(kCreateVersionTable);
  std::unique_ptr<sql::ResultSet> rs(
      st->executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  return rs->next() ? rs->getInt(1) : 0;
}

}  // namespace

int latest_schema_version() {
  const auto& all = embedded_migrations();
  return all.empty() ? 0 : all.back().version;
}

int schema_version(ConnectionPool& pool, SchemaRead read) {
  auto conn = pool.acquire();
  try {
    std::unique_ptr<sql::Statement> st(conn->createStatement());
    if (read == SchemaRead::kCausal) {
      // The setting must not go back to the pool with the connection (every later statement
      // would wait too): this connection is closed after the read, whatever happens.
      conn.mark_broken();
      st->execute("SET SESSION wsrep_sync_wait = 1");  // without wsrep it is ignored
    }
    std::unique_ptr<sql::ResultSet> rs(
        st->executeQuery("SELECT COUNT(*) FROM information_schema.tables"
                         " WHERE table_schema = DATABASE() AND table_name = 'schema_migrations'"));
    if (!rs->next() || rs->getInt(1) == 0) return 0;
    rs.reset(st->executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    return rs->next() ? rs->getInt(1) : 0;
  } catch (const sql::SQLException& e) {
    if (is_connection_error(e) || is_retryable(e)) {
      // 1205 here is the causal read timing out: the node is not keeping up with the cluster.
      conn.mark_broken();
      throw DatabaseUnavailable(e.what());
    }
    throw;
  }
}

MigrationReport migrate(ConnectionPool& pool) {
  MigrationReport report;
  auto conn = pool.acquire();
  std::unique_ptr<sql::Statement> st(conn->createStatement());
  {
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT GET_LOCK('regdesk_migrate', 60)"));
    if (!rs->next() || rs->getInt(1) != 1)
      throw std::runtime_error("another migration holds the lock for over 60 s");
  }
  try {
    int current = read_version(*conn);
    for (const auto& m : embedded_migrations()) {
      if (m.version <= current) continue;
      // DDL commits implicitly in MariaDB; each file is written to be re-runnable
      // (IF NOT EXISTS) so a crash half-way through is repaired by running migrate again.
      for (const auto& statement : split_statements(m.sql)) st->execute(statement);
      std::unique_ptr<sql::PreparedStatement> record(
          conn->prepareStatement("INSERT INTO schema_migrations (version, name) VALUES (?, ?)"));
      record->setInt(1, m.version);
      record->setString(2, m.name);
      record->executeUpdate();
      report.applied.push_back(m.name);
      current = m.version;
    }
    report.current_version = current;
  } catch (...) {
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT RELEASE_LOCK('regdesk_migrate')"));
    throw;
  }
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT RELEASE_LOCK('regdesk_migrate')"));
  return report;
}

}  // namespace regdesk::store
