// Sign-up normalisation and validation: every bad field is reported, with the right code.

#include "domain/signup.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "domain/event.hpp"

namespace regdesk {

// Lets gtest print errors readably when an expectation fails.
inline void PrintTo(const FieldError& e, std::ostream* os) {
  *os << e.field << ":" << e.code;
}

namespace {

using namespace std::string_literals;

// A form that passes on the default event; each test breaks what it is about.
SignupForm valid_form() {
  SignupForm f;
  f.name = "山田 太郎";
  f.name_kana = "ヤマダ タロウ";
  f.email = "taro@example.jp";
  f.email_confirmation = "taro@example.jp";
  f.organization = "医薬品医療機器総合機構";
  f.department = "医療情報科学部";
  f.category = "industry";
  f.phone = "03-3506-9710";
  f.question = "データの範囲について";
  f.locale = "ja";
  f.consent_privacy = true;
  return f;
}

std::string repeat(const std::string& unit, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += unit;
  return s;
}

std::string describe(const std::vector<FieldError>& errors) {
  std::string out = "[";
  for (const auto& e : errors) out += " " + e.field + ":" + e.code;
  return out + " ]";
}

// The codes reported for one field (usually zero or one).
std::vector<std::string> codes_for(const ValidatedSignup& r, const std::string& field) {
  std::vector<std::string> codes;
  for (const auto& e : r.errors)
    if (e.field == field) codes.push_back(e.code);
  return codes;
}

// Exactly this one error and no other.
void expect_only_error(const ValidatedSignup& r, const std::string& field,
                       const std::string& code) {
  EXPECT_EQ(r.errors, (std::vector<FieldError>{{field, code}})) << describe(r.errors);
  EXPECT_FALSE(r.applicant.has_value());
}

// The applicant of a form that must pass (a copy: the result is usually a temporary).
Applicant accepted(const ValidatedSignup& r) {
  EXPECT_TRUE(r.errors.empty()) << describe(r.errors);
  EXPECT_TRUE(r.applicant.has_value());
  return r.applicant.value_or(Applicant{});
}

Event event_without(FormField omitted) {
  Event e;
  e.fields.erase(std::remove_if(e.fields.begin(), e.fields.end(),
                                [&](const FieldRule& r) { return r.field == omitted; }),
                 e.fields.end());
  return e;
}

Event event_with_phone_required() {
  Event e;
  for (auto& r : e.fields)
    if (r.field == FormField::kPhone) r.required = true;
  return e;
}

const Event kDefaultEvent{};

// --- the happy path and normalisation ----------------------------------------------------------

TEST(ValidateSignup, ValidFormGivesApplicantWithTheValuesTyped) {
  Applicant a = accepted(validate_signup(valid_form(), kDefaultEvent));
  EXPECT_EQ(a.name, "山田 太郎");
  EXPECT_EQ(a.name_kana, "ヤマダ タロウ");
  EXPECT_EQ(a.email, "taro@example.jp");
  EXPECT_EQ(a.email_key, "taro@example.jp");
  EXPECT_EQ(a.organization, "医薬品医療機器総合機構");
  EXPECT_EQ(a.department, "医療情報科学部");
  ASSERT_TRUE(a.category.has_value());
  EXPECT_EQ(*a.category, Category::kIndustry);
  EXPECT_EQ(a.phone, "03-3506-9710");
  EXPECT_EQ(a.question, "データの範囲について");
  EXPECT_EQ(a.locale, "ja");
  EXPECT_FALSE(a.wants_waitlist);
}

TEST(ValidateSignup, FullWidthEmailIsFoldedToAscii) {
  auto f = valid_form();
  f.email = "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ";
  f.email_confirmation = "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ";
  Applicant a = accepted(validate_signup(f, kDefaultEvent));
  EXPECT_EQ(a.email, "taro@example.jp");
  EXPECT_EQ(a.email_key, "taro@example.jp");
}

// Trojan Source and friends: what would make a list or an export read differently from what
// is stored is refused, field by field, with its own code.
TEST(ValidateSignup, InvisibleAndUnassignedCharactersInNamesAreRefused) {
  const std::pair<const char*, const char*> hostile[] = {
      {"\u202E", "right-to-left override"},
      {"\u2066", "left-to-right isolate"},
      {"\u200B", "zero-width space"},
      {"\u200D", "zero-width joiner"},
      {"\u00AD", "soft hyphen"},
      {"\uFEFF", "byte-order mark"},
      {"\uE000", "private use"},
      {"\U000F0000", "supplementary private use"},
      {"\U000E0001", "language tag"},
      {"\u0378", "unassigned"}};
  for (const auto& [ch, what] : hostile) {
    for (auto field : {&SignupForm::name, &SignupForm::name_kana, &SignupForm::organization,
                       &SignupForm::department}) {
      auto f = valid_form();
      f.*field = std::string("山田") + ch + "太郎";
      auto r = validate_signup(f, kDefaultEvent);
      EXPECT_EQ(r.errors.size(), 1u) << what << describe(r.errors);
      ASSERT_FALSE(r.errors.empty()) << what;
      EXPECT_EQ(r.errors[0].code, "invisible_characters") << what;
    }
  }
  // In the free-text question only the bidirectional controls are refused.
  auto f = valid_form();
  f.question = "質問\u202Eです";
  expect_only_error(validate_signup(f, kDefaultEvent), "question", "invisible_characters");
  f.question = "家族で参加👨\u200D👩\u200D👧";
  EXPECT_EQ(accepted(validate_signup(f, kDefaultEvent)).question, *f.question);
}

TEST(ValidateSignup, VariationSelectorsAndEmojiInNamesAreKept) {
  auto f = valid_form();
  f.name = "葛\U000E0100城 𠮷田 🎫";  // an ideographic variation sequence (Mn), not a format char
  EXPECT_EQ(accepted(validate_signup(f, kDefaultEvent)).name, *f.name);
}

TEST(ValidateSignup, HalfWidthKatakanaReadingBecomesFullWidth) {
  auto f = valid_form();
  f.name_kana = "ﾔﾏﾀﾞ ﾀﾛｳ";
  EXPECT_EQ(accepted(validate_signup(f, kDefaultEvent)).name_kana, "ヤマダ タロウ");
}

// Found with the property of tests/fuzz/signup_fuzz (what passes fits its VARCHAR column): NFKC
// can lengthen a reading (㍿ is 株式会社), so the limit applies to the stored, normalised form.
TEST(ValidateSignup, ReadingIsCheckedAfterNfkcWhichCanLengthenIt) {
  auto f = valid_form();
  f.name_kana = repeat("㍿", 26);  // 26 characters as typed, 104 once normalised
  expect_only_error(validate_signup(f, kDefaultEvent), "name_kana", "too_long");
  f.name_kana = repeat("㍿", 25);
  EXPECT_EQ(accepted(validate_signup(f, kDefaultEvent)).name_kana, repeat("株式会社", 25));
  f.name_kana = "ﾔﾏﾀﾞ\u2003";  // EM SPACE: NFKC makes it a space, which is then trimmed
  EXPECT_EQ(accepted(validate_signup(f, kDefaultEvent)).name_kana, "ヤマダ");
}

TEST(ValidateSignup, InternationalisedDomainsAreKeptAsPunycode) {
  auto f = valid_form();
  f.email = f.email_confirmation = "taro@例え.jp";
  Applicant a = accepted(validate_signup(f, kDefaultEvent));
  EXPECT_EQ(a.email, "taro@xn--r8jz45g.jp");
  EXPECT_EQ(a.email_key, "taro@xn--r8jz45g.jp");
  // Typed in full width, or already as punycode: the same address.
  EXPECT_EQ(normalize_email("ｔａｒｏ＠例え．ｊｐ"), "taro@xn--r8jz45g.jp");
  EXPECT_EQ(normalize_email("taro@xn--r8jz45g.jp"), "taro@xn--r8jz45g.jp");
  // A non-ASCII local part, or a domain IDNA refuses, is not an address.
  for (const char* bad : {"太郎@例え.jp", "taro@-例え.jp", "taro@例え..jp"}) {
    auto g = valid_form();
    g.email = g.email_confirmation = bad;
    EXPECT_EQ(codes_for(validate_signup(g, kDefaultEvent), "email"),
              std::vector<std::string>{"invalid"})
        << bad;
  }
}

TEST(ValidateSignup, EmailKeepsCaseForDisplayButKeyIsLowerCase) {
  auto f = valid_form();
  f.email = "Taro.Yamada@Example.CO.JP";
  f.email_confirmation = "taro.yamada@example.co.jp";
  Applicant a = accepted(validate_signup(f, kDefaultEvent));
  EXPECT_EQ(a.email, "Taro.Yamada@Example.CO.JP");
  EXPECT_EQ(a.email_key, "taro.yamada@example.co.jp");
}

TEST(ValidateSignup, FullWidthUpperCaseEmailGivesLowerCaseAsciiKey) {
  auto f = valid_form();
  f.email = "ＴＡＲＯ＠ＥＸＡＭＰＬＥ．ＪＰ";
  f.email_confirmation.reset();
  Applicant a = accepted(validate_signup(f, kDefaultEvent));
  EXPECT_EQ(a.email, "TARO@EXAMPLE.JP");
  EXPECT_EQ(a.email_key, "taro@example.jp");
}

TEST(ValidateSignup, SurroundingSpacesIncludingIdeographicSpaceAreTrimmed) {
  auto f = valid_form();
  f.email = "\xE3\x80\x80 taro@example.jp \xE3\x80\x80";
  f.name = "\xE3\x80\x80山田 太郎 ";
  f.organization = "  医薬品医療機器総合機構\xE3\x80\x80";
  Applicant a = accepted(validate_signup(f, kDefaultEvent));
  EXPECT_EQ(a.email, "taro@example.jp");
  EXPECT_EQ(a.email_key, "taro@example.jp");
  EXPECT_EQ(a.name, "山田 太郎");
  EXPECT_EQ(a.organization, "医薬品医療機器総合機構");
}

TEST(ValidateSignup, FullWidthPhoneDigitsAndJapaneseDashesBecomeAsciiHyphens) {
  for (const char* raw : {"０３ー３５０６ー９７１０",  // U+30FC prolonged sound mark
                          "03−3506−9710",              // U+2212 minus sign
                          "03‐3506‐9710",              // U+2010 hyphen
                          "０３－３５０６－９７１０",  // U+FF0D full-width hyphen-minus
                          "03ｰ3506ｰ9710",              // U+FF70 half-width prolonged mark
                          "03–3506—9710",              // en and em dash
                          "\xE3\x80\x80"
                          "03-3506-9710 "}) {
    auto f = valid_form();
    f.phone = raw;
    Applicant a = accepted(validate_signup(f, kDefaultEvent));
    EXPECT_EQ(a.phone, "03-3506-9710") << raw;
  }
}

TEST(NormalizeEmail, FoldsAndTrimsButKeepsCase) {
  EXPECT_EQ(normalize_email(" ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ\xE3\x80\x80"), "taro@example.jp");
  EXPECT_EQ(normalize_email("Taro@Example.JP"), "Taro@Example.JP");
}

TEST(NormalizePhone, FoldsDigitsAndDashes) {
  EXPECT_EQ(normalize_phone("０３ー３５０６ー９７１０"), "03-3506-9710");
  EXPECT_EQ(normalize_phone("＋８１　３−３５０６−９７１０"), "+81 3-3506-9710");
}

// --- required fields -----------------------------------------------------------------------------

TEST(ValidateSignup, EachRequiredFieldMissingIsReportedAsRequired) {
  struct Case {
    const char* field;
    void (*clear)(SignupForm&);
  };
  const Case cases[] = {
      {"name", [](SignupForm& f) { f.name.reset(); }},
      {"name_kana", [](SignupForm& f) { f.name_kana.reset(); }},
      {"email", [](SignupForm& f) { f.email.reset(); }},
      {"organization", [](SignupForm& f) { f.organization.reset(); }},
      {"department", [](SignupForm& f) { f.department.reset(); }},
      {"category", [](SignupForm& f) { f.category.reset(); }},
      {"consent_privacy", [](SignupForm& f) { f.consent_privacy.reset(); }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.field);
    auto f = valid_form();
    c.clear(f);
    expect_only_error(validate_signup(f, kDefaultEvent), c.field, "required");
  }
}

TEST(ValidateSignup, BlankOrSpaceOnlyRequiredFieldsAreRequired) {
  struct Case {
    const char* field;
    void (*blank)(SignupForm&);
  };
  const Case cases[] = {
      {"name", [](SignupForm& f) { f.name = ""; }},
      {"name_kana", [](SignupForm& f) { f.name_kana = "   "; }},
      {"email", [](SignupForm& f) { f.email = "\xE3\x80\x80"; }},
      {"organization", [](SignupForm& f) { f.organization = " \xE3\x80\x80 "; }},
      {"department", [](SignupForm& f) { f.department = "\xE3\x80\x80\xE3\x80\x80"; }},
      {"category", [](SignupForm& f) { f.category = ""; }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.field);
    auto f = valid_form();
    c.blank(f);
    expect_only_error(validate_signup(f, kDefaultEvent), c.field, "required");
  }
}

TEST(ValidateSignup, OptionalFieldsMayBeLeftOut) {
  auto f = valid_form();
  f.phone.reset();
  f.question.reset();
  f.email_confirmation.reset();
  f.locale.reset();
  Applicant a = accepted(validate_signup(f, kDefaultEvent));
  EXPECT_EQ(a.phone, "");
  EXPECT_EQ(a.question, "");
  EXPECT_EQ(a.locale, "ja");
}

TEST(ValidateSignup, ConsentFalseMustBeAccepted) {
  auto f = valid_form();
  f.consent_privacy = false;
  expect_only_error(validate_signup(f, kDefaultEvent), "consent_privacy", "must_accept");
}

TEST(ValidateSignup, EmptyFormReportsEveryRequiredField) {
  auto r = validate_signup(SignupForm{}, kDefaultEvent);
  EXPECT_FALSE(r.applicant.has_value());
  for (const char* field :
       {"name", "name_kana", "email", "organization", "department", "category", "consent_privacy"})
    EXPECT_EQ(codes_for(r, field), std::vector<std::string>{"required"}) << field;
  EXPECT_EQ(r.errors.size(), 7u) << describe(r.errors);
}

// --- all errors at once --------------------------------------------------------------------------

TEST(ValidateSignup, ReportsAllBadFieldsAtOnce) {
  auto f = valid_form();
  f.name.reset();              // required
  f.email = "not-an-address";  // invalid
  f.email_confirmation.reset();
  f.organization = repeat("会", 201);  // too_long
  f.category = "pharma";               // invalid
  f.consent_privacy = false;           // must_accept
  auto r = validate_signup(f, kDefaultEvent);
  EXPECT_FALSE(r.applicant.has_value());
  ASSERT_EQ(r.errors.size(), 5u) << describe(r.errors);
  EXPECT_EQ(codes_for(r, "name"), std::vector<std::string>{"required"});
  EXPECT_EQ(codes_for(r, "email"), std::vector<std::string>{"invalid"});
  EXPECT_EQ(codes_for(r, "organization"), std::vector<std::string>{"too_long"});
  EXPECT_EQ(codes_for(r, "category"), std::vector<std::string>{"invalid"});
  EXPECT_EQ(codes_for(r, "consent_privacy"), std::vector<std::string>{"must_accept"});
}

// --- length limits (code points) -----------------------------------------------------------------

TEST(ValidateSignup, TextFieldsAreTooLongAtOneCharacterOverTheLimit) {
  struct Case {
    const char* field;
    size_t max;
    std::optional<std::string> SignupForm::*member;
  };
  const Case cases[] = {
      {"name", 100, &SignupForm::name},
      {"name_kana", 100, &SignupForm::name_kana},
      {"organization", 200, &SignupForm::organization},
      {"department", 200, &SignupForm::department},
      {"question", 2000, &SignupForm::question},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.field);
    auto at_limit = valid_form();
    at_limit.*c.member = repeat("漢", c.max);
    EXPECT_TRUE(validate_signup(at_limit, kDefaultEvent).errors.empty());

    auto over = valid_form();
    over.*c.member = repeat("漢", c.max + 1);
    expect_only_error(validate_signup(over, kDefaultEvent), c.field, "too_long");
  }
}

TEST(ValidateSignup, NameLimitCountsCharactersNotBytes) {
  // 100 kanji are 300 bytes: still within a 100-character limit.
  auto f = valid_form();
  f.name = repeat("山", 100);
  ASSERT_EQ(f.name->size(), 300u);
  EXPECT_EQ(accepted(validate_signup(f, kDefaultEvent)).name, repeat("山", 100));

  f.name = repeat("山", 101);
  expect_only_error(validate_signup(f, kDefaultEvent), "name", "too_long");

  f.name = repeat("a", 101);
  expect_only_error(validate_signup(f, kDefaultEvent), "name", "too_long");
}

TEST(ValidateSignup, SurroundingSpacesDoNotCountTowardsTheLimit) {
  auto f = valid_form();
  f.name = "\xE3\x80\x80" + repeat("山", 100) + "  ";
  EXPECT_EQ(accepted(validate_signup(f, kDefaultEvent)).name, repeat("山", 100));
}

TEST(ValidateSignup, PhoneIsTooLongAtThirtyOneCharacters) {
  auto f = valid_form();
  f.phone = "03-3506-9710" + repeat("-", 18);  // 30 characters, 10 digits
  EXPECT_EQ(accepted(validate_signup(f, kDefaultEvent)).phone, *f.phone);
  f.phone = "03-3506-9710" + repeat("-", 19);  // 31 characters
  expect_only_error(validate_signup(f, kDefaultEvent), "phone", "too_long");
}

// --- control characters --------------------------------------------------------------------------

TEST(ValidateSignup, LineBreaksAndControlsInNameOrganizationEmailAreRefused) {
  struct Case {
    const char* field;
    std::optional<std::string> SignupForm::*member;
    std::string value;
  };
  const Case cases[] = {
      {"name", &SignupForm::name, "山田\r\nBcc: x@evil.example"},
      {"name", &SignupForm::name, "山田\n太郎"},
      {"name", &SignupForm::name, "山田\r太郎"},
      {"name", &SignupForm::name, "山田\t太郎"},
      {"name", &SignupForm::name, "山田\0太郎"s},
      {"name", &SignupForm::name, "山田\x7F"},
      {"name", &SignupForm::name, "山田\xC2\x85太郎"},      // U+0085
      {"name", &SignupForm::name, "山田\xE2\x80\xA8太郎"},  // U+2028
      {"name_kana", &SignupForm::name_kana, "ヤマダ\nタロウ"},
      {"organization", &SignupForm::organization, "PMDA\r\n"},
      {"organization", &SignupForm::organization, "PMDA\x1B[0m"},
      {"department", &SignupForm::department, "部\n"},
      {"email", &SignupForm::email, "taro@example.jp\r\nBcc: x@evil.example"},
      {"email", &SignupForm::email, "taro@example.jp\n"},
      {"email", &SignupForm::email, "taro\t@example.jp"},
      {"email", &SignupForm::email, "taro@example.jp\xC2\x85"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.field) + " <- " + c.value);
    auto f = valid_form();
    f.*c.member = c.value;
    if (c.member == &SignupForm::email) f.email_confirmation.reset();
    expect_only_error(validate_signup(f, kDefaultEvent), c.field, "control_characters");
  }
}

