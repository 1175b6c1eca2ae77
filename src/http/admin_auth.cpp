#include "http/admin_auth.hpp"

#include "auth/secrets.hpp"

namespace regdesk::http {

bool AdminAuth::accepts(const std::string& header) const {
  const std::string prefix = "Bearer ";
  if (header.size() <= prefix.size() || header.compare(0, prefix.size(), prefix) != 0) return false;
  const std::string presented = auth::sha256_hex(header.substr(prefix.size()));
  bool ok = false;
  // Compare against every hash without stopping early, each in constant time.
  for (const auto& h : hashes_) ok |= auth::equal_in_constant_time(h, presented);
  return ok;
}

}  // namespace regdesk::http
