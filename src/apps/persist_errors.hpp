// Every write to disk that can fail while the node runs, as one list of
// counters (ilnp_persist_errors_total{what}) and a rate-limited warning.
// Reads the writers' own counters; writes nothing itself.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime.hpp"

namespace ilnp::apps {

struct PersistError {
  std::string_view what;  // state_write, state_queue_full, state_prune, metrics_textfile, trace, log
  std::uint64_t count{0};
  std::string detail;     // the latest error message, where one is kept
};

// `metrics_textfile` and its message come from Metrics, which owns that writer.
[[nodiscard]] std::vector<PersistError> persist_errors(Runtime& rt, std::uint64_t metrics_textfile,
                                                       const std::string& metrics_textfile_error);

// Remembers what was last reported and logs a warning for each kind whose
// count grew; called every few seconds, so at most one line per kind per call.
class PersistWatch {
 public:
  void check(Runtime& rt, const std::vector<PersistError>& errors);

 private:
  std::vector<std::pair<std::string, std::uint64_t>> reported_;
};

}  // namespace ilnp::apps