TEST(ValidateSignup, IllFormedUtf8IsRefused) {
  auto f = valid_form();
  f.name = "山田\xE5";
  expect_only_error(validate_signup(f, kDefaultEvent), "name", "control_characters");
}

TEST(ValidateSignup, QuestionKeepsLineFeeds) {
  auto f = valid_form();
  f.question = "一つ目の質問です。\n二つ目の質問です。";
  EXPECT_EQ(accepted(validate_signup(f, kDefaultEvent)).question,
            "一つ目の質問です。\n二つ目の質問です。");
}

TEST(ValidateSignup, QuestionTurnsCrLfIntoLineFeed) {
  auto f = valid_form();
  f.question = "一つ目\r\n二つ目";
  EXPECT_EQ(accepted(validate_signup(f, kDefaultEvent)).question, "一つ目\n二つ目");
}

TEST(ValidateSignup, QuestionRefusesControlsOtherThanLineFeed) {
  for (const std::string& q :
       {"a\rb"s, "a\tb"s, "a\0b"s, "a\x7F"s, "a\xC2\x85"s, "a\xE2\x80\xA8"s}) {
    SCOPED_TRACE(q);
    auto f = valid_form();
    f.question = q;
    expect_only_error(validate_signup(f, kDefaultEvent), "question", "control_characters");
  }
}

