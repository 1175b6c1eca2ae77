#include "http/health_agent.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>

namespace regdesk::http {

using namespace Pistache;

namespace {

class ProbeHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(ProbeHandler)
  explicit ProbeHandler(std::shared_ptr<HealthProbe> probe) : probe_(std::move(probe)) {}

  void onRequest(const Http::Request&, Http::ResponseWriter response) override {
    auto [status, text] = (*probe_)();
    response.headers().add<Http::Header::ContentType>(MIME(Text, Plain));
    response.send(static_cast<Http::Code>(status), text + "\n");
  }

 private:
  std::shared_ptr<HealthProbe> probe_;
};

}  // namespace

struct HealthAgent::Impl {
  std::string host;
  int port;
  std::shared_ptr<HealthProbe> probe;
  std::unique_ptr<Http::Endpoint> endpoint;
};

HealthAgent::HealthAgent(std::string host, int port, HealthProbe probe)
    : impl_(std::make_unique<Impl>(
          Impl{std::move(host), port, std::make_shared<HealthProbe>(std::move(probe)), nullptr})) {}

HealthAgent::~HealthAgent() { stop(); }

void HealthAgent::start() {
  Address addr(impl_->host, Port(static_cast<uint16_t>(impl_->port)));
  impl_->endpoint = std::make_unique<Http::Endpoint>(addr);
  // One thread: a check is one short query, and haproxy asks once a second.
  impl_->endpoint->init(Http::Endpoint::options().threads(1).flags(Tcp::Options::ReuseAddr));
  impl_->endpoint->setHandler(Http::make_handler<ProbeHandler>(impl_->probe));
  impl_->endpoint->serveThreaded();
}

int HealthAgent::port() const {
  return impl_->endpoint ? static_cast<uint16_t>(impl_->endpoint->getPort()) : 0;
}

void HealthAgent::stop() {
  if (impl_->endpoint) {
    impl_->endpoint->shutdown();
    impl_->endpoint.reset();
  }
}

}  // namespace regdesk::http
