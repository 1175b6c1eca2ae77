#pragma once
// An event as organisers define it (config/events/*.json or the admin PUT), in domain terms.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"

namespace regdesk {

struct LocalizedText {
  std::string ja;
  std::string en;
  const std::string& in(const std::string& locale) const {
    return (locale == "en" && !en.empty()) || ja.empty() ? en : ja;
  }
};

// The sign-up form's fields. name, email and consent are always asked; the rest may be
// switched off or made optional per event.
enum class FormField { kName, kNameKana, kOrganization, kDepartment, kCategory, kPhone, kQuestion };

struct FieldRule {
  FormField field;
  bool required = false;
};

const char* to_string(FormField f);
std::optional<FormField> form_field_from_string(const std::string& s);
size_t max_length(FormField f);
// The set a Japanese symposium form asks when an event does not say otherwise.
std::vector<FieldRule> default_field_rules();

enum class Category { kIndustry, kAcademia, kCro, kHealthcare, kGovernment, kOther };
const char* to_string(Category c);
std::optional<Category> category_from_string(const std::string& s);
// 製造販売業者, アカデミア, ... (exports and pages show these)
const char* japanese_label(Category c);

// public: listed; unlisted: reachable by its link only; draft: organisers only (404 to the
// public API and pages, no sign-ups; previewable when signed in).
enum class Visibility { kPublic, kUnlisted, kDraft };
const char* to_string(Visibility v);
std::optional<Visibility> visibility_from_string(const std::string& s);

struct Contact {
  std::string name;
  std::string email;
  std::string phone;
};

// The organiser's own questions on the form (PMDA's questions for the panel, a request for
// reasonable accommodation). Answers are validated with every other field.
enum class QuestionType { kText, kTextarea, kSelect, kMulti, kCheckbox };
const char* to_string(QuestionType t);
std::optional<QuestionType> question_type_from_string(const std::string& s);

struct QuestionOption {
  std::string value;  // what the API and the exports' JSON carry
  LocalizedText label;
};

// [a-z][a-z0-9_]{0,31}: what a question id may be (it is spelled into JSON paths).
bool valid_question_id(const std::string& id);

struct Question {
  std::string id;  // [a-z][a-z0-9_]{0,31}: the key in "answers", "answers.<id>" in errors
  QuestionType type = QuestionType::kText;
  LocalizedText label;
  LocalizedText help;
  std::vector<QuestionOption> options;  // select and multi
  bool required = false;
  size_t max_length = 0;  // text and textarea; 0: 200 for text, 2000 for a textarea

  size_t length_limit() const;
  const QuestionOption* option(const std::string& value) const;
};

// After the event: a mail that long after the end, one text for those who attended and one for
// confirmed people who did not, with these links where set.
struct FollowUp {
  std::chrono::seconds after = std::chrono::hours(2);
  std::string survey_url;
  std::string materials_url;
  std::string recording_url;
};

// Certificates of attendance for registrations that attended at least `min_minutes`.
struct CertificateRule {
  int min_minutes = 0;
  LocalizedText issuer;  // the organisation named as issuing it; empty: the event's contact
};

struct Event {
  std::string slug;
  LocalizedText title;
  LocalizedText description;
  Instant starts_at;
  Instant ends_at;
  std::string timezone = "Asia/Tokyo";
  std::string venue = "online";
  long fee = 0;
  int capacity = 0;
  Instant opens_at;  // window is half-open: [opens_at, closes_at)
  Instant closes_at;
  bool waitlist_enabled = false;
  int waitlist_capacity = 0;
  std::string meeting_url;
  std::string meeting_passcode;
  int join_opens_minutes_before = 30;
  std::chrono::seconds meeting_link_before = std::chrono::hours(48);
  std::vector<std::chrono::seconds> reminders_before;
  std::vector<std::string> eligible_email_domains;  // empty: open to everyone
  // Only with an invitation (domain/invitation.hpp): a code or link from the organiser.
  bool invitation_required = false;
  Contact contact;
  std::string program_url;
  std::vector<FieldRule> fields = default_field_rules();
  std::vector<Question> questions;
  Visibility visibility = Visibility::kPublic;
  std::optional<FollowUp> follow_up;
  std::optional<CertificateRule> certificate;
  // Sign-ups wait as `pending` (no seat held) until an organiser approves or declines them.
  bool approval_required = false;
  LocalizedText decline_message;  // what declined people are told when the organiser adds nothing
  // The dated series this event is one date of ("" for none): a slug like an event's, shared by
  // the events of the series (GET /api/v1/series/{slug}, the page /series/{slug}).
  std::string series_slug;
  // What the series is called, on its page; see series_title() in domain/series.hpp for which
  // event's wins. Empty: no say.
  LocalizedText series_title;

  const FieldRule* rule_for(FormField f) const;
};

// ^[a-z0-9][a-z0-9-]{0,63}$: what an event's slug, and a series' slug, may be (both are spelled
// into page URLs).
bool valid_event_slug(const std::string& slug);

// Problems in an event definition, each naming the key ("registration.closes_at").
struct EventProblem {
  std::string key;
  std::string message;
};
std::vector<EventProblem> check_event(const Event& e);

}  // namespace regdesk