TEST(ValidateSignup, PhoneWithControlCharactersIsRefused) {
  auto f = valid_form();
  f.phone = "03-3506-9710\n";
  expect_only_error(validate_signup(f, kDefaultEvent), "phone", "control_characters");
}

// --- e-mail --------------------------------------------------------------------------------------

TEST(ValidateSignup, MalformedEmailsAreInvalid) {
  for (const char* email : {
           "taro.example.jp",            // no @
           "taro@@example.jp",           // two @
           "taro@example@jp",            // two @
           "@example.jp",                // empty local part
           "taro@",                      // empty domain
           ".taro@example.jp",           // local part starts with a dot
           "taro.@example.jp",           // local part ends with a dot
           "ta..ro@example.jp",          // double dot in local part
           "taro@example..jp",           // double dot in domain
           "taro@.example.jp",           // domain starts with a dot
           "taro@example.jp.",           // domain ends with a dot
           "taro@localhost",             // no dot in domain
           "taro@-example.jp",           // label starts with '-'
           "taro@example-.jp",           // label ends with '-'
           "taro@example.-jp",           // later label starts with '-'
           "taro yamada@example.jp",     // space
           "taro@exa mple.jp",           // space in domain
           "taro@exam_ple.jp",           // underscore in domain
           "\"taro\"@example.jp",        // quoted local parts are not taken
           "山田@example.jp",            // non-ASCII local part after NFKC
           "taro@例え..jp",              // an empty label, even when internationalised
           "taro＠example．jp　yamada",  // folds to a space inside
       }) {
    SCOPED_TRACE(email);
    auto f = valid_form();
    f.email = email;
    f.email_confirmation.reset();
    expect_only_error(validate_signup(f, kDefaultEvent), "email", "invalid");
  }
}

