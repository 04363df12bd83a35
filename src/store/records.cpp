// The text form of binding sources, as stored in the bindings.source column.
// Knows nothing else of the database.
#include "ilnp/store/records.hpp"

namespace ilnp::store {

std::string_view to_string(BindingSource source) {
  switch (source) {
    case BindingSource::discovery:
      return "discovery";
    case BindingSource::locator_update:
      return "locator_update";
    case BindingSource::configuration:
      return "configuration";
  }
  return "unknown";
}

std::optional<BindingSource> parse_binding_source(std::string_view text) {
  for (auto s : {BindingSource::discovery, BindingSource::locator_update, BindingSource::configuration})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

}  // namespace ilnp::store
