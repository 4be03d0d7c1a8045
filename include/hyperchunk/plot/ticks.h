// Axis ticks: "nice numbers" (steps of 1, 2, 2.5 or 5 times a power of ten) and their labels.
#pragma once

#include <string>
#include <vector>

namespace hyperchunk::plot {

/// Tick positions and labels for one axis.
struct Ticks {
  std::vector<double> values;       ///< ascending, all inside [lo, hi]
  std::vector<std::string> labels;  ///< one per value, ASCII ("-0.5", "2.5"); value / 10^exponent
  double step = 0;                  ///< distance between ticks; 0 for the single tick of a constant range
  int exponent = 0;                 ///< non-zero when the axis must show "x10^exponent" beside the labels
};

/// At most `max_ticks` (>= 1) ticks inside [lo, hi] (either order), at multiples of the smallest step
/// of the form {1, 2, 2.5, 5} x 10^k that gives no more than `max_ticks` of them. Labels share the
/// number of decimals the step needs; values of magnitude >= 1e5 or < 1e-3 are labelled as multiples
/// of 10^exponent. A constant range gives one tick at the value; a non-finite bound gives none.
Ticks NiceTicks(double lo, double hi, int max_ticks);

/// "×10⁶"-style multiplier text (UTF-8) for an exponent, "" for 0.
std::string ExponentLabel(int exponent);

}  // namespace hyperchunk::plot
