#include "auth/totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <string>

#include "auth/secrets.hpp"

namespace regdesk::auth {

namespace {

constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string base32_encode(const std::string& bytes) {
  std::string out;
  unsigned value = 0, bits = 0;
  for (unsigned char b : bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += kBase32[(value >> bits) & 31];
    }
  }
  if (bits) out += kBase32[(value << (5 - bits)) & 31];
  return out;
}

std::optional<std::string> base32_decode(const std::string& text) {
  std::string out;
  unsigned value = 0, bits = 0;
  for (char c : text) {
    if (c == '=' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    const char* at = std::char_traits<char>::find(kBase32, 32, c);
    if (!at) return std::nullopt;
    value = (value << 5) | static_cast<unsigned>(at - kBase32);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xff);
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::string percent_encode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string new_totp_secret() { return base32_encode(random_bytes(20)); }

std::string totp_uri(const std::string& issuer, const std::string& account,
                     const std::string& secret) {
  return "otpauth://totp/" + percent_encode(issuer) + ":" + percent_encode(account) +
         "?secret=" + secret + "&issuer=" + percent_encode(issuer);
}

std::optional<std::string> totp_code(const std::string& secret, int64_t step) {
  auto key = base32_decode(secret);
  if (!key) return std::nullopt;
  unsigned char counter[8];
  for (int i = 7; i >= 0; --i) {
    counter[i] = static_cast<unsigned char>(step & 0xff);
    step >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  HMAC(EVP_sha1(), key->data(), static_cast<int>(key->size()), counter, sizeof counter, mac,
       &mac_length);
  // RFC 4226 5.3, dynamic truncation.
  int offset = mac[mac_length - 1] & 0x0f;
  uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                    (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                    (static_cast<uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  std::string code = std::to_string(binary % 1000000);
  return std::string(6 - code.size(), '0') + code;
}

std::optional<int64_t> totp_accepts(const std::string& secret, const std::string& code,
                                    int64_t unix_seconds) {
  if (code.size() != 6) return std::nullopt;
  const int64_t now_step = unix_seconds / 30;
  std::optional<int64_t> accepted;
  for (int64_t step = now_step - 1; step <= now_step + 1; ++step) {
    auto expected = totp_code(secret, step);
    if (expected && equal_in_constant_time(*expected, code)) accepted = step;
  }
  return accepted;
}

}  // namespace regdesk::auth
