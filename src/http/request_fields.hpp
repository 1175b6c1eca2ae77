#pragma once
// What regdesk reads out of the text of a request that Pistache hands over as is: the client's
// address behind trusted proxies, X-Request-Id, bearer tokens, media types, the cancel form's
// token. Pure functions over outside input (tests/fuzz/request_fields_fuzz.cpp); thread-safe.

#include <optional>
#include <string>
#include <vector>

namespace regdesk::http {

// The client is the peer, unless the peer is a trusted proxy: then the right-most address in
// X-Forwarded-For that is not itself a trusted proxy.
std::string client_address(const std::string& peer, const std::string& forwarded_for,
                           const std::vector<std::string>& trusted);

// A client's X-Request-Id is kept when it is 1 to 128 visible ASCII characters.
bool acceptable_request_id(const std::string& id);

// The token of "Authorization: Bearer <token>"; empty when the header holds no bearer token.
std::string bearer_token(const std::string& authorization);

// Content-Type application/json, with or without parameters, in any letter case.
bool is_json_media_type(const std::string& content_type);

// The media types an attendance report may be uploaded as (text/csv as the tools export it,
// and what browsers call a .csv file).
bool is_report_media_type(const std::string& content_type);

// The value of token= in the cancel page's form body (application/x-www-form-urlencoded; the
// token is base64url, which forms send as is); nullopt when the body has none.
std::optional<std::string> cancel_form_token(const std::string& body);

}  // namespace regdesk::http
