// Replacing a file so that a reader sees the old or the new content, never
// half of one: write beside it, fsync, rename. Knows nothing of what is written.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ilnp::io {

// Writes `content` to `path`.tmp (mode 0644), fsyncs it and renames it over
// `path`. Every step is checked: on failure the old file stays in place, the
// temporary file is removed, and the returned text says which step failed
// and why (errno). nullopt on success.
[[nodiscard]] std::optional<std::string> replace_file(const std::string& path, std::string_view content);

}  // namespace ilnp::io
