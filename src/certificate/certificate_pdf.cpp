#include "certificate/certificate_pdf.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <utility>
#include <vector>

namespace regdesk::certificate {

namespace {

// A4 in PDF points (1/72 inch): cairo's PDF surface measures in points, and font sizes below are
// absolute sizes in the same unit, so no resolution (pango's 96 dpi default) comes into play.
constexpr double kPageWidth = 595.2756;   // 210 mm
constexpr double kPageHeight = 841.8898;  // 297 mm
constexpr double kMargin = 64;            // text stays this far from every edge
constexpr double kFrameInset = 30;        // the decorative frame lies between edge and text
constexpr double kContentWidth = kPageWidth - 2 * kMargin;

constexpr const char* kSans = "Noto Sans CJK JP";
constexpr const char* kSerif = "Noto Serif CJK JP";

struct Style {
  const char* family;
  double size;  // points
  PangoWeight weight = PANGO_WEIGHT_NORMAL;
};

// Every block has a line limit (cut with "…" beyond it), which is what keeps the page from
// overflowing whatever the caller passes: the limits below fit A4 with room to spare (the
// test with every field far too long checks the text's bounding boxes).
struct Block {
  Style style;
  int max_lines;
  PangoAlignment align = PANGO_ALIGN_LEFT;
};

const Block kTitle{{kSerif, 26, PANGO_WEIGHT_BOLD}, 2, PANGO_ALIGN_CENTER};
const Block kStatement{{kSans, 11.5}, 3, PANGO_ALIGN_CENTER};
const Block kLabel{{kSans, 10.5, PANGO_WEIGHT_BOLD}, 2};
const Block kName{{kSerif, 18, PANGO_WEIGHT_BOLD}, 2};
const Block kEventTitle{{kSans, 13.5, PANGO_WEIGHT_BOLD}, 4};
const Block kValue{{kSans, 12}, 2};
const Block kIssuedOn{{kSans, 11}, 1, PANGO_ALIGN_RIGHT};
const Block kOrganiser{{kSerif, 15, PANGO_WEIGHT_BOLD}, 2, PANGO_ALIGN_RIGHT};
const Block kVerify{{kSans, 9}, 2};

struct Wording {
  const char* title;
  const char* statement;
  const char* name;
  const char* organization;
  const char* event;
  const char* date;
  const char* attended;
  const char* number;
  const char* issued_on;
  const char* verify;
};

const Wording kJapanese{
    .title = "受講証明書",
    .statement = "下記の者は、次の催しに参加したことを証明します。",
    .name = "氏名",
    .organization = "所属",
    .event = "催し",
    .date = "日時",
    .attended = "参加時間",
    .number = "証明書番号",
    .issued_on = "発行日　",
    .verify = "この証明書は次のURLで確認できます。",
};
const Wording kEnglish{
    .title = "Certificate of Attendance",
    .statement = "This certifies that the person named below attended the following event.",
    .name = "Name",
    .organization = "Organization",
    .event = "Event",
    .date = "Date",
    .attended = "Attended",
    .number = "Certificate number",
    .issued_on = "Issued on ",
    .verify = "This certificate can be verified at:",
};

// As the mail templates do: English only when asked for, Japanese otherwise.
const Wording& wording(const std::string& locale) {
  return locale == "en" ? kEnglish : kJapanese;
}

struct GObjectUnref {
  void operator()(gpointer p) const { g_object_unref(p); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectUnref>;

// Plain text only (pango_layout_set_text, never markup), so "<b>&" in a name is drawn as is.
LayoutPtr make_layout(PangoContext* context, const std::string& text, const Block& block,
                      double width = kContentWidth) {
  LayoutPtr layout(pango_layout_new(context));
  PangoFontDescription* font = pango_font_description_new();
  pango_font_description_set_family_static(font, block.style.family);
  pango_font_description_set_weight(font, block.style.weight);
  pango_font_description_set_absolute_size(font, block.style.size * PANGO_SCALE);
  pango_layout_set_font_description(layout.get(), font);  // copies it
  pango_font_description_free(font);

  pango_layout_set_width(layout.get(), pango_units_from_double(width));
  // Japanese has no spaces to break at: break between words where there are some, else
  // between characters (URLs and long numbers too).
  pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  // The line limit counts lines per paragraph; one paragraph makes it a limit per block (a
  // newline in a name is drawn as a symbol instead of starting a new paragraph).
  pango_layout_set_single_paragraph_mode(layout.get(), TRUE);
  pango_layout_set_height(layout.get(), -block.max_lines);
  pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment(layout.get(), block.align);
  // Input is checked at sign-up, but one byte that is not UTF-8 would put cairo, and with it the
  // whole document of 1,000 certificates, in error: it becomes U+FFFD instead (NUL too).
  if (g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr)) {
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
  } else {
    gchar* valid = g_utf8_make_valid(text.data(), static_cast<gssize>(text.size()));
    pango_layout_set_text(layout.get(), valid, -1);
    g_free(valid);
  }
  return layout;
}

double height_of(PangoLayout* layout) {
  int width = 0, height = 0;
  pango_layout_get_size(layout, &width, &height);
  return pango_units_to_double(height);
}

double width_of(PangoLayout* layout) {
  int width = 0, height = 0;
  pango_layout_get_size(layout, &width, &height);
  return pango_units_to_double(width);
}

double baseline_of(PangoLayout* layout) {
  return pango_units_to_double(pango_layout_get_baseline(layout));
}

void draw(cairo_t* cr, PangoLayout* layout, double x, double y) {
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, layout);
}

// cairo's tag attributes quote strings with ' and escape with \ (cairo-tag-attributes.c); an
// unescaped quote would be a tag error, which puts the whole document in error.
std::string link_attributes(const std::string& uri) {
  std::string out = "uri='";
  for (char ch : uri) {
    if (ch == '\'' || ch == '\\') out += '\\';
    out += ch;
  }
  out += '\'';
  return out;
}

void draw_frame(cairo_t* cr) {
  cairo_save(cr);
  cairo_set_source_rgb(cr, 0.16, 0.27, 0.45);
  cairo_set_line_width(cr, 2.2);
  cairo_rectangle(cr, kFrameInset, kFrameInset, kPageWidth - 2 * kFrameInset,
                  kPageHeight - 2 * kFrameInset);
  cairo_stroke(cr);
  constexpr double kInner = kFrameInset + 5;
  cairo_set_line_width(cr, 0.6);
  cairo_rectangle(cr, kInner, kInner, kPageWidth - 2 * kInner, kPageHeight - 2 * kInner);
  cairo_stroke(cr);
  cairo_restore(cr);
}

void draw_rule(cairo_t* cr, double y) {
  cairo_save(cr);
  cairo_set_source_rgb(cr, 0.75, 0.78, 0.83);
  cairo_set_line_width(cr, 0.5);
  cairo_move_to(cr, kMargin, y);
  cairo_line_to(cr, kPageWidth - kMargin, y);
  cairo_stroke(cr);
  cairo_restore(cr);
}

struct Row {
  const char* label;
  const std::string& value;
  const Block& block;
};

// Labels in a column as wide as the widest label, values beside them, each pair on the first
// baseline of the value (the name is larger than its label); a hairline under each row.
void draw_rows(cairo_t* cr, PangoContext* context, const std::vector<Row>& rows, double y) {
  std::vector<LayoutPtr> labels;
  double label_width = 0;
  for (const Row& row : rows) {
    labels.push_back(make_layout(context, row.label, kLabel, kContentWidth / 3));
    label_width = std::max(label_width, width_of(labels.back().get()));
  }
  const double value_x = kMargin + label_width + 20;
  constexpr double kRowGap = 9;
  draw_rule(cr, y);
  for (size_t i = 0; i < rows.size(); ++i) {
    y += kRowGap;
    LayoutPtr value =
        make_layout(context, rows[i].value, rows[i].block, kPageWidth - kMargin - value_x);
    PangoLayout* label = labels[i].get();
    const double shift = baseline_of(value.get()) - baseline_of(label);
    cairo_set_source_rgb(cr, 0.30, 0.33, 0.38);
    draw(cr, label, kMargin, y + shift);
    cairo_set_source_rgb(cr, 0.08, 0.08, 0.10);
    draw(cr, value.get(), value_x, y);
    y += std::max(height_of(value.get()), shift + height_of(label)) + kRowGap;
    draw_rule(cr, y);
  }
}

void draw_page(cairo_t* cr, PangoContext* context, const Certificate& c) {
  const Wording& w = wording(c.locale);
  draw_frame(cr);

  double y = 110;
  LayoutPtr title = make_layout(context, w.title, kTitle);
  cairo_set_source_rgb(cr, 0.16, 0.27, 0.45);
  draw(cr, title.get(), kMargin, y);
  y += height_of(title.get()) + 34;

  LayoutPtr statement = make_layout(context, w.statement, kStatement);
  cairo_set_source_rgb(cr, 0.08, 0.08, 0.10);
  draw(cr, statement.get(), kMargin, y);
  y += height_of(statement.get()) + 30;

  const std::string attended = attended_text(c);
  std::vector<Row> rows = {{w.name, c.person_name, kName}};
  if (!c.organization.empty()) rows.push_back({w.organization, c.organization, kValue});
  rows.push_back({w.event, c.event_title, kEventTitle});
  rows.push_back({w.date, c.event_date, kValue});
  rows.push_back({w.attended, attended, kValue});
  rows.push_back({w.number, c.number, kValue});
  draw_rows(cr, context, rows, y);

  // The issuer and the verify URL are laid out from the bottom margin up.
  LayoutPtr issued = make_layout(context, w.issued_on + c.issued_on, kIssuedOn);
  LayoutPtr organiser = make_layout(context, c.organiser_name, kOrganiser);
  LayoutPtr verify_note = make_layout(context, w.verify, kVerify);
  LayoutPtr verify_url = make_layout(context, c.verify_url, kVerify);
  double bottom = kPageHeight - kMargin - height_of(verify_url.get());
  cairo_set_source_rgb(cr, 0.16, 0.27, 0.45);
  if (!c.verify_url.empty()) {
    const std::string attributes = link_attributes(c.verify_url);
    cairo_tag_begin(cr, CAIRO_TAG_LINK, attributes.c_str());
    draw(cr, verify_url.get(), kMargin, bottom);
    cairo_tag_end(cr, CAIRO_TAG_LINK);
  }
  bottom -= height_of(verify_note.get()) + 2;
  cairo_set_source_rgb(cr, 0.30, 0.33, 0.38);
  draw(cr, verify_note.get(), kMargin, bottom);

  bottom -= height_of(organiser.get()) + 34;
  cairo_set_source_rgb(cr, 0.08, 0.08, 0.10);
  draw(cr, organiser.get(), kMargin, bottom);
  bottom -= height_of(issued.get()) + 6;
  draw(cr, issued.get(), kMargin, bottom);
}

// fontconfig substitutes silently (DejaVu, or nothing for kanji); a certificate in the wrong
// font, or with empty boxes, must not go out, so a missing family is an error.
void require_family(PangoContext* context, const char* family) {
  PangoFontDescription* wanted = pango_font_description_new();
  pango_font_description_set_family_static(wanted, family);
  pango_font_description_set_absolute_size(wanted, 12 * PANGO_SCALE);
  PangoFont* font = pango_context_load_font(context, wanted);
  pango_font_description_free(wanted);
  std::string found;
  if (font) {
    PangoFontDescription* got = pango_font_describe(font);
    if (const char* name = pango_font_description_get_family(got)) found = name;
    pango_font_description_free(got);
    g_object_unref(font);
  }
  if (g_ascii_strcasecmp(found.c_str(), family) != 0) {
    throw std::runtime_error(std::string("certificate: font \"") + family +
                             "\" is not installed (fonts-noto-cjk); fontconfig offered \"" + found +
                             "\"");
  }
}

}  // namespace

std::string attended_text(const Certificate& c) {
  const std::string minutes = std::to_string(c.minutes_attended);
  const bool span = !c.attended_from.empty() && !c.attended_until.empty();
  const std::string times = span ? c.attended_from + "–" + c.attended_until : "";
  if (c.locale == "en") {
    std::string m = minutes + (c.minutes_attended == 1 ? " minute" : " minutes");
    return span ? times + " (" + m + ")" : m;
  }
  return span ? times + "（" + minutes + "分）" : minutes + "分";
}

struct PdfWriter::Impl {
  // cairo writes in pieces of a few dozen bytes (about 40 on average); the sink gets chunks of
  // this size instead, so a response body is not sent as thousands of tiny writes.
  static constexpr size_t kChunk = 32 * 1024;

