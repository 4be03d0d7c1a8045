// Helpers shared by the ROI sources.
#pragma once

#include <optional>
#include <string>

#include "hyperchunk/core/status.h"

namespace hyperchunk::internal {

/// Python's format(v, 'G') as HyperSpy's ROI reprs print parameters; "<undefined>" when unset.
std::string RoiNumber(const std::optional<double>& v);

/// The error of using an ROI whose parameters are not all set.
Status RoiNotSet();

}  // namespace hyperchunk::internal
