#include "domain/event.hpp"

#include <algorithm>
#include <regex>
#include <set>

#include "domain/time.hpp"

namespace regdesk {

const char* to_string(Visibility v) {
  switch (v) {
    case Visibility::kPublic:
      return "public";
    case Visibility::kUnlisted:
      return "unlisted";
    case Visibility::kDraft:
      return "draft";
  }
  return "draft";
}

std::optional<Visibility> visibility_from_string(const std::string& s) {
  for (Visibility v : {Visibility::kPublic, Visibility::kUnlisted, Visibility::kDraft})
    if (s == to_string(v)) return v;
  return std::nullopt;
}

namespace {
struct FieldInfo {
  FormField field;
  const char* name;
  size_t max_length;
};
constexpr FieldInfo kFields[] = {
    {FormField::kName, "name", 100},
    {FormField::kNameKana, "name_kana", 100},
    {FormField::kOrganization, "organization", 200},
    {FormField::kDepartment, "department", 200},
    {FormField::kCategory, "category", 20},
    {FormField::kPhone, "phone", 30},
    {FormField::kQuestion, "question", 2000},
};

struct CategoryInfo {
  Category category;
  const char* code;
  const char* label;
};
constexpr CategoryInfo kCategories[] = {
    {Category::kIndustry, "industry", "製造販売業者"},
    {Category::kAcademia, "academia", "アカデミア"},
    {Category::kCro, "cro", "CRO"},
    {Category::kHealthcare, "healthcare", "医療機関"},
    {Category::kGovernment, "government", "行政"},
    {Category::kOther, "other", "その他"},
};
}  // namespace

const char* to_string(FormField f) {
  for (const auto& i : kFields)
    if (i.field == f) return i.name;
  return "?";
}

std::optional<FormField> form_field_from_string(const std::string& s) {
  for (const auto& i : kFields)
    if (s == i.name) return i.field;
  return std::nullopt;
}

size_t max_length(FormField f) {
  for (const auto& i : kFields)
    if (i.field == f) return i.max_length;
  return 0;
}

std::vector<FieldRule> default_field_rules() {
  return {{FormField::kName, true},         {FormField::kNameKana, true},
          {FormField::kOrganization, true}, {FormField::kDepartment, true},
          {FormField::kCategory, true},     {FormField::kPhone, false},
          {FormField::kQuestion, false}};
}

const char* to_string(Category c) {
  for (const auto& i : kCategories)
    if (i.category == c) return i.code;
  return "other";
}

std::optional<Category> category_from_string(const std::string& s) {
  for (const auto& i : kCategories)
    if (s == i.code) return i.category;
  return std::nullopt;
}

const char* japanese_label(Category c) {
  for (const auto& i : kCategories)
    if (i.category == c) return i.label;
  return "その他";
}

const FieldRule* Event::rule_for(FormField f) const {
  for (const auto& r : fields)
    if (r.field == f) return &r;
  return nullptr;
}

namespace {
constexpr std::pair<QuestionType, const char*> kQuestionTypes[] = {
    {QuestionType::kText, "text"},
    {QuestionType::kTextarea, "textarea"},
    {QuestionType::kSelect, "select"},
    {QuestionType::kMulti, "multi"},
    {QuestionType::kCheckbox, "checkbox"}};
constexpr size_t kMaxQuestions = 30, kMaxOptions = 50, kMaxAnswerLength = 10000;

}  // namespace

bool valid_question_id(const std::string& id) {
  if (id.empty() || id.size() > 32 || id[0] < 'a' || id[0] > 'z') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

namespace {

void check_questions(const std::vector<Question>& questions, std::vector<EventProblem>& problems) {
  if (questions.size() > kMaxQuestions)
    problems.push_back({"questions", "at most " + std::to_string(kMaxQuestions) + " questions"});
  std::set<std::string> ids;
  for (size_t i = 0; i < questions.size(); ++i) {
    const Question& q = questions[i];
    const std::string key = "questions[" + std::to_string(i) + "]";
    if (!valid_question_id(q.id))
      problems.push_back(
          {key + ".id", "must be 1-32 lower-case letters, digits or '_', starting with a letter"});
    else if (!ids.insert(q.id).second)
      problems.push_back({key + ".id", "is used by another question"});
    if (q.label.ja.empty() && q.label.en.empty())
      problems.push_back({key + ".label", "needs at least one of ja, en"});
    const bool choice = q.type == QuestionType::kSelect || q.type == QuestionType::kMulti;
    if (choice && q.options.empty())
      problems.push_back({key + ".options", "a select or multi question needs options"});
    if (!choice && !q.options.empty())
      problems.push_back({key + ".options", "only select and multi questions have options"});
    if (q.options.size() > kMaxOptions)
      problems.push_back({key + ".options", "at most " + std::to_string(kMaxOptions) + " options"});
    std::set<std::string> values;
    for (size_t k = 0; k < q.options.size(); ++k) {
      const auto& o = q.options[k];
      const std::string okey = key + ".options[" + std::to_string(k) + "]";
      if (o.value.empty() || o.value.size() > 64)
        problems.push_back({okey + ".value", "must be 1-64 characters"});
      else if (!values.insert(o.value).second)
        problems.push_back({okey + ".value", "is used by another option"});
      if (o.label.ja.empty() && o.label.en.empty())
        problems.push_back({okey + ".label", "needs at least one of ja, en"});
    }
    if (q.max_length > kMaxAnswerLength)
      problems.push_back(
          {key + ".max_length", "must be at most " + std::to_string(kMaxAnswerLength)});
  }
}
}  // namespace

const char* to_string(QuestionType t) {
  for (const auto& [type, name] : kQuestionTypes)
    if (type == t) return name;
  return "text";
}

std::optional<QuestionType> question_type_from_string(const std::string& s) {
  for (const auto& [type, name] : kQuestionTypes)
    if (s == name) return type;
  return std::nullopt;
}

size_t Question::length_limit() const {
  if (max_length) return max_length;
  return type == QuestionType::kTextarea ? 2000 : 200;
}

const QuestionOption* Question::option(const std::string& value) const {
  for (const auto& o : options)
    if (o.value == value) return &o;
  return nullptr;
}

bool valid_event_slug(const std::string& slug) {
  static const std::regex kSlug("^[a-z0-9][a-z0-9-]{0,63}$");
  return std::regex_match(slug, kSlug);
}

std::vector<EventProblem> check_event(const Event& e) {
  std::vector<EventProblem> problems;
  constexpr const char* kSlugRule = "must be 1-64 lower-case letters, digits or '-'";
  if (!valid_event_slug(e.slug)) problems.push_back({"slug", kSlugRule});
  if (!e.series_slug.empty() && !valid_event_slug(e.series_slug))
    problems.push_back({"series", kSlugRule});
  // A title for a series the event is not in would never be shown: say so rather than keep it.
  if (e.series_slug.empty() && (!e.series_title.ja.empty() || !e.series_title.en.empty()))
    problems.push_back({"series_title", "needs \"series\" (the event is in no series)"});
  if (e.title.ja.empty() && e.title.en.empty())
    problems.push_back({"title", "needs at least one of ja, en"});
  if (!is_known_zone(e.timezone)) problems.push_back({"timezone", "unknown IANA time zone"});
  if (e.ends_at <= e.starts_at) problems.push_back({"ends_at", "must be after starts_at"});
  if (e.capacity < 0) problems.push_back({"capacity", "must be 0 or more"});
  if (e.closes_at <= e.opens_at)
    problems.push_back({"registration.closes_at", "must be after registration.opens_at"});
  if (e.closes_at > e.ends_at)
    problems.push_back({"registration.closes_at", "must not be after ends_at"});
  if (e.waitlist_capacity < 0) problems.push_back({"waitlist.capacity", "must be 0 or more"});
  if (e.join_opens_minutes_before < 0 || e.join_opens_minutes_before > 7 * 24 * 60)
    problems.push_back({"meeting.join_opens_minutes_before", "must be 0 to 10080"});
  if (e.fee != 0) problems.push_back({"fee", "paid events are not supported; must be 0"});
  for (const auto& d : e.eligible_email_domains)
    if (d.empty() || d.find('@') != std::string::npos)
      problems.push_back({"eligibility.email_domains", "entries are domains like example.co.jp"});
  if (e.follow_up) {
    if (e.follow_up->after < std::chrono::seconds(0) || e.follow_up->after > std::chrono::days(30))
      problems.push_back({"follow_up.after", "must be between PT0S and P30D after the end"});
    const std::pair<const char*, const std::string*> links[] = {
        {"follow_up.survey_url", &e.follow_up->survey_url},
        {"follow_up.materials_url", &e.follow_up->materials_url},
        {"follow_up.recording_url", &e.follow_up->recording_url}};
    for (const auto& [key, url] : links)
      if (!url->empty() && url->rfind("https://", 0) != 0 && url->rfind("http://", 0) != 0)
        problems.push_back({key, "must be an http(s) URL"});
  }
  check_questions(e.questions, problems);
  if (e.certificate && (e.certificate->min_minutes < 1 || e.certificate->min_minutes > 24 * 60))
    problems.push_back({"certificate.min_minutes", "must be 1 to 1440"});
  return problems;
}

}  // namespace regdesk
