// Helper of crash_safety.sh. `learn DIR`: learns bindings for NIDs 0, 1, 2, ...
// as fast as the StateWriter takes them, printing "committed N" after every
// batch commit, until killed (or after 60 s). `verify DIR N`: opens DIR as a
// node would on restart and checks that the bindings of NIDs 0..N-1 are there.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "ilnp/store/database.hpp"
#include "ilnp/store/state_writer.hpp"

namespace {

using namespace std::chrono_literals;
using ilnp::store::Binding;
using ilnp::store::BindingSource;
using ilnp::store::Database;

int learn(const std::string& dir) {
  ilnp::store::StateWriter writer(Database(dir), {.queue_capacity = 65536, .max_batch = 500, .max_delay = 200ms},
                                  [](const ilnp::store::BatchReport& r) {
                                    // One write(2) per line: a kill never leaves half a line behind.
                                    char line[64];
                                    const int n = std::snprintf(line, sizeof line, "committed %llu\n",
                                                                static_cast<unsigned long long>(r.committed_total));
                                    if (n > 0 && ::write(STDOUT_FILENO, line, static_cast<std::size_t>(n)) < 0)
                                      std::_Exit(3);
                                  });
  const auto stop = std::chrono::steady_clock::now() + 60s;
  // NIDs are handed out in order and only once accepted, so "committed N"
  // means exactly NIDs 0..N-1 are in the database.
  std::uint64_t next = 0;
  while (std::chrono::steady_clock::now() < stop) {
    const auto now = ilnp::store::to_wall_time(std::chrono::system_clock::now());
    for (int i = 0; i < 200; ++i) {
      const Binding b{.nid = ilnp::Nid{next},
                      .locator = ilnp::Locator{0x1'0000'0000ULL + next % 16},
                      .source = BindingSource::discovery,
                      .learned_at = now,
                      .expires_at = now + 1h};
      if (!writer.binding_learned(b)) break;  // queue full: try this NID again shortly
      ++next;
    }
    std::this_thread::sleep_for(1ms);
  }
  return 0;
}

int verify(const std::string& dir, std::uint64_t n) {
  Database db(dir);  // the node's own open: quick_check, schema version
  const auto bindings = db.bindings();
  // n is a count the test chose (thousands), so it indexes on 32-bit targets.
  std::vector<bool> seen(static_cast<std::size_t>(n), false);
  for (const Binding& b : bindings)
    if (b.nid.value < n) seen[static_cast<std::size_t>(b.nid.value)] = true;
  std::uint64_t missing = 0;
  for (bool s : seen) missing += s ? 0 : 1;
  std::printf("bindings %zu, reported committed %llu, missing %llu\n", bindings.size(),
              static_cast<unsigned long long>(n), static_cast<unsigned long long>(missing));
  return missing == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 2 && args[0] == "learn") return learn(args[1]);
    if (args.size() == 3 && args[0] == "verify") return verify(args[1], std::stoull(args[2]));
    std::fprintf(stderr, "usage: %s learn DIR | verify DIR N\n", argv[0]);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crash_writer: %s\n", e.what());
    return 1;
  }
}
