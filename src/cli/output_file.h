// Output files that appear whole or not at all.
#pragma once

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string_view>

#include "hyperchunk/core/status.h"

namespace hyperchunk::cli {

/// Writes `path` through a temporary file in the same folder (".<name>.XXXXXX"), renamed onto
/// `path` once `write` succeeded and every byte reached the file; on any failure the temporary is
/// removed, so a failed or cancelled command leaves no partial output behind. An existing `path`
/// is replaced.
Status WriteFileAtomically(const std::filesystem::path& path, const std::function<Status(std::FILE* file)>& write);

/// WriteFileAtomically with `text` as the whole content.
Status WriteTextFileAtomically(const std::filesystem::path& path, std::string_view text);

/// fwrite of `size` bytes, as a Status naming `path` when the disk refuses them.
Status WriteBytes(std::FILE* file, const void* data, size_t size, const std::filesystem::path& path);

}  // namespace hyperchunk::cli
