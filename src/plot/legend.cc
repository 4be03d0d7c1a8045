#include "legend.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace hyperchunk::plot::internal {
namespace {

constexpr double kPadPx = 8;        // inside the box
constexpr double kInsetPx = 8;      // box to the plot frame
constexpr double kSwatchPx = 24;    // line sample length
constexpr double kSwatchGapPx = 8;  // line sample to its label
constexpr double kRowGapPx = 3;
constexpr Rgb kBorder{200, 200, 200};

}  // namespace

void DrawLegend(cairo_t* cr, const std::vector<LegendEntry>& entries, const Box& area, double top_reserved,
                const std::vector<std::pair<double, double>>& points) {
  if (entries.empty()) return;
  SetFont(cr, kLabelFontPx);
  const double row_h = LineHeight(cr) + kRowGapPx;
  double text_w = 0;
  for (const LegendEntry& entry : entries) text_w = std::max(text_w, TextWidth(cr, entry.label));
  const double box_w = std::round(2 * kPadPx + kSwatchPx + kSwatchGapPx + text_w);
  const double box_h = std::round(2 * kPadPx + row_h * static_cast<double>(entries.size()) - kRowGapPx);
  const double top = area.y + kInsetPx + top_reserved;
  const double bottom = area.y + area.h - kInsetPx - box_h;
  if (box_w + 2 * kInsetPx > area.w || bottom < top) return;

  const double left = area.x + kInsetPx;
  const double right = area.x + area.w - kInsetPx - box_w;
  const std::array<Box, 4> corners = {{{right, top, box_w, box_h},
                                       {left, top, box_w, box_h},
                                       {right, bottom, box_w, box_h},
                                       {left, bottom, box_w, box_h}}};
  Box best = corners[0];
  size_t best_count = std::numeric_limits<size_t>::max();
  for (const Box& corner : corners) {
    const size_t count = static_cast<size_t>(std::count_if(points.begin(), points.end(), [&](const auto& p) {
      return p.first >= corner.x && p.first <= corner.x + corner.w && p.second >= corner.y &&
             p.second <= corner.y + corner.h;
    }));
    if (count < best_count) best = corner, best_count = count;
  }
  const double x = std::round(best.x) + 0.5;
  const double y = std::round(best.y) + 0.5;
  cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
  cairo_rectangle(cr, x, y, best.w, best.h);
  cairo_fill_preserve(cr);
  SetColor(cr, kBorder);
  cairo_set_line_width(cr, 1);
  cairo_stroke(cr);
  for (size_t idx = 0; idx < entries.size(); ++idx) {
    const double mid = y + kPadPx + row_h * static_cast<double>(idx) + (row_h - kRowGapPx) / 2;
    SetColor(cr, entries[idx].color);
    cairo_set_line_width(cr, std::max(entries[idx].line_width, 2.0));
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_move_to(cr, x + kPadPx, mid);
    cairo_line_to(cr, x + kPadPx + kSwatchPx, mid);
    cairo_stroke(cr);
    SetColor(cr, kInk);
    DrawText(cr, entries[idx].label, x + kPadPx + kSwatchPx + kSwatchGapPx, mid, HAlign::kLeft, VAlign::kMiddle);
  }
}

}  // namespace hyperchunk::plot::internal
