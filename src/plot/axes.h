// Axis pieces shared by the pictures: fitting ticks to an axis, frames, tick marks and labels.
// Internal to src/plot.
#pragma once

#include <cairo/cairo.h>

#include "canvas.h"
#include "hyperchunk/plot/ticks.h"

namespace hyperchunk::plot::internal {

/// Ticks for an axis `length_px` long showing [lo, hi]: as many as fit without their labels (in
/// the current font) crowding each other; horizontal axes need the label widths, vertical ones the
/// line height.
Ticks FitTicks(cairo_t* cr, double lo, double hi, double length_px, bool horizontal);

/// Widest typeset label of `ticks` in the current font, pixels.
double WidestLabel(cairo_t* cr, const Ticks& ticks);

/// Pixel centre (x.5) at or below `pos`, for crisp one-pixel lines.
double Crisp(double pos);

/// A one-pixel frame just outside `box`.
void Frame(cairo_t* cr, const Box& box);

enum class Side { kBottom, kLeft, kRight };

/// Tick marks (outwards) and labels of `ticks` along one side of `box`, whose two ends along that
/// side show the values `first` (left or top) and `last` (right or bottom).
void DrawTicks(cairo_t* cr, const Box& box, const Ticks& ticks, double first, double last, Side side);

}  // namespace hyperchunk::plot::internal
