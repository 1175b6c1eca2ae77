// Operations: liveness, readiness (database reachable, schema current), Prometheus metrics.

#include "http/api.hpp"
#include "store/connection_pool.hpp"
#include "store/group_admission.hpp"
#include "store/migrations.hpp"

namespace regdesk::http {

void add_ops_routes(Routes& routes, ApiContext& ctx) {
  routes.add("GET", "/healthz", "healthz", [](const Request&, const Responder& r) {
    r.json(200, {{"status", "ok"}});
  });

  routes.add("GET", "/readyz", "readyz", [&ctx](const Request&, const Responder& r) {
    ctx.offload(r, [&ctx, r] {
      nlohmann::json body = {{"database", "unreachable"}};
      int status = 503;
      try {
        if (ctx.services.pool.ping()) {
          int version = store::schema_version(ctx.services.pool);
          body = {{"database", "ok"},
                  {"schema_version", version},
                  {"schema_expected", store::latest_schema_version()}};
          if (version == store::latest_schema_version())
            status = 200;
          else
            body["database"] = "schema_outdated";
        }
      } catch (const store::DatabaseUnavailable&) {
      }
      body["status"] = status == 200 ? "ready" : "not_ready";
      std::vector<std::pair<std::string, std::string>> headers;
      if (status != 200) headers.emplace_back("Retry-After", "5");
      r.json(status, body, headers);
    });
  });

  routes.add("GET", "/metrics", "metrics", [&ctx](const Request&, const Responder& r) {
    auto s = ctx.services.admission.stats();
    std::string extra =
        "# HELP regdesk_admission_batches_total Transactions run by group admission.\n"
        "# TYPE regdesk_admission_batches_total counter\n"
        "regdesk_admission_batches_total " +
        std::to_string(s.batches) + "\n" +
        "# HELP regdesk_admission_requests_total Sign-ups decided by those transactions.\n"
        "# TYPE regdesk_admission_requests_total counter\n"
        "regdesk_admission_requests_total " +
        std::to_string(s.requests) + "\n" +
        "# HELP regdesk_admission_sold_out_from_memory_total Sold-out answers given without a "
        "database round trip.\n"
        "# TYPE regdesk_admission_sold_out_from_memory_total counter\n"
        "regdesk_admission_sold_out_from_memory_total " +
        std::to_string(s.answered_from_memory) + "\n";
    r.send(200, "text/plain; version=0.0.4; charset=utf-8", ctx.metrics->render(extra));
  });
}

}  // namespace regdesk::http
