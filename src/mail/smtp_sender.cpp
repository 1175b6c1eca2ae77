#include "mail/smtp_sender.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string_view>

namespace regdesk::mail {

namespace {

// The message being uploaded by one send().
struct Upload {
  std::string_view data;
  size_t offset = 0;
};

size_t read_upload(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* up = static_cast<Upload*>(userdata);
  const size_t n = std::min(size * nitems, up->data.size() - up->offset);
  std::memcpy(buffer, up->data.data() + up->offset, n);
  up->offset += n;
  return n;
}

// Servers often quote the recipient ("550 5.1.1 <taro@example.jp>: unknown"); the detail ends
// up in logs, which must not contain e-mail addresses, so words with an '@' are masked.
std::string without_addresses(std::string_view line) {
  std::string out;
  size_t i = 0;
  while (i < line.size()) {
    const size_t end = std::min(line.find(' ', i), line.size());
    const std::string_view word = line.substr(i, end - i);
    out += word.find('@') == std::string_view::npos ? std::string(word) : "<address>";
    if (end < line.size()) out += ' ';
    i = end + 1;
  }
  return out;
}

// For SMTP, libcurl hands every server reply line to the header callback. The last 4xx/5xx
// line is the server's own words for a refusal ("550 5.1.1 no such user"); later lines, such
// as the "221 Bye" to curl's QUIT, would hide it.
size_t keep_refusal(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* refusal = static_cast<std::string*>(userdata);
  std::string_view line(buffer, size * nitems);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (!line.empty() && (line.front() == '4' || line.front() == '5'))
    *refusal = without_addresses(line.substr(0, 300));
  return size * nitems;
}

bool has_line_break(std::string_view s) {
  return s.find_first_of("\r\n") != std::string::npos;
}

// 530 "authentication required" / "must issue STARTTLS first", 534/535/538 AUTH refusals:
// configuration problems on our side, which the operator fixes; the mail must not be lost.
bool is_auth_failure(long code, CURLcode rc) {
  return rc == CURLE_LOGIN_DENIED || code == 530 || code == 534 || code == 535 || code == 538;
}

}  // namespace

struct SmtpSender::Impl {
  SmtpSettings settings;
  CURL* curl = nullptr;  // kept between sends: libcurl reuses its connection
  char error[CURL_ERROR_SIZE] = {};
  std::string refusal;  // the server's last 4xx/5xx reply line
};

SmtpSender::SmtpSender(SmtpSettings settings) : impl_(std::make_unique<Impl>()) {
  impl_->settings = std::move(settings);
}

SmtpSender::~SmtpSender() {
  reset();
}

void SmtpSender::reset() {
  if (impl_->curl) {
    curl_easy_cleanup(impl_->curl);
    impl_->curl = nullptr;
  }
}

SendResult SmtpSender::send(const std::string& envelope_from, const std::string& recipient,
                            const std::string& mime) {
  SendResult result;
  if (has_line_break(envelope_from) || has_line_break(recipient) || recipient.empty()) {
    // Would inject SMTP commands; retrying cannot help.
    result.status = SendStatus::kPermanent;
    result.detail = "invalid envelope address";
    return result;
  }
  Impl& im = *impl_;
  const SmtpSettings& s = im.settings;
  if (!im.curl) {
    im.curl = curl_easy_init();
    if (!im.curl) {
      result.detail = "curl_easy_init failed";
      return result;
    }
  }
  CURL* c = im.curl;
  im.error[0] = '\0';
  im.refusal.clear();

  const std::string from = "<" + envelope_from + ">";
  const std::string rcpt = "<" + recipient + ">";
  curl_slist* rcpts = curl_slist_append(nullptr, rcpt.c_str());
  if (!rcpts) {
    result.detail = "out of memory";
    return result;
  }
  Upload upload{mime, 0};

  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, im.error);
  curl_easy_setopt(c, CURLOPT_URL, s.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(s.timeout_seconds));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(s.timeout_seconds));
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mime.size()));
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, keep_refusal);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &im.refusal);
  curl_easy_setopt(
      c, CURLOPT_USE_SSL,
      s.require_tls ? static_cast<long>(CURLUSESSL_ALL) : static_cast<long>(CURLUSESSL_NONE));
  if (!s.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, s.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, s.password.c_str());
  }
  if (!s.verify_peer) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!s.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, s.ca_file.c_str());

  const CURLcode rc = curl_easy_perform(c);

  // The handle outlives this call: drop the pointers to locals.
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, static_cast<curl_slist*>(nullptr));
  curl_easy_setopt(c, CURLOPT_READDATA, static_cast<void*>(nullptr));
  curl_slist_free_all(rcpts);

  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  result.smtp_code = static_cast<int>(code);

  if (rc == CURLE_OK) {
    result.status = SendStatus::kSent;
    return result;
  }

  std::string detail = curl_easy_strerror(rc);
  if (im.error[0] != '\0' && detail != im.error) {
    detail += ": ";
    detail += im.error;
  }
  if (code != 0) detail += " (smtp " + std::to_string(code) + ")";
  if (!im.refusal.empty()) detail += "; server: " + im.refusal;

  if (is_auth_failure(code, rc)) {
    // Permanent for the server but not for the row: a wrong password must not fail every mail.
    result.status = SendStatus::kTransient;
    detail = "authentication failed (check SMTP user, password and TLS settings): " + detail;
  } else if (code >= 500 && code <= 599) {
    result.status = SendStatus::kPermanent;
  } else {
    // 4xx, no reply at all (connect refused, timeout, TLS failure) and anything unexpected.
    result.status = SendStatus::kTransient;
  }
  result.detail = std::move(detail);
  reset();  // the next send starts on a fresh connection
  return result;
}

void init_curl() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("curl_global_init failed");
  });
}

}  // namespace regdesk::mail
