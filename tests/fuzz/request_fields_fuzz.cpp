// The header values, query values and form bodies regdesk itself takes apart, each given the
// whole input: X-Forwarded-For (client_address), X-Request-Id, Accept-Language (pick_language),
// Authorization (bearer_token, AdminAuth), Content-Type (JSON bodies, attendance reports), the
// cancel form's body, percent-decoding of query values, RFC 3339 instants (?since=).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "auth/secrets.hpp"
#include "domain/text.hpp"
#include "domain/time.hpp"
#include "fuzz_support.hpp"
#include "http/admin_auth.hpp"
#include "http/problem.hpp"
#include "http/request_fields.hpp"

using namespace regdesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string in(reinterpret_cast<const char*>(data), size);

  // X-Forwarded-For: believed from a trusted peer only, and never names a trusted proxy.
  const std::vector<std::string> trusted = {"127.0.0.1", "10.0.0.2"};
  FUZZ_CHECK(http::client_address("203.0.113.9", in, trusted) == "203.0.113.9", std::string(in));
  const std::string client = http::client_address("127.0.0.1", in, trusted);
  if (client != "127.0.0.1") {
    FUZZ_CHECK(!client.empty() && client.find(',') == std::string::npos && client.front() != ' ' &&
                   client.back() != ' ' && in.find(client) != std::string::npos &&
                   std::find(trusted.begin(), trusted.end(), client) == trusted.end(),
               std::string(client));
  }

  const bool visible =
      std::all_of(in.begin(), in.end(), [](char c) { return c > 0x20 && c < 0x7F; });
  FUZZ_CHECK(http::acceptable_request_id(in) == (!in.empty() && in.size() <= 128 && visible),
             std::string(in));

  const std::string lang = http::pick_language(in);
  FUZZ_CHECK(lang == "ja" || lang == "en", std::string(lang));

  const std::string token = http::bearer_token(in);
  if (!token.empty()) FUZZ_CHECK("Bearer " + token == in, std::string(in));
  static const http::AdminAuth admin({auth::sha256_hex("s3cret-token")});
  FUZZ_CHECK(admin.accepts(in) == (in == "Bearer s3cret-token"), std::string(in));

  if (http::is_json_media_type(in))
    FUZZ_CHECK(text::ascii_lower(in).starts_with("application/json"), std::string(in));
  http::is_report_media_type(in);

  if (auto posted = http::cancel_form_token(in)) {
    FUZZ_CHECK(posted->find('&') == std::string::npos, std::string(*posted));
    FUZZ_CHECK(in.find("token=" + *posted) != std::string::npos, std::string(*posted));
  }

  for (bool plus_as_space : {true, false}) {
    const std::string decoded = text::percent_decode(in, plus_as_space);
    FUZZ_CHECK(decoded.size() <= in.size(), std::string(decoded));
  }

  if (auto t = parse_rfc3339(in)) {
    // What the audit trail writes and pages by reads back as the same instant.
    if (auto again = parse_rfc3339(format_utc_micros(*t)))
      FUZZ_CHECK(*again == *t, format_utc_micros(*t));
  }
  return 0;
}
