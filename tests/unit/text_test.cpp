// UTF-8 checks, NFKC, trimming and control characters for input typed through Japanese IMEs.

#include "domain/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regdesk::text {
namespace {

using namespace std::string_literals;  // "\0"s keeps the NUL inside the string

// --- is_valid_utf8 ------------------------------------------------------------------------------

TEST(IsValidUtf8, AcceptsAsciiJapaneseAndFourByteCharacters) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("taro@example.jp"));
  EXPECT_TRUE(is_valid_utf8("山田太郎"));
  EXPECT_TRUE(is_valid_utf8("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"));
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
  EXPECT_TRUE(is_valid_utf8("\xEF\xBF\xBD"));      // U+FFFD
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(is_valid_utf8("\xEE\x80\x80"));      // U+E000, just above them
}

TEST(IsValidUtf8, RejectsOverlongEncodings) {
  EXPECT_FALSE(is_valid_utf8("\xC0\x80"));          // NUL in two bytes
  EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));          // U+007F in two bytes
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // '/' in three bytes
  EXPECT_FALSE(is_valid_utf8("\xE0\x9F\xBF"));      // U+07FF in three bytes
  EXPECT_FALSE(is_valid_utf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
  EXPECT_FALSE(
      is_valid_utf8("a\xC0\xAF"
                    "b"));
}

TEST(IsValidUtf8, RejectsSurrogates) {
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));              // U+D800
  EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));              // U+DFFF
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\xBD\xED\xB8\x80"));  // CESU-8 pair for U+1F600
}

TEST(IsValidUtf8, RejectsTruncatedSequences) {
  EXPECT_FALSE(is_valid_utf8("\xE3\x81"));      // あ cut after two bytes
  EXPECT_FALSE(is_valid_utf8("山田\xE5"));      // lead byte at the very end
  EXPECT_FALSE(is_valid_utf8("\xF0\x9F\x98"));  // emoji missing its last byte
  EXPECT_FALSE(is_valid_utf8("\xC3"));
  EXPECT_FALSE(
      is_valid_utf8("\xE3\x81"
                    "a"));  // continuation replaced by ASCII
}

TEST(IsValidUtf8, RejectsStrayAndImpossibleBytes) {
  EXPECT_FALSE(is_valid_utf8("\x80"));  // lone continuation byte
  EXPECT_FALSE(is_valid_utf8("abc\xBF"));
  EXPECT_FALSE(is_valid_utf8("\xFE"));
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("\xF8\x88\x80\x80\x80"));  // old five-byte form
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));      // U+110000, beyond Unicode
}

// --- length -------------------------------------------------------------------------------------

TEST(Length, CountsCodePointsNotBytes) {
  EXPECT_EQ(length(""), 0u);
  EXPECT_EQ(length("abc"), 3u);
  EXPECT_EQ(length("山田太郎"), 4u);  // 12 bytes
  EXPECT_EQ(length("\xF0\x9F\x98\x80"), 1u);
  EXPECT_EQ(length("a山\xC3\xA9\xF0\x9F\x98\x80"), 4u);  // 1 + 3 + 2 + 4 bytes
  EXPECT_EQ(length("\xE3\x80\x80"), 1u);                 // U+3000
}

// --- nfkc ---------------------------------------------------------------------------------------

TEST(Nfkc, FoldsFullWidthEmailToAscii) {
  EXPECT_EQ(nfkc("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"), "taro@example.jp");
}

TEST(Nfkc, FoldsFullWidthDigitsAndLetters) {
  EXPECT_EQ(nfkc("０１２３４５６７８９"), "0123456789");
  EXPECT_EQ(nfkc("ＡＢＣ１２３＠"), "ABC123@");
}

TEST(Nfkc, TurnsIdeographicSpaceIntoSpace) {
  EXPECT_EQ(nfkc("山田\xE3\x80\x80太郎"), "山田 太郎");
}

TEST(Nfkc, WidensHalfWidthKatakana) {
  EXPECT_EQ(nfkc("ﾔﾏﾀﾞ ﾀﾛｳ"), "ヤマダ タロウ");
}

TEST(Nfkc, LeavesNormalisedTextAlone) {
  EXPECT_EQ(nfkc("山田太郎"), "山田太郎");
  EXPECT_EQ(nfkc("taro@example.jp"), "taro@example.jp");
  EXPECT_EQ(nfkc(""), "");
}

TEST(Nfkc, FoldsCompatibilityCharacters) {
  EXPECT_EQ(nfkc("㈱"), "(株)");
  EXPECT_EQ(nfkc("①"), "1");
}

// --- trim ---------------------------------------------------------------------------------------

TEST(Trim, StripsAsciiSpacesFromBothEnds) {
  EXPECT_EQ(trim("  taro  "), "taro");
  EXPECT_EQ(trim("\t taro\r\n"), "taro");
}

TEST(Trim, StripsIdeographicSpaceFromBothEnds) {
  EXPECT_EQ(trim("\xE3\x80\x80山田\xE3\x80\x80"), "山田");
  EXPECT_EQ(trim(" \xE3\x80\x80 \xE3\x80\x80山田 \xE3\x80\x80 "), "山田");
}