TEST(ValidateSignup, UnusualButValidEmailsAreAccepted) {
  for (const char* email : {"taro+symposium@example.jp", "t.yamada@mail.example.co.jp",
                            "o'brien@example.ie", "x@a-b.example.jp", "1234@example.jp"}) {
    SCOPED_TRACE(email);
    auto f = valid_form();
    f.email = email;
    f.email_confirmation.reset();
    EXPECT_EQ(accepted(validate_signup(f, kDefaultEvent)).email, email);
  }
}

// local@domain with 64 + 1 + 189 = 254 characters, every part within its own limit.
std::string email_of_length_254() {
  std::string local = repeat("a", 64);
  std::string domain = repeat("b", 63) + "." + repeat("c", 63) + "." + repeat("d", 61);
  return local + "@" + domain;
}

TEST(ValidateSignup, EmailOfExactly254CharactersIsAccepted) {
  auto f = valid_form();
  f.email = email_of_length_254();
  f.email_confirmation.reset();
  ASSERT_EQ(f.email->size(), 254u);
  EXPECT_EQ(accepted(validate_signup(f, kDefaultEvent)).email, *f.email);
}

TEST(ValidateSignup, EmailOf255CharactersIsTooLong) {
  auto f = valid_form();
  f.email = email_of_length_254() + "d";
  f.email_confirmation.reset();
  ASSERT_EQ(f.email->size(), 255u);
  expect_only_error(validate_signup(f, kDefaultEvent), "email", "too_long");
}

