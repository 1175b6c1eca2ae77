// The pages: static HTML, CSS and JavaScript from the web root (web/), no build step. The
// HTML pages call the JSON API. Only plain file names are served: no traversal, no listing.

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "http/api.hpp"

namespace regdesk::http {

namespace {

const char* content_type_for(const std::string& name) {
  auto dot = name.rfind('.');
  std::string ext = dot == std::string::npos ? "" : name.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "json") return "application/json; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return nullptr;
}

bool plain_name(const std::string& name) {
  if (name.empty() || name.size() > 100 || name[0] == '.') return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_')
      return false;
  return name.find("..") == std::string::npos;
}

// Reads a regular file (never a directory or a device); nullopt when there is none.
std::optional<std::string> read_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > 8 * 1024 * 1024)
    return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void serve(const ApiContext& ctx, const Responder& r, const std::string& relative, bool is_page) {
  std::string name = relative.substr(relative.rfind('/') + 1);
  const char* type = content_type_for(name);
  auto body = type ? read_file(ctx.settings.web_root + "/" + relative) : std::nullopt;
  if (!body) return r.problem(problem(404, "not_found"));
  std::vector<std::pair<std::string, std::string>> headers = {{"X-Content-Type-Options", "nosniff"},
                                                              {"Referrer-Policy", "no-referrer"}};
  if (is_page) {
    headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                         "script-src 'self'; frame-ancestors 'none'");
    headers.emplace_back("X-Frame-Options", "DENY");
  }
  r.send(200, type, *body, headers);
}

}  // namespace

void add_static_routes(Routes& routes, ApiContext& ctx) {
  routes.add("GET", "/", "page_index",
             [&ctx](const Request&, const Responder& r) { serve(ctx, r, "index.html", true); });
  routes.add("GET", "/events/:slug", "page_event",
             [&ctx](const Request&, const Responder& r) { serve(ctx, r, "event.html", true); });
  routes.add("GET", "/admin", "page_admin",
             [&ctx](const Request&, const Responder& r) { serve(ctx, r, "admin.html", true); });
  routes.add("GET", "/admin/editor", "page_editor",
             [&ctx](const Request&, const Responder& r) { serve(ctx, r, "editor.html", true); });
  routes.add("GET", "/accessibility", "page_accessibility", [&ctx](const Request&, const Responder& r) {
    serve(ctx, r, "accessibility.html", true);
  });
  routes.add("GET", "/static/:file", "static", [&ctx](const Request& q, const Responder& r) {
    const std::string& file = q.params.at("file");
    if (!plain_name(file)) return r.problem(problem(404, "not_found"));
    serve(ctx, r, "static/" + file, false);
  });
  routes.add("GET", "/static/vendor/:file", "static", [&ctx](const Request& q, const Responder& r) {
    const std::string& file = q.params.at("file");
    if (!plain_name(file)) return r.problem(problem(404, "not_found"));
    serve(ctx, r, "static/vendor/" + file, false);
  });
}

}  // namespace regdesk::http
