#include "store/random_id.hpp"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

namespace regdesk::store {

std::string random_hex_id() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string random_code(size_t length) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string bytes(length, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(length)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  std::string out;
  out.reserve(length);
  for (unsigned char b : bytes) out += kAlphabet[b & 31];  // 256 is a multiple of 32: no bias
  return out;
}

std::string sha256(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<char*>(digest), sizeof digest);
}

}  // namespace regdesk::store
