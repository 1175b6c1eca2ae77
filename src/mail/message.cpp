#include "mail/message.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <stdexcept>

namespace regdesk::mail {

namespace {

// RFC 5322 2.1.1: header lines (without CRLF) should stay within 78 characters.
constexpr size_t kMaxHeaderLine = 78;
// RFC 2047 2: an encoded-word is at most 75 characters.
constexpr size_t kMaxEncodedWord = 75;
constexpr std::string_view kWordPrefix = "=?UTF-8?B?";
constexpr std::string_view kWordSuffix = "?=";
constexpr size_t kBase64LineLength = 76;  // RFC 2045 6.8

// --- UTF-8 -------------------------------------------------------------------------------------

struct CodePoint {
  char32_t value;
  size_t length;  // bytes; 1 for a byte that does not start a valid sequence
};

// Decodes the sequence at `i`. Invalid bytes come back one at a time as U+FFFD so callers can
// still step through (and never split) whatever they were given.
CodePoint decode_at(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return {c, 1};
  size_t n;
  char32_t cp;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return {0xFFFD, 1};
  }
  if (i + n > s.size()) return {0xFFFD, 1};
  for (size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return {0xFFFD, 1};
    cp = (cp << 6) | (cc & 0x3F);
  }
  // Overlong forms (C0 A0 is no space), surrogates and values past U+10FFFF are ill-formed too.
  constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0xFFFD, 1};
  return {cp, n};
}

bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

bool has_cr_or_lf(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

// --- Header encoding ---------------------------------------------------------------------------

// B-encoded words for `utf8`, the first at most `first_budget` characters long (what is left of
// the first header line), the others at most 75, joined by CRLF SP. Words end only between
// code points, so each decodes to valid UTF-8 on its own (RFC 2047 6.3 requires that).
std::string encode_words(std::string_view utf8, size_t first_budget) {
  const size_t overhead = kWordPrefix.size() + kWordSuffix.size();
  // A 4-byte code point needs 8 base64 characters; below that no word can be formed.
  size_t budget = std::max(std::min(first_budget, kMaxEncodedWord), overhead + 8);
  std::string out;
  size_t i = 0;
  while (i < utf8.size()) {
    const size_t max_bytes = (budget - overhead) / 4 * 3;
    size_t j = i;
    while (j < utf8.size()) {
      const size_t n = decode_at(utf8, j).length;
      if (j + n - i > max_bytes) break;
      j += n;
    }
    if (!out.empty()) out += "\r\n ";
    out += kWordPrefix;
    out += base64(utf8.substr(i, j - i));
    out += kWordSuffix;
    i = j;
    budget = kMaxEncodedWord;  // continuation lines: " " + 75 characters
  }
  return out;
}

bool needs_encoding(std::string_view text) {
  return !is_ascii(text) || text.find("=?") != std::string_view::npos;
}

// Folds ASCII unstructured text at spaces so that every line fits; nullopt if a word is too long
// to fit on any line (the caller then uses encoded-words, which can be split anywhere).
std::optional<std::string> fold_ascii(size_t first_used, std::string_view text) {
  std::string out;
  size_t line = first_used;
  size_t i = 0;
  while (i < text.size()) {
    // The next piece: the spaces before a word and the word itself.
    size_t j = i;
    while (j < text.size() && text[j] == ' ') ++j;
    while (j < text.size() && text[j] != ' ') ++j;
    const std::string_view piece = text.substr(i, j - i);
    if (line + piece.size() <= kMaxHeaderLine) {
      out += piece;
      line += piece.size();
    } else if (piece.front() == ' ' && piece.back() != ' ' && piece.size() <= kMaxHeaderLine) {
      // Fold: CRLF goes before the spaces, which then start the continuation line (never a
      // line of white space only).
      out += "\r\n";
      out += piece;
      line = piece.size();
    } else {
      return std::nullopt;
    }
    i = j;
  }
  return out;
}

// "Subject: ..." with the value folded or encoded so that no line exceeds 78 characters.
std::string unstructured_field(std::string_view name, std::string_view value) {
  std::string field(name);
  field += ": ";
  if (!needs_encoding(value)) {
    if (auto folded = fold_ascii(field.size(), value)) return field + *folded;
  }
  return field + encode_words(value, kMaxHeaderLine - field.size());
}

bool is_atext_or_space(char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~ ").find(c) != std::string_view::npos;
}

// An ASCII display name as a phrase: as is when it is all atoms, else a quoted-string.
std::string ascii_phrase(std::string_view name) {
  bool plain = name.front() != ' ' && name.back() != ' ';
  for (char c : name) plain = plain && is_atext_or_space(c);
  if (plain) return std::string(name);
  std::string q = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  q += '"';
  return q;
}

size_t last_line_length(std::string_view s) {
  const size_t nl = s.rfind('\n');
  return nl == std::string_view::npos ? s.size() : s.size() - nl - 1;
}

// "From: 名前 <addr>" folded to 78 characters (the address moves to its own line when needed).
std::string address_field(std::string_view name, std::string_view display_name,
                          std::string_view address) {
  std::string field(name);
  field += ": ";
  if (display_name.empty()) return field + std::string(address);
  std::string phrase;
  if (!needs_encoding(display_name) &&
      field.size() + ascii_phrase(display_name).size() <= kMaxHeaderLine) {
    phrase = ascii_phrase(display_name);
  } else {
    phrase = encode_words(display_name, kMaxHeaderLine - field.size());
  }
  field += phrase;
  const size_t angle = address.size() + 2;
  field += last_line_length(field) + 1 + angle <= kMaxHeaderLine ? " " : "\r\n ";
  field += '<';
  field += address;
  field += '>';
  return field;
}

// --- MIME parameters ---------------------------------------------------------------------------

// Splits "text/calendar; charset=UTF-8; method=PUBLISH" at semicolons outside quotes.
std::vector<std::string> split_parameters(std::string_view value) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '"') quoted = !quoted;
    if (c == '\\' && quoted && i + 1 < value.size()) {
      cur += c;
      cur += value[++i];
      continue;
    }
    if (c == ';' && !quoted) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  for (auto& p : out) {
    const size_t b = p.find_first_not_of(" \t");
    const size_t e = p.find_last_not_of(" \t");
    p = b == std::string::npos ? std::string() : p.substr(b, e - b + 1);
  }
  std::erase_if(out, [](const std::string& p) { return p.empty(); });
  return out;
}

