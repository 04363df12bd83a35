// Gathers failure counts from the state writer, the trace, the log writers
// and the metrics textfile; the watch turns growth into one warning per kind.
#include "persist_errors.hpp"

#include <algorithm>

#include "state_service.hpp"

namespace ilnp::apps {

std::vector<PersistError> persist_errors(Runtime& rt, std::uint64_t metrics_textfile,
                                         const std::string& metrics_textfile_error) {
  std::vector<PersistError> out;
  if (auto* state = rt.state()) {
    const auto s = state->stats();
    out.push_back({"state_write", s.failed, s.last_error});
    out.push_back({"state_queue_full", s.dropped, {}});
    out.push_back({"state_prune", state->prune_failures(), {}});
  }
  out.push_back({"metrics_textfile", metrics_textfile, metrics_textfile_error});
  if (const auto* trace = rt.trace()) out.push_back({"trace", trace->stats().write_errors, {}});
  out.push_back({"log", rt.out().write_errors() + rt.log_write_errors(), {}});
  return out;
}

void PersistWatch::check(Runtime& rt, const std::vector<PersistError>& errors) {
  for (const auto& e : errors) {
    auto it = std::find_if(reported_.begin(), reported_.end(), [&](const auto& r) { return r.first == e.what; });
    if (it == reported_.end()) it = reported_.insert(reported_.end(), {std::string(e.what), 0});
    if (e.count <= it->second) continue;
    rt.log(Layer::application, Level::warn,
           "node " + rt.config().node.hostname + ": " + std::to_string(e.count - it->second) + " " +
               std::string(e.what) + " failures since the last report (" + std::to_string(e.count) + " in all)" +
               (e.detail.empty() ? std::string() : ": " + e.detail));
    it->second = e.count;
  }
}

}  // namespace ilnp::apps
