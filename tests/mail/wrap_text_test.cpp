// wrap_text: plain-text bodies short enough for Japanese mail clients.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mail/message.hpp"

namespace regdesk::mail {
namespace {

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t end = s.find('\n', start);
    out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

// The tests use ASCII (1 column) and Japanese kana, kanji and full-width punctuation
// (2 columns) only, so a simple count is an independent check of the implementation's widths.
size_t columns(const std::string& s) {
  size_t w = 0;
  for (unsigned char c : s) {
    if (c < 0x80)
      ++w;
    else if ((c & 0xC0) != 0x80)
      w += 2;  // a lead byte: one wide character
  }
  return w;
}

std::string without_newlines(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != '\n') out += c;
  return out;
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

TEST(WrapText, HundredFullWidthCharactersMakeLinesOfAtMost35) {
  const std::string text = repeat("あいうえおかきくけこ", 10);  // 100 characters
  const std::string wrapped = wrap_text(text, 70);
  const auto lines = lines_of(wrapped);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(columns(lines[0]), 70u);  // exactly 35 characters
  for (const auto& line : lines) EXPECT_LE(columns(line), 70u) << line;
  EXPECT_EQ(without_newlines(wrapped), text);
}

TEST(WrapText, ShortTextAndExistingLineBreaksAreKept) {
  EXPECT_EQ(wrap_text(""), "");
  EXPECT_EQ(wrap_text("山田 太郎 様\n\nご登録ありがとうございます。\n"),
            "山田 太郎 様\n\nご登録ありがとうございます。\n");
  EXPECT_EQ(wrap_text("  indented\n\tand tabbed"), "  indented\n\tand tabbed");
  const std::string two = repeat("あ", 40) + "\n" + repeat("い", 40);
  EXPECT_EQ(wrap_text(two), repeat("あ", 35) + "\n" + repeat("あ", 5) + "\n" + repeat("い", 35) +
                                "\n" + repeat("い", 5));
}

TEST(WrapText, LongUrlStaysOnOneLine) {
  const std::string url =
      "https://regdesk.example.jp/events/midnet-symposium-2024/manage?token="
      "0123456789abcdef0123456789abcdef0123456789abcdef";
  ASSERT_GT(url.size(), 70u);
  const std::string text = "登録内容の確認・変更・キャンセルは、次のページから行えます。" + url +
                           " 期限までにお手続きください。";
  const std::string wrapped = wrap_text(text, 70);
  bool found = false;
  for (const auto& line : lines_of(wrapped)) {
    if (line.find("https://") != std::string::npos) {
      EXPECT_NE(line.find(url), std::string::npos) << line;
      found = true;
    } else {
      EXPECT_LE(columns(line), 70u) << line;
    }
  }
  EXPECT_TRUE(found) << wrapped;

  // Also in Latin text, and a URL that would fit is not broken at its slashes either.
  const std::string latin = "See " + url + " for details, or http://example.jp/a/b/c.";
  for (const auto& line : lines_of(wrap_text(latin, 40))) {
    if (line.find("http") != std::string::npos) {
      EXPECT_TRUE(line.find(url) != std::string::npos ||
                  line.find("http://example.jp/a/b/c.") != std::string::npos)
          << line;
    }
  }
}

TEST(WrapText, NoLineStartsWithClosingPunctuation) {
  // Put 。、」）ー at every position around the 35th character.
  const std::vector<std::string> closers = {"。", "、", "」", "）", "ー", "！", "ょ"};
  for (const auto& closer : closers) {
    for (int n = 30; n <= 40; ++n) {
      const std::string text = repeat("漢", n) + closer + repeat("字", 50) + closer + "終わり";
      const std::string wrapped = wrap_text(text, 70);
      EXPECT_EQ(without_newlines(wrapped), text);
      const auto lines = lines_of(wrapped);
      for (size_t i = 1; i < lines.size(); ++i) {
        EXPECT_FALSE(starts_with(lines[i], closer)) << "n=" << n << ": " << wrapped;
        EXPECT_LE(columns(lines[i]), 70u);
      }
      EXPECT_LE(columns(lines[0]), 70u);
    }
  }
}

TEST(WrapText, OpeningBracketDoesNotEndALine) {
  for (int n = 30; n <= 36; ++n) {
    const std::string text = repeat("漢", n) + "「引用」" + repeat("字", 40);
    const auto lines = lines_of(wrap_text(text, 70));
    for (const auto& line : lines) {
      EXPECT_FALSE(line.size() >= 3 && line.substr(line.size() - 3) == "「") << line;
      EXPECT_LE(columns(line), 70u);
    }
  }
}

TEST(WrapText, AsciiTextWrapsAtSpaces) {
  const std::string text =
      "Thank you for registering for the MID-NET Symposium 2024. The viewing link will be "
      "sent to this address the day before the event. To change or cancel your registration, "
      "use the link below.";
  const std::string wrapped = wrap_text(text, 70);
  const auto lines = lines_of(wrapped);
  ASSERT_GE(lines.size(), 3u);
  std::string rejoined;
  for (const auto& line : lines) {
    EXPECT_LE(line.size(), 70u) << line;
    EXPECT_FALSE(line.empty());
    EXPECT_NE(line.front(), ' ');
    EXPECT_NE(line.back(), ' ');
    if (!rejoined.empty()) rejoined += ' ';
    rejoined += line;
  }
  EXPECT_EQ(rejoined, text);  // every break replaced exactly one space
  // Greedy: the next word would not have fitted on the line before.
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    const std::string next = lines[i + 1].substr(0, lines[i + 1].find(' '));
    EXPECT_GT(lines[i].size() + 1 + next.size(), 70u);
  }
}

TEST(WrapText, OverlongWordIsHardBroken) {
  const std::string word(150, 'x');
  const auto lines = lines_of(wrap_text("id: " + word + " end", 70));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "id:");
  EXPECT_EQ(lines[1], std::string(70, 'x'));
  EXPECT_EQ(lines[2], std::string(70, 'x'));
  EXPECT_EQ(lines[3], std::string(10, 'x') + " end");
}

