// certificate_bench: N certificates (default 1,000) written as one PDF by PdfWriter to a sink
// that only counts the bytes (or also writes them to a file, to check the PDF afterwards).
// Reports certificates/s, bytes, and the process's peak RSS (getrusage ru_maxrss) at start,
// after a first certificate (fonts loaded, caches warm: what a server holds after its first
// request) and after the N: the writer streams, so the last figure must not grow with N. Then
// the resident set split into anonymous and file-backed memory (the mapped font files).
//   certificate_bench [N] [OUT.pdf]

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "certificate/certificate_pdf.hpp"

namespace {

using regdesk::certificate::Certificate;

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // KiB on Linux
}

// The resident set now, split as /proc/self/status does: most of the file-backed part is the
// Noto CJK font files, mapped and shared (page cache), not memory the writer allocated.
std::string resident_now() {
  std::ifstream status("/proc/self/status");
  std::string line, out;
  while (std::getline(status, line)) {
    if (line.rfind("RssAnon:", 0) == 0 || line.rfind("RssFile:", 0) == 0) {
      const long kib = std::stol(line.substr(line.find(':') + 1));
      char part[64];
      std::snprintf(part, sizeof part, "%s%s %.1f MiB", out.empty() ? "" : ", ",
                    line.substr(0, line.find(':')).c_str(), kib / 1024.0);
      out += part;
    }
  }
  return out;
}

// User + system CPU time of the process: unlike the wall clock, not stretched by other load.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Varied names and organisations, so the font subsets grow as with a real attendee list.
Certificate sample(int i) {
  static const std::array<const char*, 8> kNames = {"山田 太郎",  "佐藤 花子", "髙橋 健一",
                                                    "鈴木 美穂",  "渡邊 直樹", "伊藤 さくら",
                                                    "Jane Smith", "李 明"};
  static const std::array<const char*, 4> kOrganizations = {
      "株式会社テスト製薬 安全管理部", "国立大学法人 医療情報学研究室", "", "Example Pharma Ltd."};
  char number[32];
  std::snprintf(number, sizeof number, "SYMPO2024-%06d", i);
  Certificate c;
  c.locale = i % 5 == 4 ? "en" : "ja";
  c.number = number;
  c.person_name = kNames[i % kNames.size()];
  c.organization = kOrganizations[i % kOrganizations.size()];
  c.event_title = "MID-NET®シンポジウム 2024 医療情報データベースの利活用と安全対策";
  c.event_date = "2024年2月28日（水）14:00–17:00";
  c.attended_from = "14:02";
  c.attended_until = "16:58";
  c.minutes_attended = 120 + i % 57;
  c.organiser_name = "独立行政法人 医薬品医療機器総合機構";
  c.issued_on = "2024年3月1日";
  c.verify_url = std::string("https://regdesk.example.jp/certificates/") + number;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::stoi(argv[1]) : 1000;
  FILE* out = argc > 2 ? std::fopen(argv[2], "wb") : nullptr;
  if (argc > 2 && !out) {
    std::perror(argv[2]);
    return 1;
  }
  const long rss_start = peak_rss_kib();
  const size_t one_bytes = regdesk::certificate::render_one(sample(0)).size();
  const long rss_after_one = peak_rss_kib();

  size_t bytes = 0, writes = 0, largest_write = 0;
  const auto started = std::chrono::steady_clock::now();
  const double cpu_started = cpu_seconds();
  regdesk::certificate::PdfWriter writer(
      [&](std::string_view b) {
        bytes += b.size();
        ++writes;
        largest_write = std::max(largest_write, b.size());
        return !out || std::fwrite(b.data(), 1, b.size(), out) == b.size();
      },
      "受講証明書 MID-NET®シンポジウム 2024");
  for (int i = 0; i < count; ++i) {
    if (!writer.add(sample(i))) {
      std::fprintf(stderr, "add failed: %s\n", writer.error().c_str());
      return 1;
    }
  }
  if (!writer.finish()) {
    std::fprintf(stderr, "finish failed: %s\n", writer.error().c_str());
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double cpu = cpu_seconds() - cpu_started;
  if (out && std::fclose(out) != 0) {
    std::perror(argv[2]);
    return 1;
  }

  std::printf(
      "certificates: %d in %.2f s = %.0f certificates/s (one thread); CPU %.2f s = %.0f "
      "certificates per CPU second\n",
      count, seconds, count / seconds, cpu, count / cpu);
  std::printf("PDF: %zu bytes (%.1f KiB per certificate), %zu sink writes, largest %zu bytes\n",
              bytes, bytes / 1024.0 / count, writes, largest_write);
  std::printf("one certificate alone (render_one): %zu bytes\n", one_bytes);
  std::printf("peak RSS: %.1f MiB at start, %.1f MiB after one certificate, %.1f MiB after %d\n",
              rss_start / 1024.0, rss_after_one / 1024.0, peak_rss_kib() / 1024.0, count);
  std::printf("resident now: %s\n", resident_now().c_str());
  return 0;
}
