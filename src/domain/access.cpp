#include "domain/access.hpp"

#include <algorithm>

namespace regdesk {

std::optional<Role> role_from(const std::string& name) {
  if (name == "owner") return Role::kOwner;
  if (name == "editor") return Role::kEditor;
  if (name == "viewer") return Role::kViewer;
  return std::nullopt;
}

std::string role_name(Role r) {
  switch (r) {
    case Role::kOwner:
      return "owner";
    case Role::kEditor:
      return "editor";
    case Role::kViewer:
      return "viewer";
  }
  return "viewer";
}

bool role_has(Role role, Right right) {
  switch (role) {
    case Role::kOwner:
      return true;
    case Role::kEditor:
      return right != Right::kManageAccounts && right != Right::kSeeAudit;
    case Role::kViewer:
      return right == Right::kSeeCounts;
  }
  return false;
}

bool covers_event(const Actor& actor, const std::string& slug) {
  return actor.events.empty() ||
         std::find(actor.events.begin(), actor.events.end(), slug) != actor.events.end();
}

bool may(const Actor& actor, Right right, const std::string& slug) {
  if (!role_has(actor.role, right)) return false;
  return slug.empty() || covers_event(actor, slug);
}

std::vector<std::string> split_slugs(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    if (end > start) out.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string join_slugs(const std::vector<std::string>& slugs) {
  std::string out;
  for (const auto& s : slugs) out += (out.empty() ? "" : ",") + s;
  return out;
}

bool valid_slug(const std::string& slug) {
  if (slug.empty() || slug.size() > 100) return false;
  return std::all_of(slug.begin(), slug.end(), [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

bool session_alive(Instant created, Instant last_seen, Instant now, const SessionLimits& limits) {
  return now - last_seen < limits.idle && now - created < limits.absolute;
}

}  // namespace regdesk
