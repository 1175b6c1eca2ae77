// The event document (config/events/*.json, the admin PUT body, the stored definition):
// codec::parse_event_document on any JSON, and the round trip of what it accepts. The canonical
// document is what the store keeps and reads back, so for D = event_document(parse(x)),
// parse(D) must accept it and give D again.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "codec/event_document.hpp"
#include "fuzz_support.hpp"

using namespace regdesk;
using nlohmann::json;

namespace {

std::string problems_text(const codec::EventParse& p) {
  std::string out;
  for (const auto& e : p.problems) out += e.key + ": " + e.message + "; ";
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return 0;

  const codec::EventParse first = codec::parse_event_document(doc);
  FUZZ_CHECK(first.event.has_value() == first.problems.empty(), problems_text(first));
  if (!first.event) return 0;

  const json canonical = codec::event_document(*first.event);
  const std::string canonical_text = canonical.dump();
  FUZZ_CHECK(json::parse(canonical_text) == canonical, canonical_text);

  const codec::EventParse second = codec::parse_event_document(canonical);
  FUZZ_CHECK(second.event.has_value(), "input: " + text + "   canonical: " + canonical_text +
                                           "   problems: " + problems_text(second));
  const json again = codec::event_document(*second.event);
  FUZZ_CHECK(again == canonical, "canonical: " + canonical_text + "   read back: " + again.dump());
  return 0;
}