// "Name: value; p1; p2", a parameter moving to a continuation line when it does not fit.
std::string parameter_field(std::string_view name, std::string_view value,
                            const std::vector<std::string>& params) {
  std::string field(name);
  field += ": ";
  field += value;
  for (const auto& p : params) {
    if (last_line_length(field) + 2 + p.size() + 1 <= kMaxHeaderLine) {
      field += "; ";
    } else {
      field += ";\r\n ";
    }
    field += p;
  }
  return field;
}

bool is_attr_char(unsigned char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// `attr="value"` for ASCII values; RFC 2231 `attr*=UTF-8''%E3%81...` otherwise, split into
// numbered sections (`attr*0*=`, `attr*1*=`) that each fit a header line, only between
// characters.
std::vector<std::string> file_name_parameters(std::string_view attr, std::string_view value) {
  if (is_ascii(value)) {
    std::string q(attr);
    q += "=\"";
    for (char c : value) {
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
    q += '"';
    if (q.size() + 2 <= kMaxHeaderLine) return {q};
    // Too long for one line: fall through to RFC 2231 sections.
  }
  std::vector<std::string> chars;  // each code point percent-encoded
  for (size_t i = 0; i < value.size();) {
    const size_t n = decode_at(value, i).length;
    std::string enc;
    for (size_t k = i; k < i + n; ++k) {
      const auto c = static_cast<unsigned char>(value[k]);
      if (is_attr_char(c)) {
        enc += static_cast<char>(c);
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        enc += buf;
      }
    }
    chars.push_back(std::move(enc));
    i += n;
  }
  std::string all;
  for (const auto& c : chars) all += c;
  const std::string charset = "UTF-8''";
  // A continuation line holds " attr*NN*=" + text + ";".
  const std::string single = std::string(attr) + "*=" + charset + all;
  if (single.size() + 2 <= kMaxHeaderLine) return {single};
  std::vector<std::string> sections;
  std::string cur;
  auto head = [&](size_t index) {
    std::string h(attr);
    h += "*" + std::to_string(index) + "*=";
    if (index == 0) h += charset;
    return h;
  };
  for (const auto& c : chars) {
    if (!cur.empty() &&
        1 + head(sections.size()).size() + cur.size() + c.size() + 1 > kMaxHeaderLine) {
      sections.push_back(head(sections.size()) + cur);
      cur.clear();
    }
    cur += c;
  }
  if (!cur.empty() || sections.empty()) sections.push_back(head(sections.size()) + cur);
  return sections;
}

// --- Body --------------------------------------------------------------------------------------

std::string to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string base64_lines(std::string_view data) {
  const std::string b = base64(data);
  std::string out;
  out.reserve(b.size() + b.size() / kBase64LineLength * 2 + 2);
  for (size_t i = 0; i < b.size(); i += kBase64LineLength) {
    out.append(b, i, kBase64LineLength);
    out += "\r\n";
  }
  return out;
}

// Deterministic per message; "=_" cannot occur in base64 data, so the boundary cannot either.
std::string boundary_for(const Message& m) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a
  auto mix = [&h](std::string_view s) {
    for (char c : s) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;
    }
    h ^= 0xFF;
    h *= 1099511628211ull;
  };
  mix(m.message_id);
  mix(m.to_address);
  mix(std::to_string(m.date.time_since_epoch().count()));
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string("=_regdesk_") + buf;
}

