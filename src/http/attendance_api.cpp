// After the event over HTTP: attendance reports uploaded by organisers, the attendance summary,
// certificates of attendance (one per person from their mail, all of an event for the
// organiser's records) and the public page that verifies a certificate's number.

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "auth/secrets.hpp"
#include "certificate/certificate_pdf.hpp"
#include "codec/attendance_report.hpp"
#include "domain/attendance.hpp"
#include "domain/time.hpp"
#include "http/access.hpp"
#include "http/request_fields.hpp"
#include "mail/templates.hpp"
#include "store/attendance_store.hpp"
#include "store/connection_pool.hpp"
#include "store/event_store.hpp"
#include "store/organiser_store.hpp"
#include "store/registration_store.hpp"

namespace regdesk::http {

namespace {

// Zoom's, Webex's and Teams' exports for a 1,000-person meeting are a few hundred KiB (Teams
// writes UTF-16); Pistache's own limit for a whole request is 1 MiB.
constexpr size_t kMaxReportBytes = 1000 * 1024;

nlohmann::json unmatched_json(const std::vector<store::UnmatchedAttendee>& list) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& u : list) out.push_back({{"email", u.email}, {"name", u.name}});
  return out;
}

void import_attendance(ApiContext& ctx, const Request& req, const Responder& r) {
  if (req.body.size() > kMaxReportBytes)
    return r.problem(
        problem(413, "payload_too_large", "limit: " + std::to_string(kMaxReportBytes) + " bytes"));
  if (!is_report_media_type(req.header("content-type")))
    return r.problem(problem(415, "unsupported_media_type",
                             "Send the report as text/csv (the file as the tool exported it)."));
  std::string slug = req.params.at("slug");
  auto event = ctx.services.events.find(slug);
  if (!event) return r.problem(problem(404, "not_found"));
  auto report = codec::parse_attendance_report(req.body, event->event.timezone);
  if (!report) {
    Problem p = problem(422, "unrecognised_report", report.error().detail);
    p.extra["reason"] = report.error().code;
    return r.problem(p);
  }
  const std::string tool(codec::tool_name(report->tool));
  auto result = ctx.services.attendance.import(
      event->id, tool, auth::sha256_hex(req.body), store::reported_sessions(*report),
      ctx.services.clock.now(), audit_entry(ctx, req, "attendance_imported", slug));
  r.json(200, {{"tool", tool},
               {"rows", result.rows},
               {"matched", result.matched},
               {"registrations", result.registrations},
               {"new_sessions", result.new_sessions},
               {"unmatched", unmatched_json(result.unmatched)}});
}

void attendance_summary(ApiContext& ctx, const Request& req, const Responder& r) {
  std::string slug = req.params.at("slug");
  auto event = ctx.services.events.find(slug);
  if (!event) return r.problem(problem(404, "not_found"));
  auto s = ctx.services.attendance.summary(event->id);
  nlohmann::json out = {
      {"event", slug}, {"imports", s.imports}, {"unmatched", unmatched_json(s.last_unmatched)}};
  out["last_import_at"] =
      s.last_import_at ? nlohmann::json(format_in_zone(*s.last_import_at, event->event.timezone))
                       : nlohmann::json();
  r.json(200, out);
}

// "14:02" in the event's zone.
std::string clock_time(const std::optional<Instant>& t, const std::string& zone) {
  return t ? format_in_zone(*t, zone).substr(11, 5) : "";
}

// "2024-02-28" -> "2024年2月28日" / "28 February 2024".
std::string spelled_date(const std::string& iso, const std::string& locale) {
  static const char* kMonths[] = {"January",   "February", "March",    "April",
                                  "May",       "June",     "July",     "August",
                                  "September", "October",  "November", "December"};
  int y = std::stoi(iso.substr(0, 4)), m = std::stoi(iso.substr(5, 2)),
      d = std::stoi(iso.substr(8, 2));
  if (locale == "en") return std::to_string(d) + " " + kMonths[m - 1] + " " + std::to_string(y);
  return std::to_string(y) + "年" + std::to_string(m) + "月" + std::to_string(d) + "日";
}

struct Attendee {
  std::string name, organization, locale;
  std::optional<int> minutes;
  std::optional<Instant> from, until;
};

certificate::Certificate certificate_of(const Event& e, const Attendee& a, std::string number,
                                        const std::string& public_url, Instant now) {
  const std::string& l = a.locale == "en" ? a.locale : "ja";
  certificate::Certificate c;
  c.locale = l;
  c.person_name = a.name;
  c.organization = a.organization;
  c.event_title = e.title.in(l);
  c.event_date = mail::format_event_period(e.starts_at, e.ends_at, e.timezone, l);
  c.attended_from = clock_time(a.from, e.timezone);
  c.attended_until = clock_time(a.until, e.timezone);
  c.minutes_attended = a.minutes.value_or(0);
  const LocalizedText& issuer = e.certificate->issuer;
  c.organiser_name = issuer.ja.empty() && issuer.en.empty() ? e.contact.name : issuer.in(l);
  c.issued_on = spelled_date(local_date(now, e.timezone), l);
  std::string base = public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  c.verify_url = base + "/certificates/" + number;
  c.number = std::move(number);
  return c;
}

