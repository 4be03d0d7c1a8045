#include "axes.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace hyperchunk::plot::internal {

double WidestLabel(cairo_t* cr, const Ticks& ticks) {
  double widest = 0;
  for (const std::string& label : ticks.labels) widest = std::max(widest, TextWidth(cr, TypesetNumber(label)));
  return widest;
}

Ticks FitTicks(cairo_t* cr, double lo, double hi, double length_px, bool horizontal) {
  const double per_tick_px = horizontal ? 50 : 40;  // a first guess, refined by the label sizes
  int max_ticks = std::clamp(static_cast<int>(length_px / per_tick_px), 2, 10);
  const double span = std::abs(hi - lo);
  for (; max_ticks > 1; --max_ticks) {
    Ticks ticks = NiceTicks(lo, hi, max_ticks);
    if (ticks.values.size() < 2) return ticks;
    const double spacing_px = ticks.step / span * length_px;
    const double needed_px = horizontal ? WidestLabel(cr, ticks) + 14 : LineHeight(cr) + 6;
    if (spacing_px >= needed_px) return ticks;
  }
  return NiceTicks(lo, hi, 1);
}

double Crisp(double pos) { return std::floor(pos) + 0.5; }

void Frame(cairo_t* cr, const Box& box) {
  SetColor(cr, kFrameColor);
  cairo_set_line_width(cr, 1);
  cairo_rectangle(cr, box.x - 0.5, box.y - 0.5, box.w + 1, box.h + 1);
  cairo_stroke(cr);
}

void DrawTicks(cairo_t* cr, const Box& box, const Ticks& ticks, double first, double last, Side side) {
  SetFont(cr, kTickFontPx);
  cairo_set_line_width(cr, 1);
  for (size_t idx = 0; idx < ticks.values.size(); ++idx) {
    const double frac = (ticks.values[idx] - first) / (last - first);
    const std::string label = TypesetNumber(ticks.labels[idx]);
    SetColor(cr, kFrameColor);
    if (side == Side::kBottom) {
      const double x = Crisp(box.x + frac * box.w);
      const double y = box.y + box.h + 0.5;
      cairo_move_to(cr, x, y);
      cairo_line_to(cr, x, y + kTickLengthPx);
      cairo_stroke(cr);
      SetColor(cr, kInk);
      DrawText(cr, label, x, y + kTickLengthPx + kTickLabelGapPx, HAlign::kCenter, VAlign::kTop);
    } else {
      const double y = Crisp(box.y + frac * box.h);
      const double x = side == Side::kLeft ? box.x - 0.5 : box.x + box.w + 0.5;
      const double dir = side == Side::kLeft ? -1 : 1;
      cairo_move_to(cr, x, y);
      cairo_line_to(cr, x + dir * kTickLengthPx, y);
      cairo_stroke(cr);
      SetColor(cr, kInk);
      DrawText(cr, label, x + dir * (kTickLengthPx + kTickLabelGapPx), y,
               side == Side::kLeft ? HAlign::kRight : HAlign::kLeft, VAlign::kMiddle);
    }
  }
}

}  // namespace hyperchunk::plot::internal