void check_header_value(std::string_view what, std::string_view value) {
  if (has_cr_or_lf(value))
    throw std::invalid_argument(std::string(what) + " contains a line break");
}

// --- wrap_text ---------------------------------------------------------------------------------

bool is_zero_width(char32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0x20D0 && c <= 0x20FF) || (c >= 0x3099 && c <= 0x309A) ||
         (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
}

// East Asian Wide and Fullwidth (UAX #11), the ranges that occur in Japanese mail.
bool is_wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
         (c >= 0xA960 && c <= 0xA97F) || (c >= 0xAC00 && c <= 0xD7A3) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE10 && c <= 0xFE19) ||
         (c >= 0xFE30 && c <= 0xFE6F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
         (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
}

size_t column_width(char32_t c) {
  if (is_zero_width(c)) return 0;
  return is_wide(c) ? 2 : 1;
}

// Characters between which a line may break without a space: CJK and half-width katakana.
bool breaks_anywhere(char32_t c) {
  return is_wide(c) || (c >= 0xFF61 && c <= 0xFF9F);
}

bool is_space(char32_t c) {
  return c == ' ' || c == '\t' || c == 0x3000;
}

// Kinsoku shori (JIS X 4051): characters that may not start a line...
bool no_line_start(char32_t c) {
  static constexpr std::u32string_view kChars =
      U"、。，．・：；？！゛゜ヽヾゝゞ々〻ー‐゠–〜～…‥"
      U"）］｝〕〉》」』】〙〗〟’”｠»"
      U"ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
      U"ｧｨｩｪｫｬｭｮｯｰ｡､｣･ﾞﾟ"
      U")]},.:;?!%";
  return kChars.find(c) != std::u32string_view::npos;
}

// ...and characters that may not end one.
bool no_line_end(char32_t c) {
  static constexpr std::u32string_view kChars = U"（［｛〔〈《「『【〘〖〝‘“｟«｢([{";
  return kChars.find(c) != std::u32string_view::npos;
}

bool starts_url(std::string_view s, size_t i) {
  auto starts = [&](std::string_view p) {
    if (s.size() - i < p.size()) return false;
    for (size_t k = 0; k < p.size(); ++k) {
      char c = s[i + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != p[k]) return false;
    }
    return true;
  };
  return starts("http://") || starts("https://");
}

// A piece of a line that is never broken inside: a run of spaces, a Latin word (with its
// punctuation), a URL, or one CJK character, plus whatever kinsoku glued to it.
struct Unit {
  std::string text;
  size_t width = 0;
  bool space = false;
  bool url = false;
};

char32_t first_code_point(std::string_view s) {
  return s.empty() ? 0 : decode_at(s, 0).value;
}

char32_t last_code_point(std::string_view s) {
  if (s.empty()) return 0;
  size_t i = s.size() - 1;
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80 && s.size() - i < 4) --i;
  return decode_at(s, i).value;
}

