#include "store/sql_text.hpp"

#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_connection.h>

#include <memory>

namespace regdesk::store {

// Connector/C++ 1.1 exposes the client library's escaping only on its MySQL connection type.
SqlText::SqlText(sql::Connection& c, std::string_view start)
    : conn_(c), escaper_(dynamic_cast<sql::mysql::MySQL_Connection&>(c)), sql_(start) {
  sql_.reserve(1024);
}

SqlText& SqlText::sql(std::string_view text) {
  sql_ += text;
  return *this;
}

SqlText& SqlText::text(std::string_view value) {
  sql::SQLString escaped = escaper_.escapeString(sql::SQLString(value.data(), value.size()));
  sql_ += '\'';
  sql_.append(escaped.c_str(), escaped.length());
  sql_ += '\'';
  return *this;
}

SqlText& SqlText::number(long long value) {
  sql_ += std::to_string(value);
  return *this;
}

SqlText& SqlText::bytes(std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  sql_ += "X'";
  for (unsigned char b : value) {
    sql_ += kHex[b >> 4];
    sql_ += kHex[b & 15];
  }
  sql_ += '\'';
  return *this;
}

SqlText& SqlText::null() {
  sql_ += "NULL";
  return *this;
}

SqlText::~SqlText() = default;

int SqlText::execute_update() {
  statement_.reset(conn_.createStatement());
  return statement_->executeUpdate(sql_);
}

std::unique_ptr<sql::ResultSet> SqlText::execute_query() {
  statement_.reset(conn_.createStatement());
  return std::unique_ptr<sql::ResultSet>(statement_->executeQuery(sql_));
}

std::string placeholders(size_t n) {
  std::string s;
  s.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) s += i ? ",?" : "?";
  return s;
}

void execute_text(sql::Connection& c, const char* statement) {
  std::unique_ptr<sql::Statement> st(c.createStatement());
  st->execute(statement);
}

}  // namespace regdesk::store
