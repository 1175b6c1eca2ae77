#pragma once
// Organiser passwords as argon2id (RFC 9106), in the PHC string format that carries its own
// salt and parameters, so stronger parameters later still verify old hashes.

#include <string>

namespace regdesk::auth {

// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>": OWASP's minimum, about 30 ms here.
std::string hash_password(const std::string& password);
bool verify_password(const std::string& encoded_hash, const std::string& password);
// Verifies against a fixed hash and returns false: the same work as a real check, so an
// unknown address takes as long to refuse as a wrong password.
bool verify_against_nobody(const std::string& password);

}  // namespace regdesk::auth
