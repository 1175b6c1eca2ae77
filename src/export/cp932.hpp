#pragma once
// UTF-8 -> CP932 (Windows-31J, what older Japanese Excel reads): characters CP932 lacks are
// replaced by 〓 (geta, visible in the sheet) and counted. Not thread-safe: one per export.

#include <memory>
#include <string>
#include <string_view>

namespace regdesk::exporting {

class Cp932Encoder {
 public:
  Cp932Encoder();
  ~Cp932Encoder();
  std::string encode(std::string_view utf8);
  size_t replaced() const { return replaced_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  size_t replaced_ = 0;
};

}  // namespace regdesk::exporting
