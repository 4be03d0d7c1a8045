// --graph: the task graph of a command's computation as a Graphviz file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "hyperchunk/core/status.h"

namespace hyperchunk::cli {

/// The full path of executable `name` found on $PATH, if any.
std::optional<std::filesystem::path> FindOnPath(std::string_view name);

/// Checks before any work that `path` can be written: .dot always, .svg when Graphviz's `dot` is
/// on PATH.
Status CheckGraphPath(const std::filesystem::path& path);

/// Writes a DOT graph to `path`: the text itself for .dot, rendered by `dot -Tsvg` for .svg.
/// The file appears whole or not at all.
Status WriteGraph(const std::filesystem::path& path, const std::string& dot_text);

}  // namespace hyperchunk::cli
