#pragma once
// What the MariaDB node a pool points at says of itself: a Galera node is fit for traffic only
// while Synced, ready and in the Primary component (a Donor, a Joiner or the minority side of
// a partition answers 1047 or serves stale reads). Read by `regdesk cluster-check`.

#include <string>

namespace regdesk::store {

class ConnectionPool;

struct NodeState {
  bool galera = false;         // wsrep_on
  std::string local_state;     // wsrep_local_state_comment: Synced, Donor/Desynced, Joining, ...
  bool ready = false;          // wsrep_ready
  std::string cluster_status;  // wsrep_cluster_status: Primary, non-Primary, Disconnected
};

// Throws DatabaseUnavailable when the node cannot be reached.
NodeState node_state(ConnectionPool& pool);

// A standalone server serves whenever it answers; a Galera node only when Synced, ready and
// Primary. `why` says which condition failed, for the health agent's answer.
bool fit_for_traffic(const NodeState& s, std::string& why);

}  // namespace regdesk::store
