#pragma once
// Invitations: events only for those invited (a briefing for the corporations that signed the
// NDA, announced through each one's contact person). An invitation is a code, for one
// organisation (any number of people, up to max_uses) or for one person (their address only).
// The rules are pure; the store applies them inside the admission transaction. No I/O.

#include <optional>
#include <string>

#include "domain/clock.hpp"

namespace regdesk {

// What a person may type or a link may carry, made comparable: NFKC (full-width letters),
// spaces and hyphens dropped, upper case. nullopt unless 4..32 of [0-9A-Z] remain.
std::optional<std::string> normalize_invitation_code(const std::string& raw);

// An invitation as stored, at the moment a sign-up presents it.
struct Invitation {
  long long id = 0;
  std::string code;
  std::string organization;
  std::string email_key;  // a personal invitation: only this address; "" for an organisation's
  std::optional<int> max_uses;
  int uses = 0;  // active registrations made with it
  std::optional<Instant> expires_at;
};

enum class InvitationVerdict {
  kAccepted,  // counts against its uses (admission checks the limit in arrival order)
  kIgnored,   // the event takes everyone and the code is unknown or spent: signed up without it
  kRequired,  // 403 invitation_required: none, unknown, or another person's
  kUsedUp,    // 409 invitation_used_up: expired (the use limit is admission's to apply)
};

// `found` is the event's invitation with the presented code (nullptr when none was presented
// or none has it); `email_key` the applicant's duplicate key; `at` when the sign-up arrived.
InvitationVerdict judge_invitation(const Invitation* found, bool invitation_required,
                                   const std::string& email_key, Instant at);

}  // namespace regdesk