  Sink sink;
  std::string buffer;                 // bytes from cairo not yet given to the sink
  std::string error;                  // set once, at the first failure
  std::exception_ptr sink_exception;  // rethrown by the next add()/finish()
  bool stopped = false;               // the sink is never called again
  bool finished = false;
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface{
      nullptr, &cairo_surface_destroy};
  std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr{nullptr, &cairo_destroy};
  std::unique_ptr<PangoContext, GObjectUnref> context;

  // cairo's write callback.
  static cairo_status_t write(void* closure, const unsigned char* data, unsigned int length) {
    auto& self = *static_cast<Impl*>(closure);
    if (self.stopped) return CAIRO_STATUS_WRITE_ERROR;
    self.buffer.append(reinterpret_cast<const char*>(data), length);
    if (self.buffer.size() < kChunk || self.flush()) return CAIRO_STATUS_SUCCESS;
    return CAIRO_STATUS_WRITE_ERROR;
  }

  // Gives the buffer to the sink. Called from inside cairo, which is C: an exception must not
  // unwind through it, so it is kept and rethrown once cairo has returned.
  bool flush() {
    if (stopped) return false;
    if (buffer.empty()) return true;
    try {
      if (sink(buffer)) {
        buffer.clear();
        return true;
      }
      fail("the sink refused the bytes");
    } catch (...) {
      sink_exception = std::current_exception();
      fail("the sink threw");
    }
    stopped = true;
    return false;
  }

