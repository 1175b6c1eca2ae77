#pragma once
// Method + path patterns ("/api/v1/events/:slug") to handlers, with the parameters captured.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace regdesk::http {

using PathParams = std::map<std::string, std::string>;

template <typename Handler>
class Router {
 public:
  // `name` labels the route in metrics (never the raw path: that would leak tokens).
  void add(std::string method, const std::string& pattern, std::string name, Handler h) {
    routes_.push_back({std::move(method), split(pattern), std::move(name), std::move(h)});
  }

  struct Match {
    const Handler* handler = nullptr;
    size_t index = 0;  // of the route, in the order added: its name is names()[index]
    PathParams params;
    bool path_matched = false;  // some route has this path, but not this method
  };

  Match match(const std::string& method, const std::string& path) const {
    Match m;
    auto parts = split(path);
    for (const auto& r : routes_) {
      PathParams params;
      if (!matches(r.segments, parts, params)) continue;
      if (r.method != method && !(method == "HEAD" && r.method == "GET")) {
        m.path_matched = true;
        continue;
      }
      m.handler = &r.handler;
      m.index = static_cast<size_t>(&r - routes_.data());
      m.params = std::move(params);
      return m;
    }
    return m;
  }

  // Every route's name, in the order added.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& r : routes_) out.push_back(r.name);
    return out;
  }

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    std::string name;
    Handler handler;
  };

  static std::vector<std::string> split(const std::string& path) {
    std::vector<std::string> out;
    size_t start = 1;
    while (start <= path.size()) {
      size_t end = path.find('/', start);
      if (end == std::string::npos) end = path.size();
      out.push_back(path.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }

  static bool matches(const std::vector<std::string>& pattern,
                      const std::vector<std::string>& parts, PathParams& params) {
    if (pattern.size() != parts.size()) return false;
    for (size_t i = 0; i < pattern.size(); ++i) {
      if (!pattern[i].empty() && pattern[i][0] == ':') {
        if (parts[i].empty()) return false;
        params[pattern[i].substr(1)] = parts[i];
      } else if (pattern[i] != parts[i]) {
        return false;
      }
    }
    return true;
  }

  std::vector<Route> routes_;
};

}  // namespace regdesk::http
