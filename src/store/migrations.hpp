#pragma once
// Numbered schema migrations (sql/NNN_name.sql, embedded at build time), applied in order by
// `regdesk migrate`, each once. Never run from a constructor.

#include <string>
#include <vector>

namespace regdesk::store {

class ConnectionPool;

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<Migration>& embedded_migrations();

struct MigrationReport {
  std::vector<std::string> applied;  // names applied by this run
  int current_version = 0;
};

// Idempotent; safe when several processes migrate at once (they take a named lock).
MigrationReport migrate(ConnectionPool& pool);
// The schema version the database is at (0 when never migrated). kCausal waits until a Galera
// node has applied every write-set the cluster had committed when the read began
// (wsrep_sync_wait), so a service started on one node right after `migrate` ran on another
// sees the new version. On a node outside the Primary component that wait lasts up to
// Galera's causal-read timeout, so it is for the start check, not for /readyz.
enum class SchemaRead { kLocal, kCausal };
int schema_version(ConnectionPool& pool, SchemaRead read = SchemaRead::kLocal);
int latest_schema_version();

}  // namespace regdesk::store
