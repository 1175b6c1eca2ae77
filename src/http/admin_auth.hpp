#pragma once
// Organiser bearer tokens: checked against SHA-256 hashes in constant time; tokens themselves
// are never stored or logged.

#include <string>
#include <vector>

namespace regdesk::http {

// Thread-safe (immutable after construction).
class AdminAuth {
 public:
  // `token_hashes`: lower-case hex SHA-256 of each accepted token.
  explicit AdminAuth(std::vector<std::string> token_hashes);
  bool accepts(const std::string& authorization_header) const;
  bool enabled() const { return !hashes_.empty(); }

 private:
  std::vector<std::string> hashes_;  // raw 32-byte digests
};

std::string sha256_hex(const std::string& data);

}  // namespace regdesk::http
