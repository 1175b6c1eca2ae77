#pragma once
// Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA1, 30-second steps, six
// digits, the format every authenticator app reads from an otpauth:// URI.

#include <cstdint>
#include <optional>
#include <string>

namespace regdesk::auth {

// 20 random bytes in base32 (RFC 4648, no padding): what the user's app is given.
std::string new_totp_secret();
// otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER, for a QR code or manual entry.
std::string totp_uri(const std::string& issuer, const std::string& account,
                     const std::string& base32_secret);
// The code for one 30-second step (unix seconds / 30); nullopt when the secret is not base32.
std::optional<std::string> totp_code(const std::string& base32_secret, int64_t step);
// The step `code` belongs to, when it is right for `unix_seconds` give or take one step (the
// phone's clock drifts); the caller refuses a step it has already accepted (no replay).
std::optional<int64_t> totp_accepts(const std::string& base32_secret, const std::string& code,
                                    int64_t unix_seconds);

}  // namespace regdesk::auth
