#include "mail/outbox_worker.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "codec/answers.hpp"
#include "domain/time.hpp"
#include "mail/ics.hpp"
#include "mail/templates.hpp"
#include "store/connection_pool.hpp"

namespace regdesk::mail {

namespace {

struct Address {
  std::string name, address;
};

Address parse_from(const std::string& from) {
  auto lt = from.find('<'), gt = from.rfind('>');
  if (lt == std::string::npos || gt == std::string::npos || gt < lt) return {"", from};
  std::string name = from.substr(0, lt);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
    name = name.substr(1, name.size() - 2);
  return {name, from.substr(lt + 1, gt - lt - 1)};
}

std::string domain_of(const std::string& address) {
  auto at = address.rfind('@');
  return at == std::string::npos ? "regdesk.invalid" : address.substr(at + 1);
}

std::string host_of(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  auto end = url.find_first_of(":/", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// "1日前" / "1 day" for a reminder's dedupe key ("reminder:P1D"); see templates/email/README.md.
std::string before_label(const std::string& dedupe_key, const std::string& locale) {
  auto d = parse_iso_duration(dedupe_key.substr(dedupe_key.find(':') + 1))
               .value_or(std::chrono::seconds(0));
  long long s = d.count();
  bool ja = locale != "en";
  auto unit = [&](long long n, const char* ja_unit, const char* en_unit) {
    return ja ? std::to_string(n) + ja_unit + "前"
              : std::to_string(n) + " " + en_unit + (n == 1 ? "" : "s");
  };
  if (s % 86400 == 0) return unit(s / 86400, "日", "day");
  if (s % 3600 == 0) return unit(s / 3600, "時間", "hour");
  return unit(s / 60, "分", "minute");
}

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

std::chrono::seconds WorkerSettings::longest_send() const {
  long long pacing =
      messages_per_minute > 0 ? (60 + messages_per_minute - 1) / messages_per_minute : 0;
  return std::chrono::seconds(smtp.timeout_seconds + pacing + 1);
}

size_t WorkerSettings::claim_size() const {
  if (messages_per_minute <= 0) return batch_size;
  // Paced: the sends a lease has room for (the slow-relay check below covers the rest).
  auto per_lease = static_cast<size_t>(lease.count() * messages_per_minute / 60);
  return std::clamp<size_t>(per_lease / 2, 1, batch_size);
}

std::chrono::seconds retry_delay(int attempts) {
  static constexpr int kDelays[] = {10, 30, 60, 300, 900};
  if (attempts >= 1 && attempts <= 5) return std::chrono::seconds(kDelays[attempts - 1]);
  return std::chrono::seconds(3600);
}

Message build_message(const store::OutboxItem& item, const WorkerSettings& settings, Instant now) {
  const Event& e = item.event;
  const std::string& locale = item.locale;
  const std::string base = trim_slash(settings.public_url);
  nlohmann::json data = {
      {"name", item.name},
      {"number", item.number},
      {"email", item.email},
      {"organization", item.organization},
      {"event",
       {{"title", e.title.in(locale)},
        {"period", format_event_period(e.starts_at, e.ends_at, e.timezone, locale)},
        {"program_url", e.program_url},
        {"venue_label",
         locale == "en" ? "Online (web conference)" : "オンライン（Web会議システム）"}}},
      {"contact",
       {{"name", e.contact.name}, {"email", e.contact.email}, {"phone", e.contact.phone}}},
      {"cancel_url", base + "/cancel?token=" + item.manage_token},
      {"waitlist_position", item.waitlist_position},
      {"is_late", now >= e.starts_at - e.meeting_link_before},
      {"has_meeting_link", false},
  };
  auto kind = mail_kind_from_string(item.kind);
  if (!kind) throw std::runtime_error("unknown mail kind " + item.kind);
  if (*kind == MailKind::kMeetingLink || *kind == MailKind::kReminder) {
    // The personal join link goes only in these mails, never in the calendar file.
    data["join_url"] = base + "/join/" + item.join_token;
    data["passcode"] = e.meeting_passcode;
    data["join_opens_at"] = format_local_time(
        e.starts_at - std::chrono::minutes(e.join_opens_minutes_before), e.timezone, locale);
    data["has_meeting_link"] = true;
  }
  if (*kind == MailKind::kReminder)
    data["reminder"] = {{"before_label", before_label(item.dedupe_key, locale)}};
  if (*kind == MailKind::kAnnouncement && item.announcement)
    data["announcement"] = {{"subject", item.announcement->subject.in(locale)},
                            {"body", item.announcement->body.in(locale)}};
  if (*kind == MailKind::kInvitation) {
    nlohmann::json invitation = {
        {"url", base + "/events/" + e.slug + "?invitation=" + item.invitation_code},
        {"code", item.invitation_code},
        {"opens_at", format_local_time(e.opens_at, e.timezone, locale)},
        {"closes_at", format_local_time(e.closes_at, e.timezone, locale)}};
    if (item.invitation_expires_at)
      invitation["expires_at"] = format_local_time(*item.invitation_expires_at, e.timezone, locale);
    data["invitation"] = invitation;
  }
  if (*kind == MailKind::kDeclined) {
    nlohmann::json decline = nlohmann::json::object();
    if (const auto& m = e.decline_message.in(locale); !m.empty()) decline["event_message"] = m;
    if (const auto& m = item.decline_message.in(locale); !m.empty()) decline["message"] = m;
    data["decline"] = decline;
  }
  if ((*kind == MailKind::kConfirmation || *kind == MailKind::kWaitlisted ||
       *kind == MailKind::kPending) &&
      !item.answers.empty() && !e.questions.empty()) {
    // What the person answered, so a typo is noticed while it can still be fixed.
    auto stored = nlohmann::json::parse(item.answers, nullptr, false);
    nlohmann::json answers = nlohmann::json::array();
    for (const auto& q : e.questions)
      if (std::string text = codec::answer_text(q, stored, locale); !text.empty())
        answers.push_back({{"question", q.label.in(locale)}, {"answer", text}});
    if (!answers.empty()) {
      data["answers"] = answers;
      data["has_answers"] = true;
    }
  }
  const bool bulk = *kind == MailKind::kAnnouncement || *kind == MailKind::kFollowUpAttended ||
                    *kind == MailKind::kFollowUpAbsent;
  const std::string unsubscribe_url = base + "/unsubscribe/" + item.unsubscribe_token;
  if (bulk) data["unsubscribe_url"] = unsubscribe_url;
  if (e.follow_up && (*kind == MailKind::kFollowUpAttended || *kind == MailKind::kFollowUpAbsent))
    data["follow_up"] = {{"survey_url", e.follow_up->survey_url},
                         {"materials_url", e.follow_up->materials_url},
                         {"recording_url", e.follow_up->recording_url}};
  if (*kind == MailKind::kFollowUpAttended) {
    int minutes = item.minutes_attended.value_or(0);
    if (minutes > 0) data["minutes_attended"] = std::to_string(minutes);
    if (e.certificate && minutes >= e.certificate->min_minutes)
      data["certificate_url"] = base + "/certificate/" + item.manage_token;
  }

  RenderedMail rendered = render_mail(*kind, locale, data);
  Address from = parse_from(settings.from);
  Message m;
  m.from_name = from.name;
  m.from_address = from.address;
  m.to_address = item.email;
  m.reply_to_name = e.contact.name;
  m.reply_to_address = e.contact.email;
  m.subject = rendered.subject;
  m.text_body = rendered.body;
  // Stable per outbox row: a retry after an unknown outcome carries the same Message-ID.
  m.message_id = "outbox-" + std::to_string(item.id) + "." + e.slug + "@" + domain_of(from.address);
  m.date = now;
  if (bulk) m.list_unsubscribe_url = unsubscribe_url;
  if (*kind == MailKind::kConfirmation || *kind == MailKind::kPromoted) {
    CalendarEvent cal;
    cal.uid = e.slug + "@" + host_of(settings.public_url);
    cal.starts_at = e.starts_at;
    cal.ends_at = e.ends_at;
    cal.stamp = now;
    cal.summary = e.title.in(locale);
    cal.description = e.description.in(locale);
    cal.location = locale == "en" ? "Online" : "オンライン";
    cal.url = base + "/events/" + e.slug;
    cal.organizer_name = e.contact.name;
    cal.organizer_email = e.contact.email;
    m.attachments.push_back(
        {"event.ics", "text/calendar; charset=UTF-8; method=PUBLISH", render_ics(cal)});
  }
  return m;
}

OutboxWorker::OutboxWorker(WorkerSettings settings, store::OutboxStore& outbox, const Clock& clock)
    : settings_(std::move(settings)),
      outbox_(outbox),
      clock_(clock),
      sender_(settings_.smtp),
      envelope_from_(parse_from(settings_.from).address) {}

void OutboxWorker::pace() {
  if (settings_.messages_per_minute <= 0) return;
  auto now = std::chrono::steady_clock::now();
  if (next_send_ > now) {
    std::unique_lock lock(mu_);
    wake_.wait_until(lock, next_send_, [&] { return stopping_.load(); });
  }
  next_send_ = std::max(now, next_send_) +
               std::chrono::microseconds(60'000'000 / settings_.messages_per_minute);
}

bool OutboxWorker::deliver(const store::OutboxItem& item) {
  if (item.kind == "confirmation" && item.status == "cancelled") {
    // Cancelled between queuing and sending: a confirmation now would only mislead.
    outbox_.mark_cancelled(item.id, "not sent: the registration was cancelled first");
    return true;
  }
  if (item.email.empty()) {
    // Only a purge empties an address: a mail queued as it ran (a worker's queuing that read
    // the row just before) has nobody left to go to.
    outbox_.mark_cancelled(item.id, "not sent: the registration's personal data was purged");
    return true;
  }
  Instant now = clock_.now();
  std::string mime;
  try {
    mime = render_mime(build_message(item, settings_, now));
  } catch (const std::exception& e) {
    // A template or data problem will not fix itself by retrying.
    outbox_.mark_failed(item.id, std::string("could not build the message: ") + e.what());
    return true;
  }
  pace();
  SendResult r = sender_.send(envelope_from_, item.email, mime);
  switch (r.status) {
    case SendStatus::kSent:
      outbox_.mark_sent(item.id, clock_.now());
      return true;
    case SendStatus::kPermanent:
      outbox_.mark_failed(item.id, r.detail);
      return true;
    case SendStatus::kTransient:
      if (clock_.now() - item.created_at > kGiveUpAfter)
        outbox_.mark_failed(item.id, "gave up after a day: " + r.detail);
      else
        outbox_.mark_retry(item.id, clock_.now() + retry_delay(item.attempts), r.detail);
      return r.smtp_code != 0;  // no SMTP reply at all: the relay is down or unreachable
  }
  return true;
}

size_t OutboxWorker::run_once() {
  size_t handled = 0;
  outbox_.materialize_schedules(clock_.now());
  bool relay_down = false;  // then wait for the next poll before trying the relay again
  while (!stopping_ && !relay_down) {
    // Before every claim: sign-ups go on while this sends, and their confirmations join in.
    outbox_.queue_owed_confirmations(clock_.now());
    auto items = outbox_.claim(clock_.now(), settings_.claim_size(), settings_.lease);
    if (items.empty()) break;
    // The rows are this worker's until the lease runs out; then another worker may take them.
    // A row that could not be sent before then goes back to the queue unsent, so a slow relay
    // never has two workers sending the same message.
    const auto lease_ends = std::chrono::steady_clock::now() + settings_.lease;
    size_t i = 0;
    // The rows from `i` on go back to the queue untried (their attempt is given back).
    auto give_back_rest = [&](Instant due, const char* why) {
      std::vector<long long> rest;
      for (size_t k = i; k < items.size(); ++k) rest.push_back(items[k].id);
      outbox_.release(rest, due, why);
    };
    while (i < items.size()) {
      if (stopping_) {  // a stop gives the rest back at once, for the next worker to take
        give_back_rest(clock_.now(), "not attempted: the worker stopped");
        break;
      }
      if (std::chrono::steady_clock::now() + settings_.longest_send() >= lease_ends) {
        give_back_rest(clock_.now(), "not attempted: the claim's time ran out first");
        break;
      }
      if (!deliver(items[i++])) {
        // The relay could not be reached: the row just tried has its retry time; the rest wait
        // as long, so an outage costs one statement per batch, not one failed attempt per mail.
        relay_down = true;
        give_back_rest(clock_.now() + retry_delay(1), "not attempted: the relay was unreachable");
        break;
      }
    }
    handled += i;  // attempted
  }
  sender_.reset();  // do not hold an idle connection to the relay
  return handled;
}

void OutboxWorker::run() {
  while (!stopping_) {
    try {
      run_once();
    } catch (const store::DatabaseUnavailable& e) {
      std::fprintf(stderr, "mail worker: database unavailable: %s\n", e.what());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "mail worker: %s\n", e.what());
    }
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, settings_.idle_poll, [&] { return stopping_.load(); });
  }
}

void OutboxWorker::stop() {
  stopping_ = true;
  std::lock_guard lock(mu_);
  wake_.notify_all();
}

}  // namespace regdesk::mail