TEST(WrapText, MixedJapaneseAndLatinKeepsLatinWordsWhole) {
  const std::string text = repeat("参加登録", 8) + "MID-NET®シンポジウム" + repeat("です", 10);
  const std::string wrapped = wrap_text(text, 70);
  EXPECT_EQ(without_newlines(wrapped), text);
  EXPECT_NE(wrapped.find("MID-NET®"), std::string::npos);  // not broken inside the word
  // ® is one column (East Asian Ambiguous, counted narrow); the simple counter says two.
  for (const auto& line : lines_of(wrapped)) EXPECT_LE(columns(line), 71u) << line;
}

TEST(WrapText, NarrowerColumnsAndFullWidthSpace) {
  const std::string text = "お名前　山田太郎　ご所属　医療情報データベース推進機構";
  const std::string wrapped = wrap_text(text, 20);
  for (const auto& line : lines_of(wrapped)) {
    EXPECT_LE(columns(line), 20u) << line;
    EXPECT_FALSE(starts_with(line, "　")) << line;  // the break eats the ideographic space
  }
}

// Found by tests/fuzz/wrap_text_fuzz: an overlong encoding (C0 A0 for a space, C0 89 for a tab)
// was read as that character, so ill-formed bytes became a break opportunity and were dropped.
// Ill-formed bytes are characters of their own (one column each) and are never lost.
TEST(WrapText, OverlongEncodedSpacesAreNoSpacesAndAreKept) {
  for (const std::string overlong : {"\xC0\xA0", "\xC0\x89", "\xE0\x80\xA0"}) {
    const std::string text = "aaaa" + overlong + "bbbb";
    const std::string wrapped = wrap_text(text, 5);
    EXPECT_EQ(without_newlines(wrapped), text) << wrapped;
  }
}

}  // namespace
}  // namespace regdesk::mail
