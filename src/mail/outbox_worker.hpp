#pragma once
// The mail worker: claims due outbox rows, renders each (templates, MIME, .ics), sends them
// over one reused SMTP connection, and marks each row. 4xx replies and network errors are
// retried with growing delays for a day; 5xx replies mark the row failed with the server's
// answer. Several workers (threads or processes) may run on one outbox.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "domain/clock.hpp"
#include "mail/message.hpp"
#include "mail/smtp_sender.hpp"
#include "store/outbox_store.hpp"

namespace regdesk::mail {

struct WorkerSettings {
  SmtpSettings smtp;
  std::string from;             // "regdesk <no-reply@example.jp>" or a bare address
  std::string public_url;       // base of the cancel and join links
  int messages_per_minute = 0;  // 0: as fast as the relay takes them
  size_t batch_size = 50;
  std::chrono::seconds lease{300};  // a claimed row is claimed again after this if not marked
  std::chrono::milliseconds idle_poll{250};

  // The longest one message may take: the SMTP timeout, the pacing wait, a second to spare.
  std::chrono::seconds longest_send() const;
  // How many rows to claim at once: no more than can be sent before their lease runs out.
  size_t claim_size() const;
};

// Delay before the next attempt after `attempts` failed ones: 10 s, 30 s, 1 min, 5 min,
// 15 min, then hourly.
std::chrono::seconds retry_delay(int attempts);
constexpr auto kGiveUpAfter = std::chrono::hours(24);

// The message for one outbox row (pure: no I/O). Exposed for tests.
Message build_message(const store::OutboxItem& item, const WorkerSettings& settings, Instant now);

// Not thread-safe: one per thread. stop() may be called from any thread.
class OutboxWorker {
 public:
  OutboxWorker(WorkerSettings settings, store::OutboxStore& outbox, const Clock& clock);
  // Claims and sends until nothing is due; returns how many rows were handled.
  size_t run_once();
  // Loops until stop(); waits idle_poll between empty rounds.
  void run();
  void stop();

 private:
  // Sends one row and marks it; false when the relay could not be reached at all.
  bool deliver(const store::OutboxItem& item);
  void pace();

  WorkerSettings settings_;
  store::OutboxStore& outbox_;
  const Clock& clock_;
  SmtpSender sender_;
  std::string envelope_from_;
  std::chrono::steady_clock::time_point next_send_{};
  std::mutex mu_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
};

}  // namespace regdesk::mail
