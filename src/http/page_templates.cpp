#include "http/page_templates.hpp"

#include <fstream>
#include <kainjow/mustache.hpp>
#include <sstream>
#include <stdexcept>

#include "http/server.hpp"

namespace regdesk::http {

namespace {

using Mustache = kainjow::mustache::mustache;
using MustacheData = kainjow::mustache::data;

constexpr const char* kPages[] = {"layout",      "message",     "cancel", "join",
                                  "unsubscribe", "certificate", "series"};

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the page template " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

MustacheData to_mustache(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      MustacheData d{MustacheData::type::object};
      for (const auto& [k, v] : j.items()) d.set(k, to_mustache(v));
      return d;
    }
    case nlohmann::json::value_t::array: {
      MustacheData d{MustacheData::type::list};
      for (const auto& v : j) d.push_back(to_mustache(v));
      return d;
    }
    case nlohmann::json::value_t::boolean:
      return j.get<bool>() ? MustacheData{MustacheData::type::bool_true}
                           : MustacheData{MustacheData::type::bool_false};
    case nlohmann::json::value_t::string:
      return MustacheData{j.get<std::string>()};
    case nlohmann::json::value_t::null:
      return MustacheData{MustacheData::type::bool_false};
    default:
      return MustacheData{j.dump()};
  }
}

}  // namespace

PageTemplates::PageTemplates(const std::string& dir) {
  for (const char* name : kPages) {
    const std::string path = dir + "/" + name + ".mustache";
    std::string source = read_all(path);
    Mustache probe{source};
    if (!probe.is_valid()) throw std::runtime_error(path + ": " + probe.error_message());
    sources_[name] = std::move(source);
  }
  strings_ = nlohmann::json::parse(read_all(dir + "/strings.json"), nullptr, false);
  if (!strings_.is_object() || !strings_.contains("ja") || !strings_.contains("en"))
    throw std::runtime_error(dir + "/strings.json must be {\"ja\": {...}, \"en\": {...}}");
}

std::string PageTemplates::text(const std::string& lang, const std::string& key) const {
  const auto& words = strings_[lang == "en" ? "en" : "ja"];
  auto it = words.find(key);
  return it != words.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string PageTemplates::render(const std::string& page, const std::string& lang,
                                  const std::string& title, nlohmann::json data) const {
  const std::string l = lang == "en" ? "en" : "ja";
  data["lang"] = l;
  data["title"] = title;
  data["t"] = strings_[l];
  // A compiled kainjow template is not safe to share between threads: each render compiles
  // its own (a few microseconds for pages this small).
  Mustache body{sources_.at(page)};
  data["body"] = body.render(to_mustache(data));
  Mustache layout{sources_.at("layout")};
  return layout.render(to_mustache(data));
}

void send_page(const Responder& r, int status, const std::string& html) {
  r.send(status, "text/html; charset=utf-8", html,
         {{"Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"},
          {"Referrer-Policy", "no-referrer"}});
}

}  // namespace regdesk::http
