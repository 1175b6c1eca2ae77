#include "domain/event_rules.hpp"

#include "domain/text.hpp"

namespace regdesk {

WindowState window_state(const Event& e, Instant now) {
  if (now < e.opens_at) return WindowState::kNotOpen;
  if (now >= e.closes_at) return WindowState::kClosed;
  return WindowState::kOpen;
}

RegistrationState registration_state(const Event& e, const SeatCounts& counts, Instant now) {
  switch (window_state(e, now)) {
    case WindowState::kNotOpen:
      return RegistrationState::kNotOpen;
    case WindowState::kClosed:
      return RegistrationState::kClosed;
    case WindowState::kOpen:
      break;
  }
  return counts.full() ? RegistrationState::kFull : RegistrationState::kOpen;
}

const char* to_string(RegistrationState s) {
  switch (s) {
    case RegistrationState::kNotOpen:
      return "not_open";
    case RegistrationState::kOpen:
      return "open";
    case RegistrationState::kFull:
      return "full";
    case RegistrationState::kClosed:
      return "closed";
  }
  return "closed";
}

bool is_eligible(const Event& e, const std::string& email) {
  if (e.eligible_email_domains.empty()) return true;
  auto at = email.rfind('@');
  if (at == std::string::npos) return false;
  std::string domain = text::ascii_lower(email.substr(at + 1));
  for (const auto& allowed_raw : e.eligible_email_domains) {
    std::string allowed = text::ascii_lower(allowed_raw);
    if (domain == allowed) return true;
    if (domain.size() > allowed.size() &&
        domain.compare(domain.size() - allowed.size(), allowed.size(), allowed) == 0 &&
        domain[domain.size() - allowed.size() - 1] == '.')
      return true;
  }
  return false;
}

}  // namespace regdesk
