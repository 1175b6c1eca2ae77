#pragma once
// A mail message and its MIME wire form, built by the project: UTF-8 throughout, headers
// RFC 2047 B-encoded without splitting a character, bodies base64, CRLF line ends.
// Pure functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.hpp"

namespace regdesk::mail {

struct Attachment {
  std::string filename;      // "event.ics"
  std::string content_type;  // "text/calendar; charset=UTF-8; method=PUBLISH"
  std::string data;          // raw bytes; base64-encoded on the wire
};

struct Message {
  std::string from_name;  // display name, may be Japanese
  std::string from_address;
  std::string to_address;
  std::string reply_to_name;  // the event's contact; empty: no Reply-To
  std::string reply_to_address;
  std::string subject;    // UTF-8, one line
  std::string text_body;  // UTF-8, LF line ends (converted to CRLF on the wire)
  std::vector<Attachment> attachments;
  std::string message_id;  // without angle brackets: "outbox-42.regdesk@example.jp"
  Instant date;
  // Announcements and follow-ups: the one-click opt-out (RFC 8058) that Gmail's and Yahoo's
  // rules for bulk senders ask for; empty for transactional mail.
  std::string list_unsubscribe_url;
};

// The whole message for SMTP DATA: headers (From, To, Reply-To, Subject, Date, Message-ID,
// List-Unsubscribe and List-Unsubscribe-Post when set, MIME-Version, Content-Type...), a text/plain
// part and the attachments (multipart/mixed when there are attachments). Throws
// std::invalid_argument if an address or the subject contains CR or LF (nothing user-typed may
// reach a header unescaped).
std::string render_mime(const Message& m);

// "=?UTF-8?B?...?=" encoded-words for non-ASCII text (each at most 75 characters, never
// splitting a UTF-8 sequence), joined by CRLF SP folding; pure ASCII text is returned as is.
std::string encode_header_text(std::string_view utf8);
// "表示名 <addr>" with the name encoded as needed; just the address when the name is empty.
std::string format_address(std::string_view display_name, std::string_view address);
// RFC 5322 date, e.g. "Wed, 28 Feb 2024 05:00:00 +0000".
std::string rfc5322_date(Instant t);
// Wraps plain text so no line is wider than max_columns, counting East Asian wide characters
// as 2 columns (35 full-width characters in 70 columns). Breaks Latin text at spaces, CJK text
// between any two characters (but not before 、。）」 and the like), never inside a URL.
std::string wrap_text(std::string_view utf8, size_t max_columns = 70);
std::string base64(std::string_view data);

}  // namespace regdesk::mail
