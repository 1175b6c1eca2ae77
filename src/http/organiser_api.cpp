// Organiser API: attendee exports, statistics, announcements.

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <fstream>

#include "domain/admission.hpp"
#include "domain/event_rules.hpp"
#include "domain/signup.hpp"
#include "domain/text.hpp"
#include "domain/time.hpp"
#include "export/registration_export.hpp"
#include "http/access.hpp"
#include "store/connection_pool.hpp"
#include "store/organiser_store.hpp"
#include "store/outbox_store.hpp"

namespace regdesk::http {

namespace {

Problem field_problem(const std::string& field, const std::string& code) {
  Problem p = problem(422, "validation_failed");
  p.errors.push_back({field, code});
  return p;
}

std::vector<std::string> statuses_from(const std::string& q) {
  if (q.empty()) return {};
  return {q};
}

// A query parameter that must be a whole number in [min, max]; nullopt when it is not.
std::optional<int> whole_number(const std::string& s, int min, int max) {
  if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), [](char ch) {
        return ch >= '0' && ch <= '9';
      }))
    return std::nullopt;
  int n = std::stoi(s);
  if (n < min || n > max) return std::nullopt;
  return n;
}

// The dashboard's list, a page at a time (limit, after, q): the rows of one page, how many
// match, and the cursor of the next page. Never reads the whole list.
void list_page(ApiContext& ctx, const Request& req, const Responder& r, const std::string& slug,
               const std::string& status) {
  std::string limit_text = req.query_param("limit"), after_text = req.query_param("after");
  std::optional<int> limit = limit_text.empty() ? 100 : whole_number(limit_text, 1, 500);
  if (!limit) return r.problem(field_problem("limit", "invalid"));
  std::optional<int> after = after_text.empty() ? 0 : whole_number(after_text, 0, 999999999);
  if (!after) return r.problem(field_problem("after", "invalid"));
  std::string q = req.query_param("q");
  if (!text::is_valid_utf8(q) || text::has_control_chars(q))
    return r.problem(field_problem("q", "invalid"));
  std::string search = text::trim(text::nfkc(q));
  if (text::length(search) > 200) return r.problem(field_problem("q", "too_long"));
  auto audit = audit_entry(ctx, req, "registrations_viewed", slug, "",
                           nlohmann::json{{"format", "json"},
                                          {"status", status.empty() ? "all" : status},
                                          {"after", *after},
                                          {"search", !search.empty()}}
                               .dump());
  ctx.offload(r, [&ctx, r, slug, status, search, limit = *limit, after = *after, audit] {
    try {
      auto event = ctx.services.events.find(slug);
      if (!event) return r.problem(problem(404, "not_found"));
      ctx.services.audit.append(audit);
      auto page = ctx.services.organiser.registration_page(event->id, statuses_from(status),
                                                           search, after, limit);
      nlohmann::json rows = nlohmann::json::array();
      for (const auto& row : page.rows)
        rows.push_back(exporting::row_json(row, event->event.timezone));
      r.json(200, {{"registrations", std::move(rows)},
                   {"total", page.total},
                   {"next", page.more ? nlohmann::json(page.rows.back().number) : nlohmann::json()}});
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

void export_registrations(ApiContext& ctx, const Request& req, const Responder& r) {
  std::string slug = req.params.at("slug");
  std::string status = req.query_param("status"), format = req.query_param("format"),
              encoding = req.query_param("encoding");
  if (!status.empty() && !valid_registration_status(status))
    return r.problem(field_problem("status", "invalid"));
  exporting::Format f = exporting::Format::kJson;
  if (format == "csv")
    f = exporting::Format::kCsv;
  else if (format == "xlsx")
    f = exporting::Format::kXlsx;
  else if (!format.empty() && format != "json")
    return r.problem(field_problem("format", "invalid"));
  exporting::Encoding e = exporting::Encoding::kUtf8;
  if (encoding == "cp932" || encoding == "shift_jis" || encoding == "sjis")
    e = exporting::Encoding::kCp932;
  else if (!encoding.empty() && encoding != "utf-8" && encoding != "utf8")
    return r.problem(field_problem("encoding", "invalid"));
  bool paged = !req.query_param("limit").empty() || !req.query_param("after").empty() ||
               !req.query_param("q").empty();
  if (paged && f != exporting::Format::kJson)
    return r.problem(field_problem("format", "paging_is_json_only"));
  if (paged) return list_page(ctx, req, r, slug, status);

  // A list read as JSON is a view; a file is an export. Either is in the trail before any
  // row leaves.
  auto audit = audit_entry(
      ctx, req, f == exporting::Format::kJson ? "registrations_viewed" : "export", slug, "",
      nlohmann::json{{"format", exporting::file_extension(f)},
                     {"status", status.empty() ? "all" : status}}
          .dump());
  ctx.offload(r, [&ctx, r, slug, status, f, e, audit] {
    try {
      auto event = ctx.services.events.find(slug);
      if (!event) return r.problem(problem(404, "not_found"));
      ctx.services.audit.append(audit);
      // Written to a private temporary file row by row, then sent from disk: memory stays
      // bounded whatever the number of rows.
      char path[] = "/tmp/regdesk-export-XXXXXX";
      int fd = ::mkstemp(path);
      if (fd < 0) throw std::runtime_error("cannot create a temporary file");
      ::close(fd);
      size_t replaced = 0;
      try {
        std::ofstream out;
        if (f != exporting::Format::kXlsx) out.open(path, std::ios::binary | std::ios::trunc);
        auto writer = exporting::make_writer(f, e, event->event, &out, path);
        ctx.services.organiser.for_each_registration(
            event->id, statuses_from(status),
            [&](const store::RegistrationRow& row) { writer->row(row); });
        writer->finish();
        replaced = writer->replaced_characters();
      } catch (...) {
        ::unlink(path);
        throw;
      }
      std::string name = "registrations-" + slug + (status.empty() ? "" : "-" + status) + "." +
                         exporting::file_extension(f);
      r.send_temporary_file(exporting::content_type(f, e), path,
                            {{"Content-Disposition", "attachment; filename=\"" + name + "\""},
                             {"X-Replaced-Characters", std::to_string(replaced)}});
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

void stats(ApiContext& ctx, const Request& req, const Responder& r) {
  std::string slug = req.params.at("slug");
  ctx.offload(r, [&ctx, r, slug] {
    try {
      auto event = ctx.services.events.find(slug);
      if (!event) return r.problem(problem(404, "not_found"));
      auto s = ctx.services.organiser.stats(event->id);
      const std::string& zone = event->event.timezone;
      std::map<std::string, int> per_day;  // the event's days, not UTC's
      for (const auto& [bucket, n] : s.signups_per_quarter_hour)
        per_day[local_date(bucket, zone)] += n;
      nlohmann::json days = nlohmann::json::array();
      for (const auto& [day, n] : per_day) days.push_back({{"date", day}, {"count", n}});
      nlohmann::json by_status = nlohmann::json::object();
      for (const char* status : kRegistrationStatuses) by_status[status] = 0;
      for (const auto& [k, n] : s.by_status) by_status[k] = n;
      nlohmann::json by_category = nlohmann::json::object();
      for (const char* c : {"industry", "academia", "cro", "healthcare", "government", "other"})
        by_category[c] = 0;
      for (const auto& [k, n] : s.by_category) by_category[k] = n;
      nlohmann::json mail = {
          {"queued", 0}, {"sending", 0}, {"sent", 0}, {"failed", 0}, {"cancelled", 0}};
      for (const auto& [k, n] : ctx.services.outbox.counts_by_state(event->id)) mail[k] = n;
      const auto& a = s.attendance;
      nlohmann::json minutes = nlohmann::json::array();
      for (const auto& [from, n] : a.minutes_bands)
        minutes.push_back({{"from", from}, {"count", n}});
      nlohmann::json attendance = {
          {"confirmed", a.confirmed},
          {"attended", a.attended},
          {"joined_by_button", a.joined_by_button},
          {"in_reports", a.in_reports},
          {"unsubscribed", a.unsubscribed},
          {"rate", a.confirmed ? static_cast<double>(a.attended) / a.confirmed : 0.0},
          {"minutes", minutes},
          {"certificate_min_minutes", event->event.certificate
                                          ? nlohmann::json(event->event.certificate->min_minutes)
                                          : nlohmann::json()}};
      r.json(
          200,
          {{"event", slug},
           {"capacity", event->counts.capacity},
           {"seats_remaining", event->counts.seats_remaining()},
           {"registration_state",
            to_string(registration_state(event->event, event->counts, ctx.services.clock.now()))},
           {"counts", by_status},
           {"approval", event->event.approval_required ? "required" : "none"},
           {"invitation_required", event->event.invitation_required},
           {"by_category", by_category},
           {"signups_per_day", days},
           {"mail", mail},
           {"joins", s.joins},
           {"attendance", attendance},
           {"answers", ctx.services.organiser.answer_counts(event->id, event->event.questions)}});
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

// {"ja": "...", "en": "..."} or a plain string (taken as both). Empty: nullopt.
std::optional<LocalizedText> localized(const nlohmann::json& body, const char* key, bool one_line,
                                       size_t max_chars, std::vector<FieldError>& errors) {
  auto it = body.find(key);
  LocalizedText t;
  if (it == body.end() || it->is_null()) {
    errors.push_back({key, "required"});
    return std::nullopt;
  }
  if (it->is_string()) {
    t.ja = t.en = it->get<std::string>();
  } else if (it->is_object()) {
    if (it->contains("ja") && (*it)["ja"].is_string()) t.ja = (*it)["ja"].get<std::string>();
    if (it->contains("en") && (*it)["en"].is_string()) t.en = (*it)["en"].get<std::string>();
    if (t.ja.empty()) t.ja = t.en;
    if (t.en.empty()) t.en = t.ja;
  } else {
    errors.push_back({key, "invalid_type"});
    return std::nullopt;
  }
  if (text::trim(t.ja).empty()) {
    errors.push_back({key, "required"});
    return std::nullopt;
  }
  for (const auto* s : {&t.ja, &t.en}) {
    if (text::has_control_chars(*s, /*allow_newlines=*/!one_line)) {
      errors.push_back({key, "control_characters"});
      return std::nullopt;
    }
    if (text::length(*s) > max_chars) {
      errors.push_back({key, "too_long"});
      return std::nullopt;
    }
  }
  return t;
}

void announce(ApiContext& ctx, const Request& req, const Responder& r) {
  nlohmann::json body;
  if (!parse_json_body(req, r, ctx, body)) return;
  std::vector<FieldError> errors;
  auto subject = localized(body, "subject", /*one_line=*/true, 200, errors);
  auto text = localized(body, "body", /*one_line=*/false, 10000, errors);
  std::string audience = "confirmed";
  if (auto it = body.find("to"); it != body.end() && it->is_string())
    audience = *it;
  else if (it != body.end())
    errors.push_back({"to", "invalid_type"});
  auto to = store::audience_from_string(audience).value_or(store::Audience::kConfirmed);
  if (!store::audience_from_string(audience)) errors.push_back({"to", "invalid"});
  if (!errors.empty()) {
    Problem p = problem(422, "validation_failed");
    p.errors = std::move(errors);
    return r.problem(p);
  }
  std::string slug = req.params.at("slug");
  auto audit = audit_entry(ctx, req, "announcement_sent", slug);
  ctx.offload(r, [&ctx, r, slug, to, subject = *subject, text = *text, audience, audit] {
    try {
      auto event = ctx.services.events.find(slug);
      if (!event) return r.problem(problem(404, "not_found"));
      auto [id, recipients] = ctx.services.organiser.announce(event->id, to, subject, text,
                                                              ctx.services.clock.now(), audit);
      r.json(202, {{"id", id}, {"to", audience}, {"recipients", recipients}});
    } catch (const store::DatabaseUnavailable&) {
      r.problem(unavailable());
    }
  });
}

}  // namespace

void add_organiser_routes(Routes& routes, ApiContext& ctx) {
  add_guarded(routes, ctx, "GET", "/api/v1/admin/events/:slug/registrations", "admin_export",
              [&ctx](const Request& q, const Responder& r) { export_registrations(ctx, q, r); });
  add_guarded(routes, ctx, "GET", "/api/v1/admin/events/:slug/stats", "admin_stats",
              [&ctx](const Request& q, const Responder& r) { stats(ctx, q, r); });
  add_guarded(routes, ctx, "POST", "/api/v1/admin/events/:slug/announcements", "admin_announce",
              [&ctx](const Request& q, const Responder& r) { announce(ctx, q, r); });
}

}  // namespace regdesk::http
