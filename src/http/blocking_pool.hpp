#pragma once
// Threads for work that may block (database reads, admin calls), so the HTTP reactor threads
// never wait on the database.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace regdesk::http {

// Thread-safe.
class BlockingPool {
 public:
  BlockingPool(size_t threads, size_t max_queue);
  ~BlockingPool();
  // False when the queue is full (the caller answers 503 rather than queue without bound).
  bool post(std::function<void()> job);
  void stop();

 private:
  void run();
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  size_t max_queue_;
  bool stopping_ = false;
};

}  // namespace regdesk::http
