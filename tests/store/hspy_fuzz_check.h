// What the fuzz_hspy_metadata target checks on a file, shared with hspy_fuzz_test (which replays
// the seed corpus and the regression inputs in the normal build, under the sanitizers in CI).
#pragma once

#include <string>

#include "hspy_fuzz_input.h"

namespace hyperchunk::fuzz {

/// Reads `path` with ReadHspy (lazily or not, as `built` says) and walks the result: every value's
/// Repr, every tree's ToString, nested signals, and (when asked) the data of signals up to 1 MiB.
/// Returns "" when the reader behaved — read the file, or refused it with a Status that has a
/// message — else what went wrong.
std::string CheckRead(const std::string& path, const BuildResult& built);

}  // namespace hyperchunk::fuzz
