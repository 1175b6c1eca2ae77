#pragma once
// Mailed tokens (manage = cancel/self, join = the personal meeting link): derived as
// HMAC-SHA256(key, "<kind>:<registration public id>"), 128+ bits, base64url. Nothing stores a
// token; registrations store SHA-256(token) for lookup, and the mail worker derives the token
// again when it renders a link. Thread-safe.

#include <mutex>
#include <string>

namespace regdesk::store {

enum class TokenKind { kManage, kJoin };

// 22 base64url characters (132 bits).
std::string derive_token(const std::string& key, TokenKind kind, const std::string& public_id);
// SHA-256 of the token, as 32 raw bytes (the column value).
std::string token_hash(const std::string& token);
// Tokens from outside are checked for shape before any lookup.
bool well_formed_token(const std::string& token);

}  // namespace regdesk::store

namespace sql {
class Connection;
}

namespace regdesk::store {

// The token key of the database a pool points at, read once (it never changes).
// Thread-safe.
class TokenKey {
 public:
  const std::string& get(sql::Connection& c);

 private:
  std::mutex mu_;
  std::string key_;
};

}  // namespace regdesk::store
