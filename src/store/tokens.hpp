#pragma once
// Mailed tokens (manage = cancel/self/certificate, join = the personal meeting link,
// unsubscribe = the List-Unsubscribe link, which can do nothing else): the registration's
// public id followed by HMAC-SHA256(key, "<kind>:<public id>") cut to 22 base64url characters
// (132 bits). Nothing about a token is stored: it is checked by computing the HMAC again, in
// constant time, and the mail worker derives it again when it renders a link. Thread-safe.

#include <mutex>
#include <optional>
#include <string>

namespace regdesk::store {

enum class TokenKind { kManage, kJoin, kUnsubscribe };

// 54 characters: the 32-hex-digit public id, then 22 base64url characters of HMAC.
std::string derive_token(const std::string& key, TokenKind kind, const std::string& public_id);
// The public id a token belongs to, when its HMAC is right; nullopt for anything else.
std::optional<std::string> token_registration(const std::string& key, TokenKind kind,
                                              const std::string& token);

// A certificate's number: "<event slug>-<registration number, 6 digits>-<8 characters of
// HMAC(key, "certificate:<public id>")>", e.g. "midnet2024-000123-K7QM2XZ4". Printed on the
// certificate and checked at /certificates/{number}: the check part means numbers cannot be
// walked to learn who attended what, and nothing about it is stored.
std::string certificate_number(const std::string& key, const std::string& slug, int number,
                               const std::string& public_id);
struct CertificateNumber {
  std::string slug;
  int number = 0;
};
// The slug and registration number a certificate number names (its check part is verified
// against the registration by comparing certificate_number again).
std::optional<CertificateNumber> parse_certificate_number(const std::string& text);

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
