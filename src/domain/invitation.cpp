#include "domain/invitation.hpp"

#include "domain/text.hpp"

namespace regdesk {

std::optional<std::string> normalize_invitation_code(const std::string& raw) {
  std::string code;
  for (char c : text::nfkc(raw)) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return std::nullopt;
    code += c;
  }
  if (code.size() < 4 || code.size() > 32) return std::nullopt;
  return code;
}

InvitationVerdict judge_invitation(const Invitation* found, bool invitation_required,
                                   const std::string& email_key, Instant at) {
  const auto refused = invitation_required ? InvitationVerdict::kRequired : InvitationVerdict::kIgnored;
  if (!found) return refused;
  if (!found->email_key.empty() && found->email_key != email_key) return refused;
  if (found->expires_at && at >= *found->expires_at)
    return invitation_required ? InvitationVerdict::kUsedUp : InvitationVerdict::kIgnored;
  return InvitationVerdict::kAccepted;
}

}  // namespace regdesk
