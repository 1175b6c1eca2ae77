#pragma once
// The `regdesk` command line: serve, migrate, events import, admin hash-token.

namespace regdesk::app {

// Parses argv and runs the chosen subcommand; returns the process exit code.
int run_cli(int argc, char** argv);

}  // namespace regdesk::app
