#include "export/cp932.hpp"

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/unistr.h>

#include <stdexcept>

namespace regdesk::exporting {

namespace {
// Counts each unmappable character, then lets ICU write the substitution string.
void count_and_substitute(const void* context, UConverterFromUnicodeArgs* args,
                          const UChar* code_units, int32_t length, UChar32 code_point,
                          UConverterCallbackReason reason, UErrorCode* err) {
  if (reason == UCNV_UNASSIGNED || reason == UCNV_ILLEGAL || reason == UCNV_IRREGULAR)
    ++*static_cast<size_t*>(const_cast<void*>(context));
  UCNV_FROM_U_CALLBACK_SUBSTITUTE(nullptr, args, code_units, length, code_point, reason, err);
}
}  // namespace

struct Cp932Encoder::Impl {
  UConverter* conv = nullptr;
  ~Impl() {
    if (conv) ucnv_close(conv);
  }
};

Cp932Encoder::Cp932Encoder() : impl_(std::make_unique<Impl>()) {
  UErrorCode status = U_ZERO_ERROR;
  impl_->conv = ucnv_open("windows-31j", &status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU has no windows-31j converter");
  static const UChar kGeta[] = {0x3013};  // 〓 exists in CP932 (0x81AC)
  ucnv_setSubstString(impl_->conv, kGeta, 1, &status);
  ucnv_setFromUCallBack(impl_->conv, count_and_substitute, &replaced_, nullptr, nullptr, &status);
  if (U_FAILURE(status)) throw std::runtime_error("cannot configure the CP932 converter");
}

Cp932Encoder::~Cp932Encoder() = default;

std::string Cp932Encoder::encode(std::string_view utf8) {
  icu::UnicodeString text =
      icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), utf8.size()));
  UErrorCode status = U_ZERO_ERROR;
  std::string out(static_cast<size_t>(text.length()) * 2 + 16, '\0');
  int32_t n = ucnv_fromUChars(impl_->conv, out.data(), static_cast<int32_t>(out.size()),
                              text.getBuffer(), text.length(), &status);
  if (status == U_BUFFER_OVERFLOW_ERROR) {
    status = U_ZERO_ERROR;
    out.resize(static_cast<size_t>(n));
    n = ucnv_fromUChars(impl_->conv, out.data(), n, text.getBuffer(), text.length(), &status);
  }
  if (U_FAILURE(status) && status != U_STRING_NOT_TERMINATED_WARNING)
    throw std::runtime_error("CP932 conversion failed");
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace regdesk::exporting
