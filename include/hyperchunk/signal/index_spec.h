// What `isig[...]` / `inav[...]` take: positions and slices by index, calibrated value or string,
// and Ellipsis (reference §5.2); plus the command line's spelling of them (CLI.md, "Index specs").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hyperchunk/core/shape.h"
#include "hyperchunk/core/status.h"

namespace hyperchunk {

/// A position on an axis: an index (int, negative counts from the end), a calibrated value
/// (double, resolved with value2index) or a string ("rel0.5", "1500 eV").
using AxisPosition = std::variant<Index, double, std::string>;

/// One entry of an isig/inav selection.
struct IndexSpec {
  enum class Kind { kPosition, kSlice, kEllipsis };
  Kind kind = Kind::kSlice;
  AxisPosition position = Index{0};               ///< kPosition: the axis is removed
  std::optional<AxisPosition> start, stop, step;  ///< kSlice; nullopt = Python's None

  /// `s.isig[v]`: one point, the axis removed.
  static IndexSpec At(AxisPosition p) { return {Kind::kPosition, std::move(p), {}, {}, {}}; }
  /// `s.isig[start:stop:step]`.
  static IndexSpec Range(std::optional<AxisPosition> start, std::optional<AxisPosition> stop,
                         std::optional<AxisPosition> step = std::nullopt) {
    return {Kind::kSlice, Index{0}, std::move(start), std::move(stop), std::move(step)};
  }
  /// `:` — the whole axis.
  static IndexSpec All() { return {}; }
  /// `...` — as many `:` as needed.
  static IndexSpec Ellipsis() { return {Kind::kEllipsis, Index{0}, {}, {}, {}}; }

  /// Python's spelling: "1:3", "6.3", ":15.0", "::-1", "...".
  std::string ToString() const;
};

/// Parses the command line's index specs: comma-separated, natural order; a number with a decimal
/// point or exponent is a calibrated value, a plain integer an index, `rel0.5` or `1500eV` a string
/// position, empty or `:` the whole axis, `...` Ellipsis. "10:20,::2", ":15.0", "6.3".
Result<std::vector<IndexSpec>> ParseIndexSpecs(std::string_view text);

}  // namespace hyperchunk