// The person's own certificate, from the manage token of their mails.
void my_certificate(ApiContext& ctx, const Request& req, const Responder& r) {
  std::string token = req.params.at("token");
  ctx.offload(r, [&ctx, r, token] {
    try {
      auto v = ctx.services.registrations.find_by_token(store::TokenKind::kManage, token);
      if (!v) return r.problem(problem(404, "not_found"));
      auto event = ctx.services.events.find(v->event_slug);
      if (!event) return r.problem(problem(404, "not_found"));
      const Event& e = event->event;
      if (!earns_certificate(e, v->status, v->minutes_attended))
        return r.problem(problem(403, "not_attended"));
      std::string number =
          ctx.services.registrations.certificate_number(v->event_slug, v->number, v->public_id);
      Attendee a{v->name,          v->organization,  v->locale, v->minutes_attended,
                 v->attended_from, v->attended_until};
      std::string pdf = certificate::render_one(
          certificate_of(e, a, number, ctx.settings.public_url, ctx.services.clock.now()));
      r.send(200, "application/pdf", pdf,
             {{"Content-Disposition", "inline; filename=\"certificate-" + number + ".pdf\""},
              {"Cache-Control", "private, no-store"},
              {"Referrer-Policy", "no-referrer"}});
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

// Anyone holding a number may check it: valid or not, for whom and which event.
void verify_certificate(ApiContext& ctx, const Request& req, const Responder& r) {
  std::string number = req.params.at("number");
  std::string lang = req.lang;
  ctx.offload(r, [&ctx, r, number, lang] {
    try {
      const PageTemplates& pages = ctx.pages;
      const std::string title = pages.text(lang, "certificate_title");
      auto v = ctx.services.registrations.find_by_certificate(number);
      std::optional<store::StoredEvent> event;
      if (v) event = ctx.services.events.find(v->event_slug);
      if (!v || !event || !earns_certificate(event->event, v->status, v->minutes_attended))
        return send_page(
            r, 404,
            pages.render("certificate", lang, title, {{"valid", false}, {"number", number}}));
      const Event& e = event->event;
      send_page(r, 200,
                pages.render(
                    "certificate", lang, title,
                    {{"valid", true},
                     {"number", number},
                     {"name", v->name},
                     {"organization", v->organization},
                     {"event_title", e.title.in(lang)},
                     {"when", mail::format_event_period(e.starts_at, e.ends_at, e.timezone, lang)},
                     {"minutes", std::to_string(v->minutes_attended.value_or(0))}}));
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

// Every certificate of an event in one PDF, written page by page to a temporary file and sent
// from disk, so 1,000 certificates never sit in memory.
void all_certificates(ApiContext& ctx, const Request& req, const Responder& r) {
  std::string slug = req.params.at("slug");
  auto event = ctx.services.events.find(slug);
  if (!event) return r.problem(problem(404, "not_found"));
  const Event& e = event->event;
  if (!e.certificate) {
    Problem p = problem(409, "conflict", "this event issues no certificates (no \"certificate\")");
    return r.problem(p);
  }
  ctx.services.audit.append(audit_entry(ctx, req, "certificates_exported", slug));
  char path[] = "/tmp/regdesk-certificates-XXXXXX";
  int fd = ::mkstemp(path);
  if (fd < 0) throw std::runtime_error("cannot create a temporary file");
  ::close(fd);
  int count = 0;
  try {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    certificate::PdfWriter writer(
        [&out](std::string_view bytes) {
          out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
          return static_cast<bool>(out);
        },
        e.title.in("ja"));
    const Instant now = ctx.services.clock.now();
    ctx.services.organiser.for_each_registration(
        event->id, {"confirmed"}, [&](const store::RegistrationRow& row) {
          if (!earns_certificate(e, row.status, row.minutes_attended)) return;
          std::string number =
              ctx.services.registrations.certificate_number(slug, row.number, row.public_id);
          Attendee a{row.name,          row.organization,  row.locale, row.minutes_attended,
                     row.attended_from, row.attended_until};
          if (!writer.add(certificate_of(e, a, number, ctx.settings.public_url, now)))
            throw std::runtime_error("could not write the certificates");
          ++count;
        });
    if (!writer.finish()) throw std::runtime_error("could not finish the certificates");
  } catch (...) {
    ::unlink(path);
    throw;
  }
  r.send_temporary_file(
      "application/pdf", path,
      {{"Content-Disposition", "attachment; filename=\"certificates-" + slug + ".pdf\""},
       {"X-Certificates", std::to_string(count)}});
}

}  // namespace

void add_attendance_routes(Routes& routes, ApiContext& ctx) {
  add_guarded(routes, ctx, "POST", "/api/v1/admin/events/:slug/attendance",
              "admin_attendance_import",
              [&ctx](const Request& q, const Responder& r) { import_attendance(ctx, q, r); });
  add_guarded(routes, ctx, "GET", "/api/v1/admin/events/:slug/attendance", "admin_attendance",
              [&ctx](const Request& q, const Responder& r) { attendance_summary(ctx, q, r); });
  add_guarded(routes, ctx, "GET", "/api/v1/admin/events/:slug/certificates", "admin_certificates",
              [&ctx](const Request& q, const Responder& r) { all_certificates(ctx, q, r); });
  routes.add("GET", "/certificate/:token", "certificate",
             [&ctx](const Request& q, const Responder& r) { my_certificate(ctx, q, r); });
  routes.add("GET", "/certificates/:number", "certificate_verify",
             [&ctx](const Request& q, const Responder& r) { verify_certificate(ctx, q, r); });
}

}  // namespace regdesk::http