  void fail(std::string why) {
    if (error.empty()) error = std::move(why);
  }

  // True while neither the sink nor cairo has failed. cairo keeps the first error in the
  // context or surface and turns every later call into a no-op, so checking after each page is
  // enough.
  bool ok() {
    if (sink_exception) std::rethrow_exception(std::exchange(sink_exception, nullptr));
    if (!error.empty()) return false;
    cairo_status_t status = cairo_status(cr.get());
    if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_status(surface.get());
    if (status == CAIRO_STATUS_SUCCESS) return true;
    fail(std::string("cairo: ") + cairo_status_to_string(status));
    stopped = true;
    return false;
  }
};

PdfWriter::PdfWriter(Sink sink, std::string document_title) : impl_(std::make_unique<Impl>()) {
  Impl& w = *impl_;
  w.sink = std::move(sink);
  w.surface.reset(cairo_pdf_surface_create_for_stream(&Impl::write, &w, kPageWidth, kPageHeight));
  w.cr.reset(cairo_create(w.surface.get()));  // never null: an error context at worst
  if (!w.ok()) throw std::runtime_error("certificate: cannot create the PDF: " + w.error);
  cairo_pdf_surface_set_metadata(w.surface.get(), CAIRO_PDF_METADATA_TITLE, document_title.c_str());
  cairo_pdf_surface_set_metadata(w.surface.get(), CAIRO_PDF_METADATA_CREATOR, "regdesk");

  // One pango context per writer, from this thread's default font map (pango keeps one per
  // thread since 1.32.6, which is what makes writers in parallel threads safe).
  w.context.reset(pango_cairo_create_context(w.cr.get()));
  pango_context_set_language(w.context.get(), pango_language_from_string("ja"));
  // Vector output: outlines and advances as designed, not snapped to a pixel grid.
  pango_context_set_round_glyph_positions(w.context.get(), FALSE);
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options(w.context.get(), options);
  cairo_font_options_destroy(options);
  require_family(w.context.get(), kSans);
  require_family(w.context.get(), kSerif);
}

PdfWriter::~PdfWriter() {
  // Destroying the surface finishes it; without finish() that would send the rest of a document
  // the caller gave up on (an exception, a client gone), so the sink is cut off first.
  impl_->stopped = true;
}

bool PdfWriter::add(const Certificate& c) {
  Impl& w = *impl_;
  if (w.finished) throw std::logic_error("certificate: add() after finish()");
  if (!w.ok()) return false;
  // The context follows the language of the page (Han glyph forms, line breaking).
  pango_context_set_language(w.context.get(),
                             pango_language_from_string(c.locale == "en" ? "en" : "ja"));
  draw_page(w.cr.get(), w.context.get(), c);
  cairo_show_page(w.cr.get());  // the page is written out now, not kept until finish()
  return w.ok();
}

bool PdfWriter::finish() {
  Impl& w = *impl_;
  if (w.finished) throw std::logic_error("certificate: finish() called twice");
  w.finished = true;
  if (!w.ok()) return false;
  cairo_surface_finish(w.surface.get());
  if (!w.ok()) return false;
  w.flush();
  return w.ok();
}

const std::string& PdfWriter::error() const {
  return impl_->error;
}

std::string render_one(const Certificate& c) {
  std::string pdf;
  PdfWriter writer(
      [&pdf](std::string_view bytes) {
        pdf.append(bytes);
        return true;
      },
      std::string(wording(c.locale).title) + " " + c.number);
  if (!writer.add(c) || !writer.finish()) {
    throw std::runtime_error("certificate: " + writer.error());
  }
  return pdf;
}

}  // namespace regdesk::certificate