TEST(Trim, KeepsInnerSpaces) {
  EXPECT_EQ(trim(" 山田\xE3\x80\x80太郎 "), "山田\xE3\x80\x80太郎");
  EXPECT_EQ(trim("a b"), "a b");
}

TEST(Trim, AllSpaceBecomesEmpty) {
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(trim("\xE3\x80\x80\xE3\x80\x80"), "");
}

TEST(Trim, DoesNotCutIntoOtherMultiByteCharacters) {
  // 、 (U+3001) shares its first two bytes with U+3000.
  EXPECT_EQ(trim("\xE3\x80\x81"), "\xE3\x80\x81");
  EXPECT_EQ(trim("あ"), "あ");
}

// --- ascii_lower --------------------------------------------------------------------------------

TEST(AsciiLower, LowersOnlyAsciiLetters) {
  EXPECT_EQ(ascii_lower("Taro.Yamada@Example.CO.JP"), "taro.yamada@example.co.jp");
  EXPECT_EQ(ascii_lower("ＡＢＣ"), "ＡＢＣ");
  EXPECT_EQ(ascii_lower("123-_@"), "123-_@");
}

// --- has_control_chars --------------------------------------------------------------------------

TEST(HasControlChars, PlainTextHasNone) {
  EXPECT_FALSE(has_control_chars(""));
  EXPECT_FALSE(has_control_chars("山田 太郎"));
  EXPECT_FALSE(has_control_chars("taro@example.jp"));
  EXPECT_FALSE(has_control_chars("\xE3\x80\x80"));  // U+3000 is a space, not a control
  EXPECT_FALSE(has_control_chars("\xC2\xA0"));      // U+00A0, the first after C1
  EXPECT_FALSE(has_control_chars("~"));             // U+007E, just below DEL
}

TEST(HasControlChars, FindsC0Controls) {
  EXPECT_TRUE(has_control_chars("a\rb"));
  EXPECT_TRUE(has_control_chars("a\nb"));
  EXPECT_TRUE(has_control_chars("a\tb"));
  EXPECT_TRUE(has_control_chars("a\0b"s));
  EXPECT_TRUE(has_control_chars("\x1F"));
  EXPECT_TRUE(has_control_chars("\x1B[31m"));  // ESC
}

TEST(HasControlChars, FindsDel) {
  EXPECT_TRUE(has_control_chars("a\x7F"));
}

TEST(HasControlChars, FindsC1Controls) {
  EXPECT_TRUE(
      has_control_chars("a\xC2\x85"
                        "b"));                 // U+0085 NEL
  EXPECT_TRUE(has_control_chars("\xC2\x80"));  // U+0080
  EXPECT_TRUE(has_control_chars("\xC2\x9F"));  // U+009F
}

TEST(HasControlChars, FindsLineAndParagraphSeparators) {
  EXPECT_TRUE(
      has_control_chars("a\xE2\x80\xA8"
                        "b"));  // U+2028
  EXPECT_TRUE(
      has_control_chars("a\xE2\x80\xA9"
                        "b"));  // U+2029
}

TEST(HasControlChars, AllowNewlinesLetsOnlyLfThrough) {
  EXPECT_FALSE(has_control_chars("line 1\nline 2\n", /*allow_newlines=*/true));
  EXPECT_TRUE(has_control_chars("line 1\r\nline 2", true));
  EXPECT_TRUE(has_control_chars("a\rb", true));
  EXPECT_TRUE(has_control_chars("a\tb", true));
  EXPECT_TRUE(has_control_chars("a\0b"s, true));
  EXPECT_TRUE(has_control_chars("a\x7F", true));
  EXPECT_TRUE(has_control_chars("a\xC2\x85", true));
  EXPECT_TRUE(has_control_chars("a\xE2\x80\xA8", true));
}

TEST(HasControlChars, TreatsIllFormedUtf8AsControl) {
  EXPECT_TRUE(has_control_chars("\xC0\x8A"));  // overlong LF
  EXPECT_TRUE(has_control_chars("\xE3\x81"));
  EXPECT_TRUE(has_control_chars("\xC0\x8A", true));
}

}  // namespace
TEST(PercentDecode, DecodesEscapesAndOnlyFormsTurnPlusIntoSpace) {
  EXPECT_EQ(text::percent_decode("a%20b%2Fc", false), "a b/c");
  EXPECT_EQ(text::percent_decode("p%40ss+word", false), "p@ss+word");
  EXPECT_EQ(text::percent_decode("p%40ss+word", true), "p@ss word");
  EXPECT_EQ(text::percent_decode("%E5%B1%B1", false), "\xE5\xB1\xB1");
  EXPECT_EQ(text::percent_decode("bad%2", false), "bad%2");
  EXPECT_EQ(text::percent_decode("bad%zz%", false), "bad%zz%");
}

}  // namespace regdesk::text