TEST(ValidateSignup, EmailLocalPartOver64IsInvalid) {
  auto f = valid_form();
  f.email = repeat("a", 65) + "@example.jp";
  f.email_confirmation.reset();
  expect_only_error(validate_signup(f, kDefaultEvent), "email", "invalid");
}

TEST(IsValidEmail, ChecksTheNormalisedAddress) {
  EXPECT_TRUE(is_valid_email("taro@example.jp"));
  EXPECT_FALSE(is_valid_email(""));
  EXPECT_FALSE(is_valid_email("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"));   // not normalised yet
  EXPECT_FALSE(is_valid_email("taro@" + repeat("a", 64) + ".jp"));  // label over 63
  EXPECT_TRUE(is_valid_email("taro@" + repeat("a", 63) + ".jp"));
}

TEST(ValidateSignup, EmailConfirmationMustMatch) {
  auto f = valid_form();
  f.email_confirmation = "tar0@example.jp";
  expect_only_error(validate_signup(f, kDefaultEvent), "email_confirmation", "mismatch");
}

TEST(ValidateSignup, EmailConfirmationIsComparedAfterNormalisationAndIgnoringCase) {
  auto f = valid_form();
  f.email = "Taro@Example.jp";
  f.email_confirmation = " ＴＡＲＯ＠ＥＸＡＭＰＬＥ．ＪＰ\xE3\x80\x80";
  EXPECT_TRUE(validate_signup(f, kDefaultEvent).errors.empty());
}

