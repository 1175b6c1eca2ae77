#include "codec/event_document.hpp"

#include <limits>
#include <set>

#include "domain/time.hpp"

namespace regdesk::codec {

using nlohmann::json;

namespace {

// Walks one JSON object, remembering which keys were read, so leftovers are reported.
class Reader {
 public:
  Reader(const json& obj, std::string path, std::vector<EventProblem>& problems)
      : obj_(obj), path_(std::move(path)), problems_(problems) {}

  ~Reader() {
    if (!obj_.is_object()) return;
    for (auto it = obj_.begin(); it != obj_.end(); ++it)
      if (!seen_.count(it.key())) problems_.push_back({key(it.key()), "unknown key"});
  }

  bool is_object() const { return obj_.is_object(); }
  std::string key(const std::string& k) const { return path_.empty() ? k : path_ + "." + k; }
  void fail(const std::string& k, const std::string& m) { problems_.push_back({key(k), m}); }

  const json* get(const std::string& k, bool required) {
    seen_.insert(k);
    auto it = obj_.find(k);
    if (it == obj_.end() || it->is_null()) {
      if (required) fail(k, "required");
      return nullptr;
    }
    return &*it;
  }

  // A nested section ("waitlist": {...}); anything but an object is reported, not ignored.
  const json* section(const std::string& k, bool required) {
    const json* v = get(k, required);
    if (v && !v->is_object()) {
      fail(k, "must be an object");
      return nullptr;
    }
    return v;
  }

  void string(const std::string& k, std::string& out, bool required = false) {
    if (const json* v = get(k, required)) {
      if (v->is_string())
        out = v->get<std::string>();
      else
        fail(k, "must be a string");
    }
  }

  template <typename Int>
  void integer(const std::string& k, Int& out, bool required = false) {
    if (const json* v = get(k, required)) {
      if (!v->is_number_integer()) return fail(k, "must be an integer");
      // get<Int>() would wrap silently (capacity 4294967297 became 1).
      bool fits = v->is_number_unsigned()
                      ? v->get<unsigned long long>() <=
                            static_cast<unsigned long long>(std::numeric_limits<Int>::max())
                      : v->get<long long>() >= std::numeric_limits<Int>::min() &&
                            v->get<long long>() <= std::numeric_limits<Int>::max();
      if (fits)
        out = v->get<Int>();
      else
        fail(k, "is out of range");
    }
  }

  void boolean(const std::string& k, bool& out) {
    if (const json* v = get(k, false)) {
      if (v->is_boolean())
        out = v->get<bool>();
      else
        fail(k, "must be true or false");
    }
  }

  // An empty string is a bad value, not an absent key (it used to leave the epoch in place).
  void instant(const std::string& k, Instant& out) {
    const json* v = get(k, true);
    if (!v) return;
    if (!v->is_string()) return fail(k, "must be a string");
    // Whole seconds, as event_document() writes them: a fraction would be lost on the way to
    // the store, and with it the order of two times within one second.
    if (auto t = parse_rfc3339(v->get<std::string>()))
      out = std::chrono::floor<std::chrono::seconds>(*t);
    else
      fail(k, "must be an RFC 3339 instant with offset, e.g. 2024-02-28T14:00:00+09:00");
  }

  void duration(const std::string& k, std::chrono::seconds& out) {
    const json* v = get(k, false);
    if (!v) return;
    if (!v->is_string()) return fail(k, "must be a string");
    if (auto d = parse_iso_duration(v->get<std::string>()))
      out = *d;
    else
      fail(k, "must be an ISO 8601 duration such as P2D or PT1H");
  }

  void localized(const std::string& k, LocalizedText& out, bool required) {
    const json* v = get(k, required);
    if (!v) return;
    if (v->is_string()) {  // a plain string is taken as Japanese, the default language
      out.ja = v->get<std::string>();
      return;
    }
    Reader r(*v, key(k), problems_);
    if (!r.is_object()) return fail(k, "must be {\"ja\": ..., \"en\": ...}");
    r.string("ja", out.ja);
    r.string("en", out.en);
  }

