// Logging seam of the core: per-layer thresholds in front of a sink that the
// driver provides. The core formats a line only when its level is enabled.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ilnp {

enum class Layer : std::size_t { link, network, transport, discovery, application, count_ };
enum class Level : int { error = 0, warn = 1, info = 2, debug = 3 };

inline constexpr std::size_t kLayerCount = static_cast<std::size_t>(Layer::count_);

[[nodiscard]] std::string_view to_string(Layer layer);
[[nodiscard]] std::string_view to_string(Level level);
[[nodiscard]] std::optional<Level> parse_level(std::string_view text);

class Logger {
 public:
  using Sink = std::function<void(Layer, Level, std::string_view)>;
  using Thresholds = std::array<Level, kLayerCount>;

  Logger() { thresholds_.fill(Level::warn); }
  Logger(Sink sink, Thresholds thresholds) : sink_(std::move(sink)), thresholds_(thresholds) {}

  [[nodiscard]] bool enabled(Layer layer, Level level) const {
    return sink_ && level <= thresholds_[static_cast<std::size_t>(layer)];
  }
  // `make_line` is only called when the line would be written.
  template <class MakeLine>
  void log(Layer layer, Level level, MakeLine&& make_line) const {
    if (enabled(layer, level)) sink_(layer, level, make_line());
  }

 private:
  Sink sink_;
  Thresholds thresholds_{};
};

}  // namespace ilnp
