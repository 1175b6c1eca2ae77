#pragma once
// Unguessable identifiers: 128 bits from the OS's CSPRNG (OpenSSL RAND_bytes).

#include <string>

namespace regdesk::store {

// 32 lower-case hex characters.
std::string random_hex_id();
// SHA-256 of the input, as 32 raw bytes.
std::string sha256(const std::string& data);

}  // namespace regdesk::store
