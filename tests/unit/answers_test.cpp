// Stored answers: what the purge keeps of them (the choices, which the statistics count).

#include "codec/answers.hpp"

#include <gtest/gtest.h>

namespace regdesk {
namespace {

Question question(std::string id, QuestionType type) {
  Question q;
  q.id = std::move(id);
  q.type = type;
  return q;
}

TEST(AnswersTest, ThePurgeKeepsChoicesAndDropsFreeText) {
  std::vector<Question> questions = {
      question("panel", QuestionType::kTextarea), question("sessions", QuestionType::kMulti),
      question("role", QuestionType::kSelect), question("note", QuestionType::kText),
      question("recording", QuestionType::kCheckbox)};
  std::string stored =
      R"({"panel":"質問です","sessions":["keynote"],"role":"epi","note":"車椅子","recording":true,)"
      R"("gone":"a question since removed"})";
  EXPECT_EQ(codec::answers_kept_by_purge(stored, questions),
            R"({"recording":true,"role":"epi","sessions":["keynote"]})");
  EXPECT_EQ(codec::answers_kept_by_purge(R"({"panel":"only text"})", questions), "");
  EXPECT_EQ(codec::answers_kept_by_purge("not json", questions), "");
  EXPECT_EQ(codec::answers_kept_by_purge(stored, {}), "");
}

}  // namespace
}  // namespace regdesk
