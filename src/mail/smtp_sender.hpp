#pragma once
// SMTP submission through libcurl: smtp:// and smtps://, STARTTLS when required, AUTH, and
// one connection reused for many messages (one easy handle). Not thread-safe: one per worker.

#include <memory>
#include <string>

namespace regdesk::mail {

struct SmtpSettings {
  std::string url;  // smtp://host:port or smtps://host:port
  std::string user;
  std::string password;
  bool require_tls = false;  // STARTTLS required on smtp:// (CURLUSESSL_ALL)
  bool verify_peer = true;   // false only for tests with self-signed certificates
  std::string ca_file;       // extra CA bundle (tests)
  int timeout_seconds = 30;
};

enum class SendStatus { kSent, kTransient, kPermanent };

struct SendResult {
  SendStatus status = SendStatus::kTransient;
  int smtp_code = 0;   // the last SMTP reply code, 0 when none (network error)
  std::string detail;  // curl's error text and the server's answer, for the outbox row
};

class SmtpSender {
 public:
  explicit SmtpSender(SmtpSettings settings);
  ~SmtpSender();
  SmtpSender(const SmtpSender&) = delete;
  SmtpSender& operator=(const SmtpSender&) = delete;

  // Sends one message (already in MIME wire form, CRLF line ends). 2xx: kSent; 4xx replies
  // and network/TLS errors: kTransient; 5xx: kPermanent.
  SendResult send(const std::string& envelope_from, const std::string& recipient,
                  const std::string& mime);
  // Closes the connection (after errors, or when the batch is done).
  void reset();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Call once in main before any thread uses libcurl.
void init_curl();

}  // namespace regdesk::mail
