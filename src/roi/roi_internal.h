// Helpers shared by the ROI sources.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "hyperchunk/core/status.h"
#include "hyperchunk/signal/axes.h"

namespace hyperchunk::internal {

/// Python's format(v, 'G') as HyperSpy's ROI reprs print parameters; "<undefined>" when unset.
std::string RoiNumber(const std::optional<double>& v);

/// HyperSpy's `_make_slices` rule on one axis: value2index of `low` (below the axis: 0) and of
/// `high` as an exclusive stop (above the axis: size); errors name the axis (`natural` numbers it).
/// Without `high` (a point) the range is that one index.
Result<std::pair<Index, Index>> RoiIndexRange(const DataAxis& axis, int natural, double low,
                                              std::optional<double> high);

/// The error of using an ROI whose parameters are not all set.
Status RoiNotSet();

}  // namespace hyperchunk::internal
