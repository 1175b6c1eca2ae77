#pragma once
// Mailed tokens (manage = cancel/self, join = the personal meeting link): the registration's
// public id followed by HMAC-SHA256(key, "<kind>:<public id>") cut to 22 base64url characters
// (132 bits). Nothing about a token is stored: it is checked by computing the HMAC again, in
// constant time, and the mail worker derives it again when it renders a link. Thread-safe.

#include <mutex>
#include <optional>
#include <string>

namespace regdesk::store {

enum class TokenKind { kManage, kJoin };

// 54 characters: the 32-hex-digit public id, then 22 base64url characters of HMAC.
std::string derive_token(const std::string& key, TokenKind kind, const std::string& public_id);
// The public id a token belongs to, when its HMAC is right; nullopt for anything else.
std::optional<std::string> token_registration(const std::string& key, TokenKind kind,
                                              const std::string& token);

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
