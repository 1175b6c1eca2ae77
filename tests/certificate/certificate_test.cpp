// PdfWriter and render_one. Every PDF is written to a temporary directory and read back by an
// independent implementation, poppler (pdftotext -layout, pdftotext -bbox, pdfinfo), so the
// assertions are about what a reader of the PDF gets: the text, the pages, where the text lies.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "certificate/certificate_pdf.hpp"

namespace regdesk::certificate {
namespace {

namespace fs = std::filesystem;

Certificate yamada() {
  Certificate c;
  c.locale = "ja";
  c.number = "SYMPO2024-000123";
  c.person_name = "山田 太郎";
  c.organization = "株式会社テスト製薬 安全管理部";
  c.event_title = "MID-NET®シンポジウム 2024";
  c.event_date = "2024年2月28日（水）14:00–17:00";
  c.attended_from = "14:02";
  c.attended_until = "16:58";
  c.minutes_attended = 176;
  c.organiser_name = "独立行政法人 医薬品医療機器総合機構";
  c.issued_on = "2024年3月1日";
  c.verify_url = "https://regdesk.example.jp/certificates/SYMPO2024-000123";
  return c;
}

Certificate smith() {
  Certificate c = yamada();
  c.locale = "en";
  c.number = "SYMPO2024-000124";
  c.person_name = "Jane Smith";
  c.organization = "Example Pharma Ltd.";
  c.event_title = "MID-NET Symposium 2024";
  c.event_date = "Wed, 28 February 2024, 14:00–17:00 JST";
  c.organiser_name = "Pharmaceuticals and Medical Devices Agency";
  c.issued_on = "1 March 2024";
  c.verify_url = "https://regdesk.example.jp/certificates/SYMPO2024-000124";
  return c;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "regdesk-certificate.XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Runs a shell command and returns its standard output; a failing command fails the test.
std::string run(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed: " + command);
  std::string out;
  std::array<char, 4096> buffer;
  while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
  const int status = pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command << " failed";
  return out;
}

// A PDF written to the test's directory, and what poppler reads from it.
class Pdf {
 public:
  Pdf(const TempDir& dir, const std::string& bytes, const std::string& name = "out.pdf")
      : path_((dir.path() / name).string()) {
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  // pdftotext -layout; page 0 = all pages.
  std::string text(int page = 0) const {
    std::string range = page ? " -f " + std::to_string(page) + " -l " + std::to_string(page) : "";
    return run("pdftotext -layout -enc UTF-8" + range + " '" + path_ + "' -");
  }
  std::string info() const { return run("pdfinfo -enc UTF-8 '" + path_ + "'"); }
  int pages() const {
    std::smatch m;
    const std::string s = info();
    if (!std::regex_search(s, m, std::regex(R"(Pages:\s+(\d+))"))) return -1;
    return std::stoi(m[1]);
  }
  // Every word's box (points, origin top left) from pdftotext -bbox.
  struct Word {
    double x_min, y_min, x_max, y_max;
    std::string text;
  };
  std::vector<Word> words() const {
    const std::string html = run("pdftotext -bbox -enc UTF-8 '" + path_ + "' -");
    const std::regex word(
        R"re(<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>)re");
    std::vector<Word> out;
    for (auto it = std::sregex_iterator(html.begin(), html.end(), word);
         it != std::sregex_iterator(); ++it) {
      const auto& m = *it;
      out.push_back({std::stod(m[1]), std::stod(m[2]), std::stod(m[3]), std::stod(m[4]), m[5]});
    }
    return out;
  }

 private:
  std::string path_;
};

// A sink that keeps the bytes, as a response body would send them.
struct Collect {
  std::string bytes;
  int calls = 0;
  PdfWriter::Sink sink() {
    return [this](std::string_view b) {
      ++calls;
      bytes.append(b);
      return true;
    };
  }
};

TEST(Certificate, JapaneseCertificateReadsBackAsText) {
  TempDir dir;
  const Pdf pdf(dir, render_one(yamada()));
  const std::string text = pdf.text();
  EXPECT_NE(text.find("受講証明書"), std::string::npos) << text;
  EXPECT_NE(text.find("下記の者は、次の催しに参加したことを証明します。"), std::string::npos);
  EXPECT_NE(text.find("山田 太郎"), std::string::npos) << text;
  EXPECT_NE(text.find("株式会社テスト製薬 安全管理部"), std::string::npos);
  EXPECT_NE(text.find("MID-NET®シンポジウム 2024"), std::string::npos);
  EXPECT_NE(text.find("2024年2月28日（水）14:00–17:00"), std::string::npos);
  EXPECT_NE(text.find("14:02–16:58（176分）"), std::string::npos) << text;
  EXPECT_NE(text.find("SYMPO2024-000123"), std::string::npos);
  EXPECT_NE(text.find("https://regdesk.example.jp/certificates/SYMPO2024-000123"),
            std::string::npos);
  EXPECT_NE(text.find("独立行政法人 医薬品医療機器総合機構"), std::string::npos);
  EXPECT_NE(text.find("2024年3月1日"), std::string::npos);
  for (const char* label : {"氏名", "所属", "催し", "日時", "参加時間", "証明書番号"}) {
    EXPECT_NE(text.find(label), std::string::npos) << label;
  }
  EXPECT_EQ(pdf.pages(), 1);
}

TEST(Certificate, EnglishWordingForLocaleEn) {
  TempDir dir;
  const std::string text = Pdf(dir, render_one(smith())).text();
  EXPECT_NE(text.find("Certificate of Attendance"), std::string::npos) << text;
  EXPECT_NE(text.find("This certifies that the person named below attended the following event."),
            std::string::npos);
  EXPECT_NE(text.find("Jane Smith"), std::string::npos);
  EXPECT_NE(text.find("Example Pharma Ltd."), std::string::npos);
  EXPECT_NE(text.find("14:02–16:58 (176 minutes)"), std::string::npos) << text;
  EXPECT_NE(text.find("Certificate number"), std::string::npos);
  EXPECT_NE(text.find("SYMPO2024-000124"), std::string::npos);
  EXPECT_EQ(text.find("受講証明書"), std::string::npos);
  EXPECT_EQ(text.find("氏名"), std::string::npos);
}

TEST(Certificate, TheOrganizationLineIsLeftOutWhenEmpty) {
  Certificate c = yamada();
  c.organization.clear();
  TempDir dir;
  const std::string text = Pdf(dir, render_one(c)).text();
  EXPECT_EQ(text.find("所属"), std::string::npos) << text;
  EXPECT_NE(text.find("山田 太郎"), std::string::npos);
}

TEST(Certificate, OnePagePerCertificate) {
  Collect out;
  PdfWriter writer(out.sink(), "受講証明書 MID-NET®シンポジウム 2024");
  std::vector<Certificate> people;
  for (int i = 1; i <= 3; ++i) {
    Certificate c = i == 2 ? smith() : yamada();
    c.number = "SYMPO2024-00010" + std::to_string(i);
    people.push_back(c);
    ASSERT_TRUE(writer.add(c)) << writer.error();
  }
  ASSERT_TRUE(writer.finish()) << writer.error();
  EXPECT_TRUE(writer.error().empty());

  TempDir dir;
  const Pdf pdf(dir, out.bytes);
  ASSERT_EQ(pdf.pages(), 3);
  for (int page = 1; page <= 3; ++page) {
    const std::string text = pdf.text(page);
    EXPECT_NE(text.find(people[page - 1].number), std::string::npos) << page << "\n" << text;
    for (int other = 1; other <= 3; ++other) {
      if (other != page) {
        EXPECT_EQ(text.find(people[other - 1].number), std::string::npos);
      }
    }
  }
  EXPECT_NE(pdf.text(2).find("Certificate of Attendance"), std::string::npos);
}

TEST(Certificate, DocumentTitleAndLinkAnnotation) {
  TempDir dir;
  const std::string bytes = render_one(yamada());
  const Pdf pdf(dir, bytes);
  EXPECT_TRUE(std::regex_search(pdf.info(), std::regex("Title: +受講証明書 SYMPO2024-000123\n")))
      << pdf.info();
  // cairo writes annotations as plain (uncompressed) objects.
  EXPECT_NE(bytes.find("/URI (https://regdesk.example.jp/certificates/SYMPO2024-000123)"),
            std::string::npos);
}

TEST(Certificate, AQuoteInTheUrlIsEscapedForCairosLinkTag) {
  Certificate c = yamada();
  c.verify_url = "https://regdesk.example.jp/certificates/it's\\odd";
  TempDir dir;
  const std::string text = Pdf(dir, render_one(c)).text();  // render_one throws on a tag error
  EXPECT_NE(text.find("https://regdesk.example.jp/certificates/it's\\odd"), std::string::npos)
      << text;
}

TEST(Certificate, MarkupCharactersInANameAppearLiterally) {
  Certificate c = yamada();
  c.person_name = "<b>&amp; 山田</b> & <i>太郎";
  c.organization = "R&D <span foreground=\"red\">部</span>";
  TempDir dir;
  const std::string text = Pdf(dir, render_one(c)).text();
  EXPECT_NE(text.find("<b>&amp; 山田</b> & <i>太郎"), std::string::npos) << text;
  EXPECT_NE(text.find("R&D <span foreground=\"red\">部</span>"), std::string::npos) << text;
}

TEST(Certificate, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  using namespace std::string_literals;
  Certificate c = yamada();
  c.person_name = "山田\xff\xfe太郎"s;
  c.organization = "NUL\0inside"s;
  TempDir dir;
  const std::string text = Pdf(dir, render_one(c)).text();  // cairo would refuse the document
  EXPECT_NE(text.find("山田\uFFFD\uFFFD太郎"), std::string::npos) << text;
  EXPECT_NE(text.find("NUL\uFFFDinside"), std::string::npos) << text;
}

// Where every word lies on a page: inside the inner frame (35 pt from the edge), never cut off.
void expect_inside_page(const Pdf& pdf) {
  const auto words = pdf.words();
  ASSERT_FALSE(words.empty());
  for (const auto& w : words) {
    EXPECT_GE(w.x_min, 35) << w.text;
    EXPECT_GE(w.y_min, 35) << w.text;
    EXPECT_LE(w.x_max, 595.28 - 35) << w.text;
    EXPECT_LE(w.y_max, 841.89 - 35) << w.text;
  }
}

TEST(Certificate, AVeryLongTitleWrapsAndTheNumberStaysOnThePage) {
  Certificate c = yamada();
  c.event_title.clear();
  for (int i = 0; i < 12; ++i)
    c.event_title += "令和六年度医療情報データベース活用推進シンポジウム";
  TempDir dir;
  const Pdf pdf(dir, render_one(c));
  EXPECT_EQ(pdf.pages(), 1);
  const std::string text = pdf.text(1);
  EXPECT_NE(text.find("SYMPO2024-000123"), std::string::npos) << text;
  // Cut with "…" after four lines. pango maps the "…" glyph to the characters it stands for,
  // so a reader copying the text still gets the whole title (not asserted: a detail of pango).
  EXPECT_NE(text.find("令和六年度医療情報"), std::string::npos);
  expect_inside_page(pdf);
}

TEST(Certificate, EveryFieldFarTooLongStillFitsThePage) {
  const std::string long_ja(std::string("長い文字列の繰り返し、") + "長い文字列の繰り返し、");
  std::string very_long;
  for (int i = 0; i < 40; ++i) very_long += long_ja;
  std::string long_latin;
  for (int i = 0; i < 60; ++i) long_latin += "Supercalifragilistic ";
  for (const std::string locale : {"ja", "en"}) {
    Certificate c = locale == "en" ? smith() : yamada();
    c.person_name = very_long + "\n\n\n\n" + very_long;  // newlines do not start new paragraphs
    c.organization = long_latin;
    c.event_title = very_long;
    c.event_date = long_latin;
    c.attended_from = very_long;
    c.organiser_name = very_long;
    c.issued_on = long_latin;
    c.verify_url = "https://regdesk.example.jp/certificates/" + std::string(600, 'x');
    c.number = "SYMPO2024-999999";
    TempDir dir;
    const Pdf pdf(dir, render_one(c));
    EXPECT_EQ(pdf.pages(), 1) << locale;
    EXPECT_NE(pdf.text(1).find("SYMPO2024-999999"), std::string::npos) << locale;
    expect_inside_page(pdf);
  }
}

TEST(Certificate, AttendedTextWithAndWithoutTimes) {
  Certificate c = yamada();
  EXPECT_EQ(attended_text(c), "14:02–16:58（176分）");
  c.attended_until.clear();
  EXPECT_EQ(attended_text(c), "176分");
  c = smith();
  EXPECT_EQ(attended_text(c), "14:02–16:58 (176 minutes)");
  c.attended_from.clear();
  c.minutes_attended = 1;
  EXPECT_EQ(attended_text(c), "1 minute");
}

TEST(Certificate, PagesReachTheSinkBeforeFinish) {
  Collect out;
  PdfWriter writer(out.sink(), "streaming");
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(writer.add(yamada()));
  const size_t before_finish = out.bytes.size();
  const int calls_before_finish = out.calls;
  ASSERT_TRUE(writer.finish());
  // A page is about 1.5 KB; finish() adds the fonts, the page tree and the trailer.
  EXPECT_GT(before_finish, 100u * 1000) << "of " << out.bytes.size();
  EXPECT_GT(calls_before_finish, 1);
  // Chunks, not cairo's pieces of a few dozen bytes.
  EXPECT_LT(out.calls, static_cast<int>(out.bytes.size() / 16384) + 2);
  TempDir dir;
  EXPECT_EQ(Pdf(dir, out.bytes).pages(), 100);
}

TEST(Certificate, ASinkReturningFalseAbortsTheDocument) {
  int calls = 0;
  PdfWriter writer(
      [&calls](std::string_view) {
        ++calls;
        return false;  // the client is gone
      },
      "aborted");
  bool added = true;
  for (int i = 0; i < 200 && added; ++i) added = writer.add(yamada());
  EXPECT_FALSE(added) << "the first chunk reaches the sink within a few dozen pages";
  EXPECT_FALSE(writer.add(yamada()));
  EXPECT_FALSE(writer.finish());
  EXPECT_EQ(calls, 1) << "the sink is not called after it said no";
  EXPECT_EQ(writer.error(), "the sink refused the bytes");
}

TEST(Certificate, AnExceptionFromTheSinkIsRethrown) {
  PdfWriter writer([](std::string_view) -> bool { throw std::runtime_error("socket closed"); },
                   "thrown");
  EXPECT_THROW(
      {
        for (int i = 0; i < 200; ++i) writer.add(yamada());
        writer.finish();
      },
      std::runtime_error);
  EXPECT_FALSE(writer.add(yamada()));
}

TEST(Certificate, AWriterDestroyedWithoutFinishWritesNothingMore) {
  Collect out;
  {
    PdfWriter writer(out.sink(), "given up");
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(writer.add(yamada()));
    ASSERT_GT(out.calls, 0);
    out.calls = 0;
  }
  EXPECT_EQ(out.calls, 0);
  EXPECT_EQ(out.bytes.find("%%EOF"), std::string::npos);
}

// Ten certificates numbered T<t>-0 … T<t>-9, alternately Japanese and English.
std::string ten_certificates(int t) {
  std::string bytes;
  PdfWriter writer(
      [&bytes](std::string_view b) {
        bytes.append(b);
        return true;
      },
      "thread " + std::to_string(t));
  for (int i = 0; i < 10; ++i) {
    Certificate c = (i + t) % 2 ? smith() : yamada();
    c.number = "T" + std::to_string(t) + "-" + std::to_string(i);
    if (!writer.add(c)) throw std::runtime_error(writer.error());
  }
  if (!writer.finish()) throw std::runtime_error(writer.error());
  return bytes;
}

// Writers in parallel threads, each with its own document (pango's per-thread font maps).
TEST(Certificate, WritersInParallelThreads) {
  constexpr int kThreads = 4;
  std::vector<std::string> pdfs(kThreads), errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &pdfs, &errors] {
      try {
        pdfs[t] = ten_certificates(t);
      } catch (const std::exception& e) {
        errors[t] = e.what();  // an exception leaving a thread would end the test binary
      }
    });
  }
  for (auto& thread : threads) thread.join();
  TempDir dir;
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(errors[t], "") << t;
    const Pdf pdf(dir, pdfs[t], "thread" + std::to_string(t) + ".pdf");
    ASSERT_EQ(pdf.pages(), 10) << t;
    const std::string text = pdf.text();
    for (int i = 0; i < 10; ++i) {
      EXPECT_NE(text.find("T" + std::to_string(t) + "-" + std::to_string(i)), std::string::npos);
    }
    EXPECT_NE(text.find("山田 太郎"), std::string::npos);
    EXPECT_NE(text.find("Jane Smith"), std::string::npos);
  }
}

}  // namespace
}  // namespace regdesk::certificate
