#pragma once
// RFC 9457 problem documents with the stable codes of API.md, in the request's language.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/signup.hpp"

namespace regdesk::http {

struct Problem {
  int status = 500;
  std::string code;
  std::string detail;  // optional extra human text; the title comes from the catalogue
  std::vector<FieldError> errors;
  nlohmann::json extra = nlohmann::json::object();  // e.g. waitlist_available
  int retry_after_seconds = 0;                      // sets Retry-After when > 0
};

Problem problem(int status, std::string code, std::string detail = {});
// 503 `unavailable` with Retry-After: the database could not be reached.
Problem unavailable();

// The problem document body, with title/detail/messages in `lang` ("ja" or "en").
nlohmann::json problem_body(const Problem& p, const std::string& lang);

// Picks "ja" or "en" from an Accept-Language header; Japanese is the default.
std::string pick_language(const std::string& accept_language);

}  // namespace regdesk::http
