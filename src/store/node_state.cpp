#include "store/node_state.hpp"

#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>

#include "store/connection_pool.hpp"

namespace regdesk::store {

NodeState node_state(ConnectionPool& pool) {
  return with_connection(pool, [](sql::Connection& c) {
    NodeState s;
    std::unique_ptr<sql::Statement> st(c.createStatement());
    std::unique_ptr<sql::ResultSet> on(st->executeQuery("SELECT @@GLOBAL.wsrep_on"));
    s.galera = on->next() && on->getInt(1) == 1;
    if (!s.galera) return s;
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
        "SHOW GLOBAL STATUS WHERE Variable_name IN"
        " ('wsrep_local_state_comment', 'wsrep_ready', 'wsrep_cluster_status')"));
    while (rs->next()) {
      const std::string name = rs->getString(1), value = rs->getString(2);
      if (name == "wsrep_local_state_comment") s.local_state = value;
      if (name == "wsrep_ready") s.ready = value == "ON";
      if (name == "wsrep_cluster_status") s.cluster_status = value;
    }
    return s;
  });
}

bool fit_for_traffic(const NodeState& s, std::string& why) {
  if (!s.galera) {
    why = "standalone server, reachable";
    return true;
  }
  if (s.cluster_status != "Primary") {
    why = "not in the Primary component (" + s.cluster_status + ")";
    return false;
  }
  if (s.local_state != "Synced") {
    why = "node is " + s.local_state + ", not Synced";
    return false;
  }
  if (!s.ready) {
    why = "wsrep_ready is OFF";
    return false;
  }
  why = "Synced";
  return true;
}

}  // namespace regdesk::store
