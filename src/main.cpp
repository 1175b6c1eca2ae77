// regdesk: registration for symposia and online events. Wiring lives in src/app.
#include "app/commands.hpp"

int main(int argc, char** argv) {
  return regdesk::app::run_cli(argc, argv);
}
