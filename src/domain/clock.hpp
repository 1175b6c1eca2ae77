#pragma once
// The one source of "now". Everything that depends on time takes a Clock, so tests and the
// rehearsal mode (REGDESK_NOW) can run the real flow at any instant.

#include <atomic>
#include <chrono>

namespace regdesk {

using Instant = std::chrono::sys_time<std::chrono::microseconds>;

// Thread-safe: implementations are read concurrently from every request thread.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Instant now() const override;
};

// Starts at a chosen instant and then runs on with the wall clock ("as if it were ...").
class RehearsalClock final : public Clock {
 public:
  explicit RehearsalClock(Instant start);
  Instant now() const override;

 private:
  std::chrono::microseconds offset_;
};

// For tests: stands still until moved.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Instant start) : now_(start.time_since_epoch().count()) {}
  Instant now() const override { return Instant(std::chrono::microseconds(now_.load())); }
  void set(Instant t) { now_ = t.time_since_epoch().count(); }
  void advance(std::chrono::microseconds d) { now_ += d.count(); }

 private:
  std::atomic<long long> now_;
};

}  // namespace regdesk