std::vector<Unit> split_units(std::string_view line) {
  std::vector<Unit> units;
  size_t i = 0;
  while (i < line.size()) {
    const CodePoint cp = decode_at(line, i);
    if (is_space(cp.value)) {
      Unit u;
      u.space = true;
      while (i < line.size()) {
        const CodePoint c = decode_at(line, i);
        if (!is_space(c.value)) break;
        u.text.append(line, i, c.length);
        u.width += column_width(c.value);
        i += c.length;
      }
      units.push_back(std::move(u));
    } else if (is_zero_width(cp.value) && !units.empty() && !units.back().space) {
      units.back().text.append(line, i, cp.length);  // a combining mark stays with its base
      i += cp.length;
    } else if (breaks_anywhere(cp.value)) {
      Unit u;
      u.text = line.substr(i, cp.length);
      u.width = column_width(cp.value);
      units.push_back(std::move(u));
      i += cp.length;
    } else {
      Unit u;
      while (i < line.size()) {
        const CodePoint c = decode_at(line, i);
        if (is_space(c.value) || breaks_anywhere(c.value)) break;
        if (starts_url(line, i)) u.url = true;
        u.text.append(line, i, c.length);
        u.width += column_width(c.value);
        i += c.length;
      }
      units.push_back(std::move(u));
    }
  }
  return units;
}

// Glues closing punctuation to what precedes it and opening punctuation to what follows, as
// long as the glued piece still fits on a line.
std::vector<Unit> apply_kinsoku(std::vector<Unit> units, size_t max_columns) {
  std::vector<Unit> out;
  for (auto& u : units) {
    if (!u.space && !out.empty()) {
      size_t k = out.size();  // the last non-space unit
      while (k > 0 && out[k - 1].space) --k;
      if (k > 0) {
        --k;
        const bool adjacent = k == out.size() - 1;
        const bool glue_back = no_line_start(first_code_point(u.text));
        const bool glue_forward = adjacent && no_line_end(last_code_point(out[k].text));
        if (glue_back || glue_forward) {
          size_t width = u.width;
          for (size_t j = k; j < out.size(); ++j) width += out[j].width;
          if (width <= max_columns || out[k].url || u.url) {
            for (size_t j = k + 1; j < out.size(); ++j) out[k].text += out[j].text;
            out[k].text += u.text;
            out[k].width = width;
            out[k].url = out[k].url || u.url;
            out.resize(k + 1);
            continue;
          }
        }
      }
    }
    out.push_back(std::move(u));
  }
  return out;
}

// Cuts a word wider than the line (and not a URL) into pieces of at most max_columns.
std::vector<Unit> hard_break(std::vector<Unit> units, size_t max_columns) {
  std::vector<Unit> out;
  for (auto& u : units) {
    if (u.space || u.url || u.width <= max_columns) {
      out.push_back(std::move(u));
      continue;
    }
    Unit piece;
    for (size_t i = 0; i < u.text.size();) {
      const CodePoint c = decode_at(u.text, i);
      const size_t w = column_width(c.value);
      if (piece.width + w > max_columns && !piece.text.empty()) {
        out.push_back(std::move(piece));
        piece = Unit{};
      }
      piece.text.append(u.text, i, c.length);
      piece.width += w;
      i += c.length;
    }
    if (!piece.text.empty()) out.push_back(std::move(piece));
  }
  return out;
}

void wrap_line(std::string_view line, size_t max_columns, std::string& out) {
  const std::vector<Unit> units =
      hard_break(apply_kinsoku(split_units(line), max_columns), max_columns);
  std::string cur;
  size_t cur_width = 0;
  bool has_content = false;
  bool first_row = true;
  std::string pending;  // spaces seen since the last word
  size_t pending_width = 0;
  for (const auto& u : units) {
    if (u.space) {
      pending += u.text;
      pending_width += u.width;
      continue;
    }
    if (!has_content) {
      // Indentation is kept on the first row only; wrapped rows start with the text.
      if (first_row && pending_width + u.width <= max_columns) {
        cur = pending;
        cur_width = pending_width;
      }
      cur += u.text;
      cur_width += u.width;
      has_content = true;
    } else if (cur_width + pending_width + u.width <= max_columns) {
      cur += pending;
      cur += u.text;
      cur_width += pending_width + u.width;
    } else {
      out += cur;
      out += '\n';
      first_row = false;
      cur = u.text;
      cur_width = u.width;
    }
    pending.clear();
    pending_width = 0;
  }
  if (cur_width + pending_width <= max_columns) cur += pending;  // trailing spaces, if they fit
  out += cur;
}

}  // namespace

