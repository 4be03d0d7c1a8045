// The legend of a line plot. Internal to src/plot.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <cairo/cairo.h>

#include "canvas.h"

namespace hyperchunk::plot::internal {

struct LegendEntry {
  std::string label;
  Rgb color;
  double line_width = 1.5;
};

/// Draws `entries` in a framed box inside `area`, in the corner (upper right, upper left, lower
/// right, lower left, in that order of preference) that covers the fewest of `points` (pixels on
/// the drawn lines). The top `top_reserved` pixels of the area (span labels) are avoided. Nothing
/// is drawn for no entries, or when the box does not fit.
void DrawLegend(cairo_t* cr, const std::vector<LegendEntry>& entries, const Box& area, double top_reserved,
                const std::vector<std::pair<double, double>>& points);

}  // namespace hyperchunk::plot::internal
