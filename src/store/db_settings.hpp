#pragma once
// Where the database is: parsed from REGDESK_DB_URL, mysql://user:password@host:port/db or
// mysql://user:password@localhost/db?socket=/path.

#include <optional>
#include <string>

namespace regdesk::store {

struct DbSettings {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user;
  std::string password;
  std::string database;
  std::string socket;
  int connect_timeout_seconds = 2;
  int read_timeout_seconds = 10;
  size_t pool_size = 8;

  // The URL without the password, for logs.
  std::string redacted() const;
};

// nullopt with `error` set when the URL is not of that form.
std::optional<DbSettings> parse_db_url(const std::string& url, std::string& error);

}  // namespace regdesk::store
