#pragma once
// Instants <-> DATETIME(6) text in UTC ("2024-01-15 01:00:00.000000"), the only form the
// sessions use (time_zone is '+00:00').

#include <optional>
#include <string>

#include "domain/clock.hpp"

namespace sql {
class ResultSet;
}

namespace regdesk::store {

std::string to_sql_time(Instant t);
Instant from_sql_time(const std::string& s);
// A nullable DATETIME column of a result row: nullopt for NULL.
std::optional<Instant> optional_sql_time(sql::ResultSet& rs, int column);

}  // namespace regdesk::store
