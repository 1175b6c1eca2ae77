// The list of people to invite as organisers upload it (POST .../invitations/import): any bytes
// through codec::parse_invitee_list. The header promises that any byte string is safe input,
// that every invitee kept has a valid, distinct address, and that the list is bounded.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "codec/invitee_list.hpp"
#include "domain/signup.hpp"
#include "domain/text.hpp"
#include "fuzz_support.hpp"

using namespace regdesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto list = codec::parse_invitee_list(bytes);
  FUZZ_CHECK(list.invitees.size() <= codec::kMaxInvitees, "bounded");
  std::set<std::string> keys;
  int last_line = 0;
  for (const auto& person : list.invitees) {
    FUZZ_CHECK(is_valid_email(person.email), person.email);
    FUZZ_CHECK(normalize_email(person.email) == person.email, person.email);
    FUZZ_CHECK(keys.insert(text::ascii_lower(person.email)).second, "distinct: " + person.email);
    for (const std::string* s : {&person.name, &person.organization}) {
      FUZZ_CHECK(text::is_valid_utf8(*s), *s);
      FUZZ_CHECK(text::trim(*s) == *s, *s);
    }
    FUZZ_CHECK(text::length(person.name) <= 100 && text::length(person.organization) <= 200, "long");
    FUZZ_CHECK(person.line > last_line, "in file order");
    last_line = person.line;
  }
  static const std::set<std::string> kReasons = {"invalid_email", "duplicate", "too_long"};
  for (const auto& p : list.problems) FUZZ_CHECK(kReasons.count(p.reason) == 1, p.reason);
  return 0;
}
