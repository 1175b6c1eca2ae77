#pragma once
// Small server-rendered pages (cancel confirmation, join waiting page). Everything
// interpolated is escaped.

#include <string>
#include <string_view>

namespace regdesk::http {

std::string html_escape(std::string_view text);
// A complete page: <!doctype html>, lang, viewport, a title and the given (already escaped)
// body HTML inside <main>.
std::string html_page(const std::string& lang, const std::string& title,
                      const std::string& body_html);

}  // namespace regdesk::http