// --- category, locale ----------------------------------------------------------------------------

TEST(ValidateSignup, UnknownCategoryIsInvalid) {
  for (const char* c : {"pharma", "Industry", "製造販売業者"}) {
    SCOPED_TRACE(c);
    auto f = valid_form();
    f.category = c;
    expect_only_error(validate_signup(f, kDefaultEvent), "category", "invalid");
  }
}

TEST(ValidateSignup, EveryKnownCategoryIsAccepted) {
  const std::pair<const char*, Category> known[] = {{"industry", Category::kIndustry},
                                                    {"academia", Category::kAcademia},
                                                    {"cro", Category::kCro},
                                                    {"healthcare", Category::kHealthcare},
                                                    {"government", Category::kGovernment},
                                                    {"other", Category::kOther}};
  for (const auto& [code, category] : known) {
    SCOPED_TRACE(code);
    auto f = valid_form();
    f.category = code;
    Applicant a = accepted(validate_signup(f, kDefaultEvent));
    ASSERT_TRUE(a.category.has_value());
    EXPECT_EQ(*a.category, category);
  }
}

TEST(ValidateSignup, LocaleOtherThanJaOrEnIsInvalid) {
  for (const char* l : {"fr", "EN", "ja-JP", ""}) {
    SCOPED_TRACE(l);
    auto f = valid_form();
    f.locale = l;
    expect_only_error(validate_signup(f, kDefaultEvent), "locale", "invalid");
  }
}

TEST(ValidateSignup, EnglishLocaleIsKept) {
  auto f = valid_form();
  f.locale = "en";
  EXPECT_EQ(accepted(validate_signup(f, kDefaultEvent)).locale, "en");
}

// --- JSON types ----------------------------------------------------------------------------------

TEST(ValidateSignup, FieldsOfTheWrongJsonTypeAreInvalidType) {
  for (const char* field :
       {"name", "name_kana", "email", "email_confirmation", "organization", "department",
        "category", "phone", "question", "locale", "consent_privacy", "waitlist"}) {
    SCOPED_TRACE(field);
    auto f = valid_form();
    f.wrong_type = {field};
    expect_only_error(validate_signup(f, kDefaultEvent), field, "invalid_type");
  }
}

TEST(ValidateSignup, WrongTypeOnAMissingRequiredFieldIsNotAlsoRequired) {
  auto f = valid_form();
  f.name.reset();
  f.email.reset();
  f.consent_privacy.reset();
  f.wrong_type = {"name", "email", "consent_privacy"};
  auto r = validate_signup(f, kDefaultEvent);
  EXPECT_EQ(r.errors.size(), 3u) << describe(r.errors);
  for (const char* field : {"name", "email", "consent_privacy"})
    EXPECT_EQ(codes_for(r, field), std::vector<std::string>{"invalid_type"}) << field;
}

