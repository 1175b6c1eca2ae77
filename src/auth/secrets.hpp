#pragma once
// Random secrets from the OS's CSPRNG (OpenSSL RAND_bytes), and their digests for storage.

#include <string>

namespace regdesk::auth {

std::string random_bytes(size_t n);
// 43 base64url characters: 256 bits, for session cookies, CSRF tokens and API tokens.
std::string random_token();
// SHA-256 in lower-case hex: what is stored of a session cookie or an API token.
std::string sha256_hex(const std::string& data);
// Equal in time whatever the first difference.
bool equal_in_constant_time(const std::string& a, const std::string& b);

}  // namespace regdesk::auth
