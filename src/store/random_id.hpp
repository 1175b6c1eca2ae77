#pragma once
// Unguessable identifiers: 128 bits from the OS's CSPRNG (OpenSSL RAND_bytes).

#include <string>

namespace regdesk::store {

// 32 lower-case hex characters.
std::string random_hex_id();
// `length` characters of Crockford's base32 (5 bits each; no I, L, O, U, so a code read aloud
// or typed from paper is not misread): invitation codes.
std::string random_code(size_t length);
// SHA-256 of the input, as 32 raw bytes.
std::string sha256(const std::string& data);

}  // namespace regdesk::store
