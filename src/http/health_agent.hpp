#pragma once
// A one-answer HTTP server for load balancers' health checks (haproxy's `option httpchk`):
// every GET asks `probe` and answers its status with its reason as plain text. Used by
// `regdesk cluster-check` to say whether the local Galera node should take traffic.

#include <functional>
#include <memory>
#include <string>
#include <utility>

namespace regdesk::http {

// 200 to take traffic, 503 not to; the text says why.
using HealthProbe = std::function<std::pair<int, std::string>()>;

class HealthAgent {
 public:
  HealthAgent(std::string host, int port, HealthProbe probe);  // port 0: any free port
  ~HealthAgent();
  void start();  // returns once listening
  int port() const;
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace regdesk::http
