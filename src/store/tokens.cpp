#include "store/tokens.hpp"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstdio>

namespace regdesk::store {

std::string derive_token(const std::string& key, TokenKind kind, const std::string& public_id) {
  const char* prefix = kind == TokenKind::kManage ? "manage:"
                       : kind == TokenKind::kJoin ? "join:"
                                                  : "unsubscribe:";
  std::string message = prefix + public_id;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out = public_id;
  // 22 characters of 6 bits from the first 17 bytes.
  unsigned long long acc = 0;
  int bits = 0;
  for (unsigned int i = 0; i < len && out.size() < public_id.size() + 22; ++i) {
    acc = (acc << 8) | mac[i];
    bits += 8;
    while (bits >= 6 && out.size() < public_id.size() + 22) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 63];
    }
  }
  return out;
}

std::optional<std::string> token_registration(const std::string& key, TokenKind kind,
                                              const std::string& token) {
  constexpr size_t kIdLength = 32, kMacLength = 22;
  if (token.size() != kIdLength + kMacLength) return std::nullopt;
  for (size_t i = 0; i < kIdLength; ++i)
    if (!std::isxdigit(static_cast<unsigned char>(token[i])) ||
        std::isupper(static_cast<unsigned char>(token[i])))
      return std::nullopt;
  std::string public_id = token.substr(0, kIdLength);
  std::string expected = derive_token(key, kind, public_id);
  if (CRYPTO_memcmp(expected.data(), token.data(), expected.size()) != 0) return std::nullopt;
  return public_id;
}

std::string certificate_number(const std::string& key, const std::string& slug, int number,
                               const std::string& public_id) {
  std::string message = "certificate:" + public_id;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  // Crockford's base32: no I, L, O, U, so a number read aloud or typed is not misread.
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string check;
  for (unsigned int i = 0; i < 8 && i < len; ++i) check += kAlphabet[mac[i] & 31];
  char digits[16];
  std::snprintf(digits, sizeof digits, "%06d", number);
  return slug + "-" + digits + "-" + check;
}

std::optional<CertificateNumber> parse_certificate_number(const std::string& text) {
  auto last = text.rfind('-');
  if (last == std::string::npos || last == 0 || text.size() - last - 1 != 8) return std::nullopt;
  auto middle = text.rfind('-', last - 1);
  if (middle == std::string::npos || middle == 0) return std::nullopt;
  std::string digits = text.substr(middle + 1, last - middle - 1);
  if (digits.size() < 6 || digits.size() > 9) return std::nullopt;
  for (char c : digits)
    if (c < '0' || c > '9') return std::nullopt;
  return CertificateNumber{text.substr(0, middle), std::stoi(digits)};
}

}  // namespace regdesk::store

#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>
#include <stdexcept>

namespace regdesk::store {

const std::string& TokenKey::get(sql::Connection& c) {
  std::lock_guard lock(mu_);
  if (key_.empty()) {
    std::unique_ptr<sql::Statement> st(c.createStatement());
    std::unique_ptr<sql::ResultSet> rs(
        st->executeQuery("SELECT secret FROM app_keys WHERE name = 'token'"));
    if (!rs->next()) throw std::runtime_error("no token key: run `regdesk migrate`");
    key_ = rs->getString(1);
  }
  return key_;
}

}  // namespace regdesk::store
