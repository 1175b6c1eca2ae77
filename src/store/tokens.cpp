#include "store/tokens.hpp"

#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "store/random_id.hpp"

namespace regdesk::store {

std::string derive_token(const std::string& key, TokenKind kind, const std::string& public_id) {
  std::string message = (kind == TokenKind::kManage ? "manage:" : "join:") + public_id;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  // 22 characters of 6 bits from the first 17 bytes.
  unsigned long long acc = 0;
  int bits = 0;
  for (unsigned int i = 0; i < len && out.size() < 22; ++i) {
    acc = (acc << 8) | mac[i];
    bits += 8;
    while (bits >= 6 && out.size() < 22) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 63];
    }
  }
  return out;
}

std::string token_hash(const std::string& token) {
  return sha256(token);
}

bool well_formed_token(const std::string& token) {
  if (token.size() != 22) return false;
  for (char c : token)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
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
