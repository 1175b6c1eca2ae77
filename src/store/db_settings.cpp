#include "store/db_settings.hpp"

#include <cctype>

#include "domain/text.hpp"

namespace regdesk::store {

std::string DbSettings::redacted() const {
  std::string out = "mysql://" + user + (password.empty() ? "" : ":***") + "@" + host;
  if (socket.empty()) out += ":" + std::to_string(port);
  out += "/" + database;
  if (!socket.empty()) out += "?socket=" + socket;
  return out;
}

std::optional<DbSettings> parse_db_url(const std::string& url, std::string& error) {
  const std::string scheme = "mysql://";
  if (url.compare(0, scheme.size(), scheme) != 0) {
    error = "must start with mysql://";
    return std::nullopt;
  }
  DbSettings s;
  std::string rest = url.substr(scheme.size());
  if (auto q = rest.find('?'); q != std::string::npos) {
    std::string query = rest.substr(q + 1);
    rest.resize(q);
    size_t start = 0;
    while (start <= query.size()) {
      size_t end = query.find('&', start);
      if (end == std::string::npos) end = query.size();
      std::string kv = query.substr(start, end - start);
      if (kv.rfind("socket=", 0) == 0)
        s.socket = text::percent_decode(kv.substr(7), false);
      else if (!kv.empty()) {
        error = "unknown URL parameter '" + kv + "' (only socket= is understood)";
        return std::nullopt;
      }
      start = end + 1;
    }
  }
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = userinfo.find(':');
    s.user = text::percent_decode(userinfo.substr(0, colon), false);
    if (colon != std::string::npos)
      s.password = text::percent_decode(userinfo.substr(colon + 1), false);
  }
  auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  if (slash != std::string::npos) s.database = rest.substr(slash + 1);
  if (auto colon = hostport.rfind(':'); colon != std::string::npos) {
    try {
      s.port = std::stoi(hostport.substr(colon + 1));
    } catch (const std::exception&) {
      error = "the port is not a number";
      return std::nullopt;
    }
    hostport.resize(colon);
  }
  if (!hostport.empty()) s.host = hostport;
  if (s.user.empty()) {
    error = "needs a user (mysql://user:password@host:port/db)";
    return std::nullopt;
  }
  return s;
}

}  // namespace regdesk::store
