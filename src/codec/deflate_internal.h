// Codec helpers shared by the codec sources only.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "hyperchunk/core/status.h"

namespace hyperchunk::codec::internal {

/// Inflates a zlib stream whose inflated size is not known in advance (a deflate followed by other
/// size-changing filters): `out` is resized to the inflated size, at most 4 GiB.
Status InflateZlibUnknownSize(std::span<const std::byte> in, std::vector<std::byte>& out);

}  // namespace hyperchunk::codec::internal
