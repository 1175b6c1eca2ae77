#pragma once
// The organiser bearer tokens of the configuration (they act as owners): checked against their
// SHA-256 in constant time; tokens themselves are never stored or logged.

#include <string>
#include <vector>

namespace regdesk::http {

// Thread-safe (immutable after construction).
class AdminAuth {
 public:
  // `token_hashes`: lower-case hex SHA-256 of each accepted token (auth::sha256_hex).
  explicit AdminAuth(std::vector<std::string> token_hashes) : hashes_(std::move(token_hashes)) {}
  bool accepts(const std::string& authorization_header) const;
  bool enabled() const { return !hashes_.empty(); }

 private:
  std::vector<std::string> hashes_;
};

}  // namespace regdesk::http
