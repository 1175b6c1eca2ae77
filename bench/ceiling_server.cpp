// The ceiling for bench/run.sh: a plain Pistache 0.0.5 endpoint with the options regdesk uses
// (2 threads, maxRequestSize 1 MiB, backlog 1024) that reads the request body and answers
// every request with 201 and a small fixed JSON body. No routing, no JSON parsing, no database.
//
//   ceiling_server [HOST [PORT]]     (default 127.0.0.1, port 0 = any free port)
//
// Prints "listening on http://HOST:PORT" once it accepts connections; stops on SIGTERM/SIGINT.

#include <pistache/endpoint.h>
#include <pistache/http.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

using namespace Pistache;

namespace {

const std::string kBody =
    R"({"id":"00000000000000000000000000000000","number":1,"status":"confirmed"})";

class CeilingHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(CeilingHandler)

  void onRequest(const Http::Request& request, Http::ResponseWriter response) override {
    // Touch the body, as a real handler would, so the comparison includes reading it.
    volatile size_t body_size = request.body().size();
    (void)body_size;
    response.headers().add<Http::Header::ContentType>(
        Http::Mime::MediaType::fromString("application/json; charset=utf-8"));
    response.headers().add<Http::Header::Connection>(Http::ConnectionControl::KeepAlive);
    response.send(Http::Code::Created, kBody).then([](ssize_t) {}, [](std::exception_ptr) {});
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::string host = argc > 1 ? argv[1] : "127.0.0.1";
  int port = argc > 2 ? std::atoi(argv[2]) : 0;

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  Http::Endpoint endpoint(Address(host, Port(static_cast<uint16_t>(port))));
  auto opts = Http::Endpoint::options()
                  .threads(2)
                  .flags(Tcp::Options::ReuseAddr)
                  .maxRequestSize(1024 * 1024)
                  .backlog(1024);
  endpoint.init(opts);
  endpoint.setHandler(Http::make_handler<CeilingHandler>());
  endpoint.serveThreaded();
  std::cout << "listening on http://" << host << ":" << static_cast<uint16_t>(endpoint.getPort())
            << std::endl;

  int sig = 0;
  sigwait(&stop_signals, &sig);
  endpoint.shutdown();
  return 0;
}