// --- per-event field rules -----------------------------------------------------------------------

TEST(ValidateSignup, FieldTheEventDoesNotAskIsNeitherRequiredNorStored) {
  Event e = event_without(FormField::kDepartment);
  auto missing = valid_form();
  missing.department.reset();
  EXPECT_TRUE(validate_signup(missing, e).errors.empty());

  auto given = valid_form();
  given.department = "医療情報科学部";
  Applicant a = accepted(validate_signup(given, e));
  EXPECT_EQ(a.department, "");
}

TEST(ValidateSignup, FieldTheEventDoesNotAskIsNotValidated) {
  Event e = event_without(FormField::kDepartment);
  auto f = valid_form();
  f.department = repeat("部", 500) + "\n";
  EXPECT_TRUE(validate_signup(f, e).errors.empty());
}

TEST(ValidateSignup, OptionalFieldOfTheEventMayBeMissing) {
  Event e;
  for (auto& r : e.fields)
    if (r.field == FormField::kNameKana) r.required = false;
  auto f = valid_form();
  f.name_kana.reset();
  EXPECT_TRUE(validate_signup(f, e).errors.empty());
}

TEST(ValidateSignup, NameIsRequiredEvenWhenTheEventOmitsIt) {
  Event e = event_without(FormField::kName);
  auto f = valid_form();
  f.name.reset();
  expect_only_error(validate_signup(f, e), "name", "required");
}

TEST(ValidateSignup, RequiredPhoneMissingIsRequired) {
  Event e = event_with_phone_required();
  auto f = valid_form();
  f.phone.reset();
  expect_only_error(validate_signup(f, e), "phone", "required");
  f.phone = "\xE3\x80\x80 ";
  expect_only_error(validate_signup(f, e), "phone", "required");
}

TEST(ValidateSignup, RequiredPhoneGivenIsNormalisedAndStored) {
  Event e = event_with_phone_required();
  auto f = valid_form();
  f.phone = "０３ー３５０６ー９７１０";
  EXPECT_EQ(accepted(validate_signup(f, e)).phone, "03-3506-9710");
}

TEST(ValidateSignup, MalformedPhoneIsInvalid) {
  for (const std::string& p : {"abc"s, "03-35"s, "03-3506-9710 内線12"s, "+81+3-3506-9710"s,
                               "03.3506.9710"s, repeat("1", 21)}) {
    SCOPED_TRACE(p);
    auto f = valid_form();
    f.phone = p;
    expect_only_error(validate_signup(f, kDefaultEvent), "phone", "invalid");
  }
}

TEST(ValidateSignup, InternationalPhoneFormsAreAccepted) {
  for (const char* p : {"+81-3-3506-9710", "(03) 3506-9710", "0335069710"}) {
    SCOPED_TRACE(p);
    auto f = valid_form();
    f.phone = p;
    EXPECT_EQ(accepted(validate_signup(f, kDefaultEvent)).phone, p);
  }
}

TEST(ValidateSignup, WaitlistWishIsCarried) {
  auto f = valid_form();
  f.wants_waitlist = true;
  EXPECT_TRUE(accepted(validate_signup(f, kDefaultEvent)).wants_waitlist);
}

TEST(ValidateSignup, FilledHoneypotIsRefused) {
  auto f = valid_form();
  f.honeypot = "http://spam.example";
  expect_only_error(validate_signup(f, kDefaultEvent), "website", "must_be_empty");
  f.honeypot = "";
  EXPECT_TRUE(validate_signup(f, kDefaultEvent).applicant);
}

}  // namespace
}  // namespace regdesk

// --- the event's own questions ------------------------------------------------------------------

