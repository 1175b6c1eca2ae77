#include "http/admin_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace regdesk::http {

namespace {
std::string digest(const std::string& data) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), d);
  return std::string(reinterpret_cast<char*>(d), sizeof d);
}

std::string from_hex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}
}  // namespace

std::string sha256_hex(const std::string& data) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : digest(data)) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

AdminAuth::AdminAuth(std::vector<std::string> token_hashes) {
  for (const auto& h : token_hashes) hashes_.push_back(from_hex(h));
}

bool AdminAuth::accepts(const std::string& header) const {
  const std::string prefix = "Bearer ";
  if (header.size() <= prefix.size() || header.compare(0, prefix.size(), prefix) != 0) return false;
  std::string presented = digest(header.substr(prefix.size()));
  bool ok = false;
  // Compare against every hash without stopping early, each in constant time.
  for (const auto& h : hashes_)
    ok |= h.size() == presented.size() && CRYPTO_memcmp(h.data(), presented.data(), h.size()) == 0;
  return ok;
}

}  // namespace regdesk::http
