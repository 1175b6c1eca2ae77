#include "http/request_fields.hpp"

#include <algorithm>
#include <sstream>

#include "domain/text.hpp"

namespace regdesk::http {

std::string client_address(const std::string& peer, const std::string& forwarded_for,
                           const std::vector<std::string>& trusted) {
  auto is_trusted = [&](const std::string& a) {
    return std::find(trusted.begin(), trusted.end(), a) != trusted.end();
  };
  if (forwarded_for.empty() || !is_trusted(peer)) return peer;
  std::vector<std::string> hops;
  std::stringstream ss(forwarded_for);
  for (std::string hop; std::getline(ss, hop, ',');) {
    hop.erase(0, hop.find_first_not_of(' '));
    hop.erase(hop.find_last_not_of(' ') + 1);
    if (!hop.empty()) hops.push_back(hop);
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it)
    if (!is_trusted(*it)) return *it;
  return peer;
}

bool acceptable_request_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (unsigned char c : id)
    if (c < 0x21 || c > 0x7E) return false;
  return true;
}

std::string bearer_token(const std::string& header) {
  const std::string prefix = "Bearer ";
  if (header.size() <= prefix.size() || header.compare(0, prefix.size(), prefix) != 0) return "";
  return header.substr(prefix.size());
}

bool is_json_media_type(const std::string& content_type) {
  std::string type = text::ascii_lower(content_type);
  return type.compare(0, 16, "application/json") == 0 &&
         (type.size() == 16 || type[16] == ';' || type[16] == ' ');
}

bool is_report_media_type(const std::string& content_type) {
  std::string t = text::ascii_lower(content_type.substr(0, content_type.find(';')));
  t = text::trim(t);
  return t == "text/csv" || t == "text/plain" || t == "text/tab-separated-values" ||
         t == "application/octet-stream" || t == "application/vnd.ms-excel";
}

std::optional<std::string> cancel_form_token(const std::string& body) {
  auto pos = body.find("token=");
  if (pos == std::string::npos) return std::nullopt;
  return body.substr(pos + 6, body.find('&', pos) - pos - 6);
}

}  // namespace regdesk::http
