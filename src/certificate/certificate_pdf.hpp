#pragma once
// Certificates of attendance as PDF: A4 portrait, one page per certificate, Japanese text
// shaped by pango (HarfBuzz) in Noto Sans/Serif CJK JP and drawn by cairo's PDF surface, which
// embeds subsets of the fonts with their ToUnicode maps (so the text can be searched and copied).
//
// Thread safety: a PdfWriter is not thread-safe (one writer per document, used by one thread at
// a time); writers in different threads are independent. cairo is safe as long as no cairo_t or
// surface is shared, and pango's default cairo font map is per thread since 1.32.6, so each
// thread has its own font caches (bookworm ships pango 1.50, fontconfig 2.14).

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace regdesk::certificate {

// What one certificate says; every string already formatted for its locale by the caller.
struct Certificate {
  std::string locale;        // "en": English wording; anything else: Japanese (the default)
  std::string number;        // e.g. "SYMPO2024-000123"
  std::string person_name;   // 山田 太郎
  std::string organization;  // may be empty (the line is left out)
  std::string event_title;
  std::string event_date;      // "2024年2月28日（水）14:00–17:00" as the caller formats it
  std::string attended_from;   // first join, e.g. "14:02"; may be empty
  std::string attended_until;  // last leave; may be empty
  int minutes_attended = 0;
  std::string organiser_name;  // issuing organisation, e.g. 独立行政法人 医薬品医療機器総合機構
  std::string issued_on;   // date of issue, formatted
  std::string verify_url;  // https://.../certificates/SYMPO2024-000123
};

// "14:02–16:58（176分）" / "14:02–16:58 (176 minutes)"; only the minutes when a time is missing.
std::string attended_text(const Certificate& c);

// Writes an A4 PDF, one page per certificate, to `sink` as cairo produces it (cairo's stream
// surface, each page written out when it is added; the fonts, page tree and trailer at finish()),
// so a PDF of 1,000 certificates is never held whole in memory. The sink gets chunks of about 32
// KiB (the last one shorter), not cairo's pieces of a few dozen bytes. `sink` returning false (the
// client is gone) aborts the document: add() and finish() then return false and the sink is not
// called again. An exception thrown by `sink` is rethrown from add()/finish(). A writer destroyed
// without finish() writes nothing more (no unfinished document's tail reaches the sink).
// A document with no certificate added is one blank page (cairo's behaviour).
// Text is laid out as plain text (no pango markup), so "<b>&" in a name prints as itself; long
// values wrap and are cut with "…" after a few lines, so a page never overflows.
// Not thread-safe; see the top of this file for writers in several threads.
class PdfWriter {
 public:
  using Sink = std::function<bool(std::string_view bytes)>;
  // Throws std::runtime_error when cairo cannot create the surface or the Noto CJK fonts are
  // missing (fonts-noto-cjk), rather than producing a PDF with substituted glyphs.
  explicit PdfWriter(Sink sink, std::string document_title);
  ~PdfWriter();
  PdfWriter(const PdfWriter&) = delete;
  PdfWriter& operator=(const PdfWriter&) = delete;

  // Draws one page. False once the sink refused bytes or cairo reported an error (see error()).
  bool add(const Certificate& c);
  // Writes the rest of the PDF (fonts, page tree, trailer). False as for add(). Call once.
  bool finish();
  // Why add()/finish() returned false ("sink refused the bytes" or cairo's status text); empty
  // while all is well.
  const std::string& error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Convenience: the whole PDF of one certificate (titled with its number). Throws
// std::runtime_error if cairo fails.
std::string render_one(const Certificate& c);

}  // namespace regdesk::certificate
