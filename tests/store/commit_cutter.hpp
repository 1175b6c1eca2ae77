#pragma once
// A TCP proxy between the store and MariaDB that loses a COMMIT on purpose: once armed, the
// next COMMIT a client sends through it is either dropped before the server sees it (the
// server rolls back when the connection closes) or passed on and its answer thrown away
// (the server has committed; the client never hears it). Either way the client sees its
// connection lost in the middle of the COMMIT, which is what a server crash or a network cut
// looks like from the client. For tests only; thread-safe.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace regdesk::store::testing {

class CommitCutter {
 public:
  enum class Cut { kNone, kBeforeCommit, kAnswerOfCommit };

  explicit CommitCutter(int server_port) : server_port_(server_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = loopback(0);
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listener_, 64) != 0)
      throw std::runtime_error("CommitCutter: cannot listen");
    socklen_t len = sizeof a;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~CommitCutter() {
    stopping_ = true;
    acceptor_.join();
    {
      std::lock_guard lock(mu_);
      for (auto& link : links_) link->close_both();
    }
    for (auto& t : pumps_) t.join();
    ::close(listener_);
  }

  int port() const { return port_; }
  // The next COMMIT on any connection is cut this way; later ones pass.
  void arm(Cut cut) { armed_ = cut; }
  bool fired() const { return fired_; }

 private:
  // A client connection and its connection to the server.
  struct Link {
    int client = -1, server = -1;
    std::atomic<bool> drop_next_answer{false};
    std::once_flag closed;
    void close_both() {
      std::call_once(closed, [&] {
        ::shutdown(client, SHUT_RDWR);
        ::shutdown(server, SHUT_RDWR);
      });
    }
    ~Link() {
      ::close(client);
      ::close(server);
    }
  };

  static sockaddr_in loopback(int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
  }

  void accept_loop() {
    while (!stopping_) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) continue;
      int server = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a = loopback(server_port_);
      if (::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(server);
        ::close(client);
        continue;
      }
      auto link = std::make_shared<Link>();
      link->client = client;
      link->server = server;
      std::lock_guard lock(mu_);
      links_.push_back(link);
      pumps_.emplace_back([this, link] { to_server(*link); });
      pumps_.emplace_back([this, link] { to_client(*link); });
    }
  }

  // A COMMIT as Connector/C++ sends it: one packet, length 7, sequence 0, COM_QUERY (3).
  static bool is_commit(std::string_view chunk) {
    static constexpr char kPacket[] = {7, 0, 0, 0, 3, 'C', 'O', 'M', 'M', 'I', 'T'};
    return chunk == std::string_view(kPacket, sizeof kPacket);
  }

  void to_server(Link& link) {
    char buf[65536];
    for (;;) {
      ssize_t n = ::recv(link.client, buf, sizeof buf, 0);
      if (n <= 0) break;
      std::string_view chunk(buf, static_cast<size_t>(n));
      if (is_commit(chunk) && armed_ != Cut::kNone) {
        Cut cut = armed_.exchange(Cut::kNone);
        if (cut == Cut::kBeforeCommit) {
          fired_ = true;
          break;
        }
        if (cut == Cut::kAnswerOfCommit) link.drop_next_answer = true;
      }
      if (!send_all(link.server, chunk)) break;
    }
    link.close_both();
  }

  void to_client(Link& link) {
    char buf[65536];
    for (;;) {
      ssize_t n = ::recv(link.server, buf, sizeof buf, 0);
      if (n <= 0) break;
      if (link.drop_next_answer) {
        fired_ = true;  // the server has answered the COMMIT: the client never hears it
        break;
      }
      if (!send_all(link.client, std::string_view(buf, static_cast<size_t>(n)))) break;
    }
    link.close_both();
  }

  static bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  int server_port_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<Cut> armed_{Cut::kNone};
  std::atomic<bool> fired_{false};
  std::mutex mu_;
  std::vector<std::shared_ptr<Link>> links_;
  std::vector<std::thread> pumps_;
  std::thread acceptor_;
};

}  // namespace regdesk::store::testing
