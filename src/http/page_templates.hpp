#pragma once
// The pages the server renders itself (cancel, join, messages), from web/templates/: markup in
// mustache templates, every {{value}} HTML-escaped (only the layout's {{{body}}}, itself a
// rendered template, is not), the words in strings.json by language. Loaded once at start.

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace regdesk::http {

class Responder;

// Thread-safe (immutable after construction).
class PageTemplates {
 public:
  // Throws std::runtime_error naming the file when a template or strings.json is missing or
  // does not parse: a broken deployment stops at start, not at a participant's click.
  explicit PageTemplates(const std::string& dir);

  // `page` inside the layout; `data` gains "lang" and "t" (the words for `lang`).
  std::string render(const std::string& page, const std::string& lang, const std::string& title,
                     nlohmann::json data) const;
  // One word of strings.json ("" for an unknown key).
  std::string text(const std::string& lang, const std::string& key) const;

 private:
  std::map<std::string, std::string> sources_;  // page name -> template text
  nlohmann::json strings_;
};

// Sends a rendered page with the headers every server page carries (a CSP that allows only our
// own resources and no framing; no Referer, since the URLs hold tokens).
void send_page(const Responder& r, int status, const std::string& html);

}  // namespace regdesk::http
