#pragma once
// Who may do what: organiser roles, the rights they carry, and the events they carry them on.
// Every admin route names one right (src/http/access.cpp); this file decides. No I/O.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"

namespace regdesk {

// owner: everything, users and tokens included. editor: the events assigned, personal data
// and changes. viewer: the events assigned, counts only (a co-host sees numbers, no names).
enum class Role { kOwner, kEditor, kViewer };

enum class Right {
  kSeeCounts,           // event list, statistics
  kSeePersonalData,     // registrations, exports, the mail log (addresses)
  kEditEvents,          // create, change, copy an event
  kChangeRegistrations, // cancel, approve, change a registration
  kSendMail,            // announcements, resends
  kManageAccounts,      // users and API tokens
  kSeeAudit,            // the audit trail
};

std::optional<Role> role_from(const std::string& name);
std::string role_name(Role r);
bool role_has(Role role, Right right);

// Who a request is from, once authenticated.
struct Actor {
  std::string name;  // "user:ann@example.jp", "token:nightly-export", "config-token"
  Role role = Role::kViewer;
  std::vector<std::string> events;  // slugs; empty: every event
  long long user_id = 0;            // signed-in users only
  bool by_session = false;          // cookie (needs CSRF on unsafe requests), not a bearer token
};

bool covers_event(const Actor& actor, const std::string& slug);
// `slug` empty: a right not tied to one event (lists are filtered by covers_event).
bool may(const Actor& actor, Right right, const std::string& slug);

// "a,b" <-> {"a","b"}; slugs as event documents allow them, minus the comma.
std::vector<std::string> split_slugs(const std::string& list);
std::string join_slugs(const std::vector<std::string>& slugs);
bool valid_slug(const std::string& slug);

struct SessionLimits {
  std::chrono::minutes idle{30};
  std::chrono::hours absolute{12};
};
// A session ends when idle too long or old enough, whichever comes first.
bool session_alive(Instant created, Instant last_seen, Instant now, const SessionLimits& limits);

}  // namespace regdesk
