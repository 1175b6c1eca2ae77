#include "store/sql_time.hpp"

#include <cppconn/resultset.h>
#include <date/date.h>

#include <sstream>
#include <stdexcept>

#include "domain/time.hpp"

namespace regdesk::store {

std::string to_sql_time(Instant t) {
  return civil_text(t, ' ', true);
}

Instant from_sql_time(const std::string& s) {
  std::istringstream in(s);
  Instant t;
  in >> date::parse("%Y-%m-%d %H:%M:%S", t);  // %S takes the fraction as well
  if (in.fail()) throw std::runtime_error("bad DATETIME from the database: " + s);
  return t;
}

std::optional<Instant> optional_sql_time(sql::ResultSet& rs, int column) {
  if (rs.isNull(column)) return std::nullopt;
  return from_sql_time(rs.getString(column));
}

}  // namespace regdesk::store