 private:
  const json& obj_;
  std::string path_;
  std::vector<EventProblem>& problems_;
  std::set<std::string> seen_;
};

void read_fields(const json& arr, const std::string& path, std::vector<EventProblem>& problems,
                 std::vector<FieldRule>& out) {
  if (!arr.is_array()) return problems.push_back({path, "must be a list"});
  out.clear();
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string p = path + "[" + std::to_string(i) + "]";
    std::string name;
    FieldRule rule{FormField::kName, false};
    if (arr[i].is_string()) {
      name = arr[i].get<std::string>();
      rule.required = true;
    } else {
      Reader r(arr[i], p, problems);
      if (!r.is_object()) {
        problems.push_back({p, "must be a field name or {\"name\", \"required\"}"});
        continue;
      }
      r.string("name", name, true);
      rule.required = true;
      r.boolean("required", rule.required);
    }
    if (name == "email" || name == "consent_privacy") continue;  // always asked
    auto f = form_field_from_string(name);
    if (!f) {
      problems.push_back({p, "unknown field '" + name + "'"});
      continue;
    }
    rule.field = *f;
    out.push_back(rule);
  }
}

void read_questions(const json& arr, std::vector<EventProblem>& problems,
                    std::vector<Question>& out) {
  if (!arr.is_array()) return problems.push_back({"questions", "must be a list"});
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string path = "questions[" + std::to_string(i) + "]";
    Reader r(arr[i], path, problems);
    if (!r.is_object()) {
      problems.push_back({path, "must be {\"id\", \"type\", \"label\", ...}"});
      continue;
    }
    Question q;
    r.string("id", q.id, true);
    std::string type = "text";
    r.string("type", type, true);
    if (auto t = question_type_from_string(type))
      q.type = *t;
    else
      r.fail("type", "must be text, textarea, select, multi or checkbox");
    r.localized("label", q.label, true);
    r.localized("help", q.help, false);
    r.boolean("required", q.required);
    r.integer("max_length", q.max_length);
    if (const json* options = r.get("options", false)) {
      if (!options->is_array()) {
        r.fail("options", "must be a list of {\"value\", \"label\"}");
      } else {
        for (size_t k = 0; k < options->size(); ++k) {
          Reader o((*options)[k], path + ".options[" + std::to_string(k) + "]", problems);
          if (!o.is_object()) {
            r.fail("options[" + std::to_string(k) + "]", "must be {\"value\", \"label\"}");
            continue;
          }
          QuestionOption option;
          o.string("value", option.value, true);
          o.localized("label", option.label, true);
          q.options.push_back(std::move(option));
        }
      }
    }
    out.push_back(std::move(q));
  }
}

json localized_json(const LocalizedText& t) {
  return {{"ja", t.ja}, {"en", t.en}};
}

}  // namespace

json questions_document(const std::vector<Question>& questions) {
  json out = json::array();
  for (const auto& q : questions) {
    json j = {{"id", q.id},
              {"type", to_string(q.type)},
              {"label", localized_json(q.label)},
              {"required", q.required}};
    if (!q.help.ja.empty() || !q.help.en.empty()) j["help"] = localized_json(q.help);
    if (q.max_length) j["max_length"] = q.max_length;
    if (!q.options.empty()) {
      j["options"] = json::array();
      for (const auto& o : q.options)
        j["options"].push_back({{"value", o.value}, {"label", localized_json(o.label)}});
    }
    out.push_back(std::move(j));
  }
  return out;
}

EventParse parse_event_document(const json& doc) {
  EventParse result;
  auto& problems = result.problems;
  Event e;
  {
    Reader r(doc, "", problems);
    if (!r.is_object()) {
      problems.push_back({"", "the event must be a JSON object"});
      return result;
    }
    r.string("slug", e.slug, true);
    r.localized("title", e.title, true);
    r.localized("description", e.description, false);
    r.instant("starts_at", e.starts_at);
    r.instant("ends_at", e.ends_at);
    r.string("timezone", e.timezone);
    r.string("venue", e.venue);
    r.integer("fee", e.fee);
    r.integer("capacity", e.capacity, true);
    r.string("program_url", e.program_url);
    if (const json* v = r.section("registration", true)) {
      Reader reg(*v, "registration", problems);
      reg.instant("opens_at", e.opens_at);
      reg.instant("closes_at", e.closes_at);
      std::string approval = "none";
      reg.string("approval", approval);
      if (approval == "required")
        e.approval_required = true;
      else if (approval != "none")
        reg.fail("approval", "must be \"none\" or \"required\"");
      reg.localized("decline_message", e.decline_message, false);
      // Read-only keys of the public view; accepted so a GET body can be PUT back.
      for (const char* k : {"state", "seats_remaining", "waitlist_available"}) reg.get(k, false);
    }
    if (const json* v = r.section("waitlist", false)) {
      Reader w(*v, "waitlist", problems);
      w.boolean("enabled", e.waitlist_enabled);
      w.integer("capacity", e.waitlist_capacity);
    }
    if (const json* v = r.section("meeting", false)) {
      Reader m(*v, "meeting", problems);
      m.string("url", e.meeting_url);
      m.string("passcode", e.meeting_passcode);
      m.integer("join_opens_minutes_before", e.join_opens_minutes_before);
    }
    if (const json* v = r.section("mail", false)) {
      Reader m(*v, "mail", problems);
      m.duration("meeting_link_before", e.meeting_link_before);
      if (const json* list = m.get("reminders_before", false)) {
        if (!list->is_array()) {
          m.fail("reminders_before", "must be a list of ISO 8601 durations");
        } else {
          for (size_t i = 0; i < list->size(); ++i) {
            auto d = (*list)[i].is_string() ? parse_iso_duration((*list)[i].get<std::string>())
                                            : std::nullopt;
            if (d)
              e.reminders_before.push_back(*d);
            else
              m.fail("reminders_before[" + std::to_string(i) + "]", "must be like P1D or PT1H");
          }
        }
      }
    }
    if (const json* v = r.section("eligibility", false)) {
      Reader el(*v, "eligibility", problems);
      el.boolean("invitation_required", e.invitation_required);
      if (const json* list = el.get("email_domains", false)) {
        if (!list->is_array())
          el.fail("email_domains", "must be a list of domains");
        else
          for (const auto& d : *list) {
            if (d.is_string())
              e.eligible_email_domains.push_back(d.get<std::string>());
            else
              el.fail("email_domains", "must be a list of domains");
          }
      }
    }
    if (const json* v = r.section("contact", false)) {
      Reader c(*v, "contact", problems);
      c.string("name", e.contact.name);
      c.string("email", e.contact.email);
      c.string("phone", e.contact.phone);
    }
    if (const json* v = r.get("fields", false)) read_fields(*v, "fields", problems, e.fields);
    if (const json* v = r.get("questions", false)) read_questions(*v, problems, e.questions);
    if (const json* v = r.section("follow_up", false)) {
      Reader f(*v, "follow_up", problems);
      FollowUp follow_up;
      f.duration("after", follow_up.after);
      f.string("survey_url", follow_up.survey_url);
      f.string("materials_url", follow_up.materials_url);
      f.string("recording_url", follow_up.recording_url);
      e.follow_up = follow_up;
    }
    if (const json* v = r.section("certificate", false)) {
      Reader c(*v, "certificate", problems);
      CertificateRule rule;
      c.integer("min_minutes", rule.min_minutes, true);
      c.localized("issuer", rule.issuer, false);
      e.certificate = rule;
    }
    r.string("series", e.series_slug);
    r.localized("series_title", e.series_title, false);
    std::string visibility = "public";
    r.string("visibility", visibility);
    if (auto v = visibility_from_string(visibility))
      e.visibility = *v;
    else
      r.fail("visibility", "must be \"public\", \"unlisted\" or \"draft\"");
  }
  if (!problems.empty()) return result;
  problems = check_event(e);
  if (problems.empty()) result.event = std::move(e);
  return result;
}