namespace regdesk {
namespace {

Event event_with_questions() {
  Event e;
  auto option = [](std::string v, std::string ja) { return QuestionOption{v, {ja, v}}; };
  e.questions = {
      {"panel",
       QuestionType::kTextarea,
       {"パネルへの質問", "Question for the panel"},
       {},
       {},
       false,
       400},
      {"sessions",
       QuestionType::kMulti,
       {"参加するセッション", "Sessions"},
       {},
       {option("keynote", "基調講演"), option("panel", "パネル"), option("qa", "質疑")},
       true,
       0},
      {"role",
       QuestionType::kSelect,
       {"お立場", "Role"},
       {},
       {option("pv", "安全性"), option("epi", "疫学")},
       false,
       0},
      {"accommodation", QuestionType::kText, {"配慮のご希望", "Accommodation"}, {}, {}, false, 0},
      {"agree",
       QuestionType::kCheckbox,
       {"録画に同意する", "I agree to the recording"},
       {},
       {},
       true,
       0},
  };
  return e;
}

SignupForm answered() {
  SignupForm f = valid_form();
  f.answers["panel"] = AnswerValue(std::string("データの範囲は？\r\n二行目"));
  f.answers["sessions"] = AnswerValue(std::vector<std::string>{"qa", "keynote", "qa"});
  f.answers["role"] = AnswerValue(std::string(" epi "));
  f.answers["agree"] = AnswerValue(true);
  return f;
}

TEST(ValidateAnswers, EachTypeIsNormalisedAndKeptInQuestionOrder) {
  Applicant a = accepted(validate_signup(answered(), event_with_questions()));
  ASSERT_EQ(a.answers.size(), 4u);  // the optional text left empty is not stored
  EXPECT_EQ(a.answers[0].question_id, "panel");
  EXPECT_EQ(std::get<std::string>(a.answers[0].value), "データの範囲は？\n二行目");
  EXPECT_EQ(std::get<std::vector<std::string>>(a.answers[1].value),
            (std::vector<std::string>{"keynote", "qa"}));  // the options' order, once each
  EXPECT_EQ(std::get<std::string>(a.answers[2].value), "epi");
  EXPECT_TRUE(std::get<bool>(a.answers[3].value));
}

TEST(ValidateAnswers, EveryBadAnswerIsReportedWithTheOtherFields) {
  SignupForm f = answered();
  f.name.reset();
  f.answers["panel"] = AnswerValue(repeat("あ", 401));
  f.answers["sessions"] = AnswerValue(std::vector<std::string>{"keynote", "lunch"});
  f.answers["role"] = AnswerValue(std::vector<std::string>{"pv"});
  f.answers["accommodation"] = AnswerValue(std::string("車椅子\n席"));
  f.answers["agree"] = AnswerValue(false);
  f.answers["stale"] = AnswerValue(std::string("x"));
  auto r = validate_signup(f, event_with_questions());
  EXPECT_EQ(codes_for(r, "name"), std::vector<std::string>{"required"});
  EXPECT_EQ(codes_for(r, "answers.panel"), std::vector<std::string>{"too_long"});
  EXPECT_EQ(codes_for(r, "answers.sessions"), std::vector<std::string>{"invalid"});
  EXPECT_EQ(codes_for(r, "answers.role"), std::vector<std::string>{"invalid_type"});
  EXPECT_EQ(codes_for(r, "answers.accommodation"), std::vector<std::string>{"control_characters"});
  EXPECT_EQ(codes_for(r, "answers.agree"), std::vector<std::string>{"must_accept"});
  EXPECT_EQ(codes_for(r, "answers.stale"), std::vector<std::string>{"unknown"});
  EXPECT_FALSE(r.applicant);
  for (const auto& e : r.errors)
    if (e.field == "answers.panel") EXPECT_EQ(e.max_length, 400u);
}

TEST(ValidateAnswers, RequiredQuestionsLeftUnansweredAndWrongJsonTypes) {
  SignupForm f = valid_form();
  f.answers["role"] = std::nullopt;  // a number in the JSON
  auto r = validate_signup(f, event_with_questions());
  EXPECT_EQ(codes_for(r, "answers.sessions"), std::vector<std::string>{"required"});
  EXPECT_EQ(codes_for(r, "answers.agree"), std::vector<std::string>{"must_accept"});
  EXPECT_EQ(codes_for(r, "answers.role"), std::vector<std::string>{"invalid_type"});
  EXPECT_TRUE(codes_for(r, "answers.panel").empty());
  f = valid_form();
  f.wrong_type.push_back("answers");  // "answers": "x"
  expect_only_error(validate_signup(f, kDefaultEvent), "answers", "invalid_type");
  // Without questions, answers to nothing are refused too (a form from a stale page).
  f = valid_form();
  f.answers["x"] = AnswerValue(true);
  expect_only_error(validate_signup(f, kDefaultEvent), "answers.x", "unknown");
}

TEST(CheckEvent, QuestionsNeedUniqueIdsLabelsAndOptionsWhereTheyChoose) {
  Event e = event_with_questions();
  for (const auto& p : check_event(e)) EXPECT_NE(p.key.rfind("questions", 0), 0u) << p.key;
  e.questions[1].id = "panel";
  e.questions[2].options.clear();
  e.questions[3].options = {{"a", {"A", "A"}}};
  e.questions[4].label = {};
  e.questions.push_back({"9bad", QuestionType::kText, {"x", ""}, {}, {}, false, 0});
  std::vector<std::string> keys;
  for (const auto& p : check_event(e)) keys.push_back(p.key);
  for (const char* k : {"questions[1].id", "questions[2].options", "questions[3].options",
                        "questions[4].label", "questions[5].id"})
    EXPECT_NE(std::find(keys.begin(), keys.end(), k), keys.end()) << k;
}

}  // namespace
}  // namespace regdesk
