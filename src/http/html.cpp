#include "http/html.hpp"

namespace regdesk::http {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string html_page(const std::string& lang, const std::string& title,
                      const std::string& body_html) {
  return "<!doctype html>\n<html lang=\"" + html_escape(lang) +
         "\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"robots\" content=\"noindex\">\n"
         "<title>" +
         html_escape(title) +
         "</title>\n"
         "<link rel=\"stylesheet\" href=\"/static/regdesk.css\">\n</head>\n<body>\n<main>\n" +
         body_html + "\n</main>\n</body>\n</html>\n";
}

}  // namespace regdesk::http
