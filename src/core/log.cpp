// Names of layers and levels, shared by the core's logger and the config.
#include "ilnp/core/log.hpp"

namespace ilnp {

std::string_view to_string(Layer layer) {
  constexpr std::array<std::string_view, kLayerCount> names{"link", "network", "transport", "discovery",
                                                            "application"};
  return names[static_cast<std::size_t>(layer)];
}

std::string_view to_string(Level level) {
  switch (level) {
    case Level::error: return "error";
    case Level::warn: return "warn";
    case Level::info: return "info";
    case Level::debug: return "debug";
  }
  return "?";
}

std::optional<Level> parse_level(std::string_view text) {
  for (auto level : {Level::error, Level::warn, Level::info, Level::debug})
    if (text == to_string(level)) return level;
  return std::nullopt;
}

}  // namespace ilnp
