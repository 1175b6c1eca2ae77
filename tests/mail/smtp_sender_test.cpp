// SmtpSender against real SMTP servers (aiosmtpd, started per test on a free port): delivery
// and connection reuse, 4xx/5xx/network classification, STARTTLS and AUTH.

#include "mail/smtp_sender.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "mail/message.hpp"

#ifndef REGDESK_SMTP_TEST_SERVER
#error "REGDESK_SMTP_TEST_SERVER must name tests/mail/smtp_test_server.py"
#endif

namespace regdesk::mail {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kStartDeadline = std::chrono::seconds(20);

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("bind failed");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

// True once something on the port answers with an SMTP greeting.
bool greets(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    pollfd p{fd, POLLIN, 0};
    char buf[4] = {};
    if (poll(&p, 1, 2000) == 1 && recv(fd, buf, 3, 0) == 3) ok = std::string(buf, 3) == "220";
  }
  close(fd);
  return ok;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// One SMTP server process, killed (and reaped) in the destructor.
class ServerProcess {
 public:
  ServerProcess(const std::vector<std::string>& argv, int port, const fs::path& log)
      : port_(port), log_(log) {
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    // Poll with a deadline until it greets; give up early if it died.
    const auto deadline = Clock::now() + kStartDeadline;
    while (!greets(port_)) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("SMTP server exited during start: " + read_file(log_));
      }
      if (Clock::now() > deadline) {
        stop();
        throw std::runtime_error("SMTP server did not start: " + read_file(log_));
      }
      poll(nullptr, 0, 20);  // the polling interval, not a synchronisation
    }
  }
  ~ServerProcess() { stop(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (Clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      poll(nullptr, 0, 10);
    }
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int port_;
  fs::path log_;
};

class SmtpSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    init_curl();
    char tmpl[] = "/tmp/regdesk-smtp-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    maildir_ = dir_ / "maildir";
  }
  void TearDown() override {
    servers_.clear();  // kills every server this test started
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // `python3 -m aiosmtpd` with its stock Mailbox handler.
  int start_stock_server() {
    const int port = free_port();
    servers_.push_back(std::make_unique<ServerProcess>(
        std::vector<std::string>{"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
                                 "127.0.0.1:" + std::to_string(port), "-c",
                                 "aiosmtpd.handlers.Mailbox", maildir_.string()},
        port, dir_ / ("server-" + std::to_string(port) + ".log")));
    return port;
  }

  // tests/mail/smtp_test_server.py with extra flags (--tls, --auth, --log).
  int start_test_server(std::vector<std::string> flags = {}) {
    const int port = free_port();
    std::vector<std::string> argv = {"/usr/bin/python3", REGDESK_SMTP_TEST_SERVER,
                                     "--port",           std::to_string(port),
                                     "--maildir",        maildir_.string()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    servers_.push_back(std::make_unique<ServerProcess>(
        argv, port, dir_ / ("server-" + std::to_string(port) + ".log")));
    return port;
  }

  // A self-signed certificate for localhost, valid for a day.
  std::pair<std::string, std::string> make_certificate() {
    const std::string cert = (dir_ / "cert.pem").string();
    const std::string key = (dir_ / "key.pem").string();
    const std::string cmd =
        "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout " +
        shell_quote(key) + " -out " + shell_quote(cert) + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl failed");
    return {cert, key};
  }

  std::vector<std::string> delivered() const {
    std::vector<std::string> out;
    const fs::path dir = maildir_ / "new";
    if (!fs::exists(dir)) return out;
    for (const auto& entry : fs::directory_iterator(dir)) out.push_back(read_file(entry.path()));
    return out;
  }

  // Deliveries are written before the server answers 250; the deadline only guards against
  // a server that is slower to flush than expected.
  std::vector<std::string> wait_for_deliveries(size_t n) const {
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    auto got = delivered();
    while (got.size() < n && Clock::now() < deadline) {
      poll(nullptr, 0, 20);
      got = delivered();
    }
    return got;
  }

  static std::string mime(int n, const std::string& to = "taro@example.jp") {
    Message m;
    m.from_name = "MID-NET®シンポジウム事務局";
    m.from_address = "noreply@regdesk.example.jp";
    m.to_address = to;
    m.subject = "【受付完了】MID-NET®シンポジウム 2024 参加登録のお知らせ";
    m.text_body = "参加登録を受け付けました。（" + std::to_string(n) + "通目）\n";
    m.message_id = "outbox-" + std::to_string(n) + ".regdesk@regdesk.example.jp";
    m.date = Instant(std::chrono::seconds(1709096400));
    return render_mime(m);
  }

  static std::string url(int port) { return "smtp://127.0.0.1:" + std::to_string(port); }

  // Plain SMTP to the port; tests switch on TLS and AUTH field by field.
  static SmtpSettings settings(int port, int timeout_seconds = 10) {
    SmtpSettings s;
    s.url = url(port);
    s.timeout_seconds = timeout_seconds;
    return s;
  }

  static SmtpSettings tls_auth(int port, const std::string& password) {
    SmtpSettings s = settings(port);
    s.user = "regdesk";
    s.password = password;
    s.require_tls = true;
    s.verify_peer = false;
    return s;
  }

  fs::path dir_;
  fs::path maildir_;
  std::vector<std::unique_ptr<ServerProcess>> servers_;
};

TEST_F(SmtpSenderTest, ThreeMessagesThroughOneSenderArriveIntact) {
  const int port = start_stock_server();
  SmtpSender sender(settings(port));
  for (int n = 1; n <= 3; ++n) {
    const SendResult r = sender.send("noreply@regdesk.example.jp", "taro@example.jp", mime(n));
    EXPECT_EQ(r.status, SendStatus::kSent) << r.detail;
    EXPECT_EQ(r.smtp_code, 250);
  }
  const auto files = wait_for_deliveries(3);
  ASSERT_EQ(files.size(), 3u);
  std::set<int> seen;
  for (const auto& f : files) {
    for (int n = 1; n <= 3; ++n) {
      if (f.find("Message-ID: <outbox-" + std::to_string(n) + ".regdesk@regdesk.example.jp>") ==
          std::string::npos)
        continue;
      seen.insert(n);
      // The base64 body of exactly this message, as sent.
      const std::string sent = mime(n);
      const std::string body = sent.substr(sent.find("\r\n\r\n") + 4, 60);
      EXPECT_NE(f.find(body.substr(0, body.find('\r'))), std::string::npos);
      EXPECT_NE(f.find("Subject: =?UTF-8?B?"), std::string::npos);
      EXPECT_NE(f.find("X-RcptTo: taro@example.jp"), std::string::npos);
    }
  }
  EXPECT_EQ(seen, (std::set<int>{1, 2, 3}));
}

TEST_F(SmtpSenderTest, ReusesOneConnectionForManyMessages) {
  const std::string log = (dir_ / "ehlo.log").string();
  const int port = start_test_server({"--log", log});
  SmtpSender sender(settings(port));
  for (int n = 1; n <= 3; ++n)
    EXPECT_EQ(sender.send("noreply@regdesk.example.jp", "taro@example.jp", mime(n)).status,
              SendStatus::kSent);
  EXPECT_EQ(wait_for_deliveries(3).size(), 3u);
  std::set<std::string> sessions;
  std::istringstream in(read_file(log));
  for (std::string line; std::getline(in, line);) sessions.insert(line);
  EXPECT_EQ(sessions.size(), 1u) << read_file(log);

  // reset() closes it: the next message comes on a new connection.
  sender.reset();
  EXPECT_EQ(sender.send("noreply@regdesk.example.jp", "taro@example.jp", mime(4)).status,
            SendStatus::kSent);
  std::istringstream again(read_file(log));
  sessions.clear();
  for (std::string line; std::getline(again, line);) sessions.insert(line);
  EXPECT_EQ(sessions.size(), 2u);
}

TEST_F(SmtpSenderTest, ClosedPortIsTransientWithoutSmtpCode) {
  const int port = free_port();  // nothing listens there
  SmtpSender sender(settings(port, 5));
  const SendResult r = sender.send("noreply@regdesk.example.jp", "taro@example.jp", mime(1));
  EXPECT_EQ(r.status, SendStatus::kTransient);
  EXPECT_EQ(r.smtp_code, 0);
  EXPECT_FALSE(r.detail.empty());
}

TEST_F(SmtpSenderTest, RefusedRecipientIsPermanentAndTheSenderRecovers) {
  const int port = start_test_server();
  SmtpSender sender(settings(port));
  const SendResult r =
      sender.send("noreply@regdesk.example.jp", "reject@example.jp", mime(1, "reject@example.jp"));
  EXPECT_EQ(r.status, SendStatus::kPermanent) << r.detail;
  EXPECT_EQ(r.smtp_code, 550);
  EXPECT_NE(r.detail.find("550"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("no such user"), std::string::npos) << r.detail;
  EXPECT_EQ(r.detail.find("reject@example.jp"), std::string::npos) << r.detail;  // for logs
  // The same sender goes on working after the failure.
  const SendResult ok = sender.send("noreply@regdesk.example.jp", "taro@example.jp", mime(2));
  EXPECT_EQ(ok.status, SendStatus::kSent) << ok.detail;
  EXPECT_EQ(wait_for_deliveries(1).size(), 1u);
}

TEST_F(SmtpSenderTest, TemporaryRefusalIsTransient) {
  const int port = start_test_server();
  SmtpSender sender(settings(port));
  const SendResult r = sender.send("noreply@regdesk.example.jp", "tempfail@example.jp",
                                   mime(1, "tempfail@example.jp"));
  EXPECT_EQ(r.status, SendStatus::kTransient) << r.detail;
  EXPECT_EQ(r.smtp_code, 451);
  EXPECT_NE(r.detail.find("try later"), std::string::npos) << r.detail;
  EXPECT_EQ(delivered().size(), 0u);
}

TEST_F(SmtpSenderTest, StartTlsWithAuthDelivers) {
  const auto [cert, key] = make_certificate();
  const int port = start_test_server({"--tls", cert, key, "--auth", "regdesk:s3cret"});
  SmtpSender sender(tls_auth(port, "s3cret"));
  for (int n = 1; n <= 2; ++n) {
    const SendResult r = sender.send("noreply@regdesk.example.jp", "taro@example.jp", mime(n));
    EXPECT_EQ(r.status, SendStatus::kSent) << r.detail;
  }
  EXPECT_EQ(wait_for_deliveries(2).size(), 2u);
}

TEST_F(SmtpSenderTest, StartTlsVerifiesAgainstTheGivenCaFile) {
  const auto [cert, key] = make_certificate();
  const int port = start_test_server({"--tls", cert, key, "--auth", "regdesk:s3cret"});
  // The certificate is for "localhost"; verification on, with it as the CA.
  SmtpSettings verified = tls_auth(port, "s3cret");
  verified.url = "smtp://localhost:" + std::to_string(port);
  verified.verify_peer = true;
  verified.ca_file = cert;
  SmtpSender sender(verified);
  const SendResult r = sender.send("noreply@regdesk.example.jp", "taro@example.jp", mime(1));
  EXPECT_EQ(r.status, SendStatus::kSent) << r.detail;

  // Without it, the self-signed certificate is refused: a transient failure, nothing sent.
  SmtpSettings system_cas = tls_auth(port, "s3cret");
  system_cas.verify_peer = true;
  SmtpSender strict(system_cas);
  const SendResult refused = strict.send("noreply@regdesk.example.jp", "taro@example.jp", mime(2));
  EXPECT_EQ(refused.status, SendStatus::kTransient) << refused.detail;
  EXPECT_EQ(wait_for_deliveries(1).size(), 1u);
}

TEST_F(SmtpSenderTest, WrongPasswordIsNotSentAndNotPermanent) {
  const auto [cert, key] = make_certificate();
  const int port = start_test_server({"--tls", cert, key, "--auth", "regdesk:s3cret"});
  SmtpSender sender(tls_auth(port, "wrong"));
  const SendResult r = sender.send("noreply@regdesk.example.jp", "taro@example.jp", mime(1));
  EXPECT_NE(r.status, SendStatus::kSent);
  // A configuration error: the row must be retried once the operator fixes the password.
  EXPECT_EQ(r.status, SendStatus::kTransient) << r.detail;
  EXPECT_EQ(r.smtp_code, 535) << r.detail;
  EXPECT_NE(r.detail.find("authentication failed"), std::string::npos) << r.detail;
  EXPECT_EQ(delivered().size(), 0u);
}

TEST_F(SmtpSenderTest, PlainConnectionIsRefusedWhenTheServerRequiresStartTls) {
  const auto [cert, key] = make_certificate();
  const int port = start_test_server({"--tls", cert, key, "--auth", "regdesk:s3cret"});
  SmtpSettings no_tls = tls_auth(port, "s3cret");
  no_tls.require_tls = false;
  SmtpSender sender(no_tls);
  const SendResult r = sender.send("noreply@regdesk.example.jp", "taro@example.jp", mime(1));
  EXPECT_NE(r.status, SendStatus::kSent);
  EXPECT_EQ(r.status, SendStatus::kTransient) << r.detail;
  EXPECT_EQ(delivered().size(), 0u);
}

TEST_F(SmtpSenderTest, LineBreakInAnEnvelopeAddressIsRefusedUnsent) {
  const int port = start_test_server();
  SmtpSender sender(settings(port));
  const SendResult r = sender.send("noreply@regdesk.example.jp",
                                   "taro@example.jp>\r\nRCPT TO:<evil@example.jp", mime(1));
  EXPECT_EQ(r.status, SendStatus::kPermanent);
  EXPECT_EQ(delivered().size(), 0u);
}

}  // namespace
}  // namespace regdesk::mail
