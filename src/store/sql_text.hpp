#pragma once
// One SQL statement built as text, its values quoted by the connection's own escaping
// (mysql_real_escape_string, which knows utf8mb4 and NO_BACKSLASH_ESCAPES) or written as
// numbers and hex literals.
//
// For the hot statements only: those of the admission transaction, which run once each with a
// different number of rows every time, and the mail worker's mark of a sent message. A prepared
// statement used once costs three round trips (prepare, execute, close) and a parse all the
// same, where a text query costs one. Under a sign-up rush those round trips are most of the
// time the event's ledger row stays locked. Everything else in the store stays prepared.

#include <memory>
#include <string>
#include <string_view>

namespace sql {
class Connection;
class ResultSet;
class Statement;
namespace mysql {
class MySQL_Connection;
}
}  // namespace sql

namespace regdesk::store {

class SqlText {
 public:
  // `start` is SQL written by us, never input.
  SqlText(sql::Connection& c, std::string_view start);

  SqlText& sql(std::string_view text);    // more SQL written by us
  SqlText& text(std::string_view value);  // a quoted, escaped string literal
  SqlText& number(long long value);
  SqlText& bytes(std::string_view value);  // X'..' (binary columns: hashes)
  SqlText& null();

  const std::string& str() const { return sql_; }

  // Runs it: the rows changed, or the result set of a query (valid while this object lives).
  int execute_update();
  std::unique_ptr<sql::ResultSet> execute_query();

  SqlText(const SqlText&) = delete;
  SqlText& operator=(const SqlText&) = delete;
  ~SqlText();

 private:
  sql::Connection& conn_;
  sql::mysql::MySQL_Connection& escaper_;  // the same connection, as the type that escapes
  std::string sql_;
  std::unique_ptr<sql::Statement> statement_;
};

// "?,?,?" for n placeholders: a prepared statement's IN list or VALUES row.
std::string placeholders(size_t n);

// Runs SQL written by us that needs no values (START TRANSACTION, COMMIT...).
void execute_text(sql::Connection& c, const char* statement);

}  // namespace regdesk::store