json event_document(const Event& e) {
  json fields = json::array();
  for (const auto& f : e.fields)
    fields.push_back({{"name", to_string(f.field)}, {"required", f.required}});
  json reminders = json::array();
  for (auto d : e.reminders_before) reminders.push_back(format_iso_duration(d));
  json doc = {
      {"slug", e.slug},
      {"title", localized_json(e.title)},
      {"description", localized_json(e.description)},
      {"starts_at", format_in_zone(e.starts_at, e.timezone)},
      {"ends_at", format_in_zone(e.ends_at, e.timezone)},
      {"timezone", e.timezone},
      {"venue", e.venue},
      {"fee", e.fee},
      {"capacity", e.capacity},
      {"registration",
       {{"opens_at", format_in_zone(e.opens_at, e.timezone)},
        {"closes_at", format_in_zone(e.closes_at, e.timezone)}}},
      {"waitlist", {{"enabled", e.waitlist_enabled}, {"capacity", e.waitlist_capacity}}},
      {"meeting",
       {{"url", e.meeting_url},
        {"passcode", e.meeting_passcode},
        {"join_opens_minutes_before", e.join_opens_minutes_before}}},
      {"mail",
       {{"meeting_link_before", format_iso_duration(e.meeting_link_before)},
        {"reminders_before", reminders}}},
      {"contact",
       {{"name", e.contact.name}, {"email", e.contact.email}, {"phone", e.contact.phone}}},
      {"program_url", e.program_url},
      {"fields", fields},
      {"visibility", to_string(e.visibility)},
  };
  if (e.approval_required) doc["registration"]["approval"] = "required";  // "none" by default
  if (!e.decline_message.ja.empty() || !e.decline_message.en.empty())
    doc["registration"]["decline_message"] = localized_json(e.decline_message);
  if (!e.eligible_email_domains.empty())
    doc["eligibility"]["email_domains"] = e.eligible_email_domains;
  if (e.invitation_required) doc["eligibility"]["invitation_required"] = true;
  if (!e.questions.empty()) doc["questions"] = questions_document(e.questions);
  if (e.follow_up)
    doc["follow_up"] = {{"after", format_iso_duration(e.follow_up->after)},
                        {"survey_url", e.follow_up->survey_url},
                        {"materials_url", e.follow_up->materials_url},
                        {"recording_url", e.follow_up->recording_url}};
  if (e.certificate)
    doc["certificate"] = {{"min_minutes", e.certificate->min_minutes},
                          {"issuer", localized_json(e.certificate->issuer)}};
  if (!e.series_slug.empty()) doc["series"] = e.series_slug;
  if (!e.series_title.ja.empty() || !e.series_title.en.empty())
    doc["series_title"] = localized_json(e.series_title);
  return doc;
}

}  // namespace regdesk::codec
