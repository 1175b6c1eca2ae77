#pragma once
// Mail texts from templates/email/<kind>.<locale>.txt (embedded at build time), rendered with
// mustache. A template's first line is "Subject: ...", then a blank line, then the body.
// Thread-safe.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "domain/clock.hpp"

namespace regdesk::mail {

enum class MailKind {
  kConfirmation,
  kWaitlisted,
  kPromoted,
  kCancellation,
  kMeetingLink,
  kReminder,
  kAnnouncement,
  kFollowUpAttended,  // after the event, to those who attended: survey, materials, certificate
  kFollowUpAbsent,    // to confirmed people who did not: the recording, materials
  kPending,           // received, under review (events with approval)
  kDeclined,          // the organiser declined: the event's message and the organiser's own
  kInvitation,        // a personal invitation from an imported list: the link to sign up
};

const char* to_string(MailKind k);  // "confirmation", "waitlisted", ... (also the file name)
std::optional<MailKind> mail_kind_from_string(const std::string& s);

struct RenderedMail {
  std::string subject;
  std::string body;  // wrapped with wrap_text for Japanese mail clients
};

// `data` holds the values the templates use (see templates/email/README.md). Unknown locales
// fall back to Japanese. Throws std::runtime_error if the template is missing.
RenderedMail render_mail(MailKind kind, const std::string& locale, const nlohmann::json& data);

// "2024年2月28日(水) 14:00〜17:00（日本時間）" / "Wed 28 Feb 2024, 14:00–17:00 (Japan time)"
// in the event's zone; the zone's label is "日本時間"/"Japan time" for Asia/Tokyo, else its name.
std::string format_event_period(Instant starts, Instant ends, const std::string& zone,
                                const std::string& locale);
// One instant in the zone, "2024年2月28日(水) 13:30" / "Wed 28 Feb 2024, 13:30".
std::string format_local_time(Instant t, const std::string& zone, const std::string& locale);

}  // namespace regdesk::mail
