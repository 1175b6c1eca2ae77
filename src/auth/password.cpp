#include "auth/password.hpp"

#include <argon2.h>

#include <stdexcept>
#include <vector>

#include "auth/secrets.hpp"

namespace regdesk::auth {

namespace {
constexpr uint32_t kTimeCost = 2, kMemoryKiB = 19456, kLanes = 1, kSaltBytes = 16, kHashBytes = 32;
}  // namespace

std::string hash_password(const std::string& password) {
  const std::string salt = random_bytes(kSaltBytes);
  size_t length = argon2_encodedlen(kTimeCost, kMemoryKiB, kLanes, kSaltBytes, kHashBytes,
                                    Argon2_id);
  std::vector<char> encoded(length);
  int rc = argon2id_hash_encoded(kTimeCost, kMemoryKiB, kLanes, password.data(), password.size(),
                                 salt.data(), salt.size(), kHashBytes, encoded.data(), length);
  if (rc != ARGON2_OK) throw std::runtime_error(std::string("argon2: ") + argon2_error_message(rc));
  return std::string(encoded.data());
}

bool verify_password(const std::string& encoded_hash, const std::string& password) {
  return argon2id_verify(encoded_hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool verify_against_nobody(const std::string& password) {
  static const std::string kNobody = hash_password(random_token());
  verify_password(kNobody, password);
  return false;
}

}  // namespace regdesk::auth