std::string base64(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const std::uint32_t v = (static_cast<unsigned char>(data[i]) << 16) |
                            (static_cast<unsigned char>(data[i + 1]) << 8) |
                            static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const size_t rest = data.size() - i;
  if (rest == 1) {
    const std::uint32_t v = static_cast<unsigned char>(data[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    const std::uint32_t v = (static_cast<unsigned char>(data[i]) << 16) |
                            (static_cast<unsigned char>(data[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string encode_header_text(std::string_view utf8) {
  if (!needs_encoding(utf8)) return std::string(utf8);
  return encode_words(utf8, kMaxEncodedWord);
}

std::string format_address(std::string_view display_name, std::string_view address) {
  if (display_name.empty()) return std::string(address);
  std::string phrase =
      needs_encoding(display_name) ? encode_header_text(display_name) : ascii_phrase(display_name);
  return phrase + " <" + std::string(address) + ">";
}

std::string rfc5322_date(Instant t) {
  using namespace std::chrono;
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto secs = floor<seconds>(t);
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{secs - day};
  const weekday wd{day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02ld:%02ld:%02ld +0000", kDays[wd.c_encoding()],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<long>(hms.hours().count()),
                static_cast<long>(hms.minutes().count()), static_cast<long>(hms.seconds().count()));
  return buf;
}

std::string wrap_text(std::string_view utf8, size_t max_columns) {
  if (max_columns < 2) max_columns = 2;  // a wide character must fit on a line
  std::string out;
  size_t start = 0;
  while (true) {
    size_t end = utf8.find('\n', start);
    std::string_view line =
        utf8.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    wrap_line(line, max_columns, out);
    if (end == std::string_view::npos) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

std::string render_mime(const Message& m) {
  check_header_value("from_name", m.from_name);
  check_header_value("from_address", m.from_address);
  check_header_value("to_address", m.to_address);
  check_header_value("reply_to_name", m.reply_to_name);
  check_header_value("reply_to_address", m.reply_to_address);
  check_header_value("subject", m.subject);
  check_header_value("message_id", m.message_id);
  check_header_value("list_unsubscribe_url", m.list_unsubscribe_url);
  for (const auto& a : m.attachments) {
    check_header_value("attachment filename", a.filename);
    check_header_value("attachment content_type", a.content_type);
  }

  std::string out;
  auto header = [&out](std::string_view field) {
    out += field;
    out += "\r\n";
  };
  header(address_field("From", m.from_name, m.from_address));
  header("To: " + m.to_address);
  if (!m.reply_to_address.empty())
    header(address_field("Reply-To", m.reply_to_name, m.reply_to_address));
  header(unstructured_field("Subject", m.subject));
  header("Date: " + rfc5322_date(m.date));
  header("Message-ID: <" + m.message_id + ">");
  if (!m.list_unsubscribe_url.empty()) {
    header("List-Unsubscribe: <" + m.list_unsubscribe_url + ">");
    header("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
  }
  header("MIME-Version: 1.0");

  const std::string text_type = "Content-Type: text/plain; charset=UTF-8";
  const std::string base64_encoding = "Content-Transfer-Encoding: base64";
  const std::string body = base64_lines(to_crlf(m.text_body));
  if (m.attachments.empty()) {
    header(text_type);
    header(base64_encoding);
    out += "\r\n";
    out += body;
    return out;
  }

  const std::string boundary = boundary_for(m);
  header(parameter_field("Content-Type", "multipart/mixed", {"boundary=\"" + boundary + "\""}));
  out += "\r\n";
  out += "--" + boundary + "\r\n";
  header(text_type);
  header(base64_encoding);
  out += "\r\n";
  out += body;
  for (const auto& a : m.attachments) {
    out += "--" + boundary + "\r\n";
    std::vector<std::string> type = split_parameters(a.content_type);
    std::string media_type = "application/octet-stream";
    if (!type.empty()) {
      media_type = type.front();
      type.erase(type.begin());
    }
    std::vector<std::string> disposition;
    if (!a.filename.empty()) {
      for (auto& p : file_name_parameters("name", a.filename)) type.push_back(std::move(p));
      disposition = file_name_parameters("filename", a.filename);
    }
    header(parameter_field("Content-Type", media_type, type));
    header(base64_encoding);
    header(parameter_field("Content-Disposition", "attachment", disposition));
    out += "\r\n";
    out += base64_lines(a.data);
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace regdesk::mail
