#include "http/signup_json.hpp"

#include <gtest/gtest.h>

namespace regdesk::http {
namespace {

// The peek must say what the full parse would: compared on every body it answers for.
void expect_agrees_with_parse(const std::string& body) {
  auto peek = peek_signup_body(body);
  ASSERT_TRUE(peek.has_value()) << body;
  SignupForm form = signup_form_from_json(nlohmann::json::parse(body));
  EXPECT_EQ(peek->email, form.email) << body;
  EXPECT_EQ(peek->wants_waitlist, form.wants_waitlist) << body;
}

TEST(PeekSignupBody, ReadsTheAddressAndTheWaitlistOfAFormAsBrowsersSendIt) {
  auto peek = peek_signup_body(
      R"({"name":"山田 太郎","name_kana":"やまだ たろう","email":"Taro@Example.JP",)"
      R"("email_confirmation":"Taro@Example.JP","consent_privacy":true,"waitlist":true,)"
      R"("answers":{"q1":"はい","q2":["a","b"],"q3":false,"q4":null}})");
  ASSERT_TRUE(peek.has_value());
  EXPECT_EQ(peek->email, "Taro@Example.JP");
  EXPECT_TRUE(peek->wants_waitlist);
}

TEST(PeekSignupBody, AgreesWithTheParseOnAbsentNullAndWronglyTypedFields) {
  for (const char* body : {
           R"({})",
           " \t\r\n{ } \n",
           R"({"email":null,"waitlist":null})",
           R"({"email":true,"waitlist":"yes"})",
           R"({"email":["a@example.jp"],"waitlist":{}})",
           R"({"email":{"x":"a@example.jp"},"waitlist":false})",
           R"({"waitlist":true,"waitlist":false})",
           R"({"email":"a@example.jp","email":"b@example.jp"})",
           R"({"email":"a@example.jp","email":null})",
           R"({"answers":{"email":"nested@example.jp","waitlist":true}})",
           R"({"":"","email":""})",
       })
    expect_agrees_with_parse(body);
}

TEST(PeekSignupBody, LeavesWhatIsNotJsonToTheFullParse) {
  for (const char* body : {
           "", " ", "[]", "null", "\"email\"", "{", "}", R"({"email":"a@example.jp")",
           R"({"email":"a@example.jp",})", R"({"email" "a@example.jp"})", R"({email:"a"})",
           R"({"waitlist":tru})", R"({"waitlist":truex})", R"({"waitlist":True})",
           R"({"a":[1,]})", R"({"a":[,]})", R"({} {})", R"({}x)", "{\"a\":\"\x01\"}",
           "{\"a\":\"\xff\"}", "{\"a\":\"\xed\xa0\x80\"}", "{\"a\":\"\xc0\xaf\"}",
           "{\"a\":\"unterminated}",
       })
    EXPECT_FALSE(peek_signup_body(body).has_value()) << body;
}

// Valid JSON outside the subset it reads goes to the full parse too, which then decides.
TEST(PeekSignupBody, LeavesNumbersEscapesAndDeepNestingToTheFullParse) {
  std::string deep = R"({"a":)" + std::string(40, '[') + std::string(40, ']') + "}";
  for (const std::string& body : {
           std::string(R"({"email":"a\u0040example.jp"})"),
           std::string(R"({"name":"a\"b","email":"a@example.jp"})"),
           std::string(R"({"question":"line\nline"})"),
           std::string(R"({"phone":1234})"),
           std::string(R"({"answers":{"q":[1.5]}})"),
           std::string("\xEF\xBB\xBF{}"),  // a byte order mark, which nlohmann skips
           deep,
       }) {
    EXPECT_TRUE(nlohmann::json::accept(body)) << body;
    EXPECT_FALSE(peek_signup_body(body).has_value()) << body;
  }
}

}  // namespace
}  // namespace regdesk::http
