// WriteLinePlotPng: 1-D results as antialiased lines with nice ticks, legend and span markers.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "axes.h"
#include "canvas.h"
#include "hyperchunk/plot/plot.h"
#include "legend.h"

namespace hyperchunk::plot {
namespace {

using internal::Box;
using internal::DrawText;
using internal::HAlign;
using internal::kAxisLabelGapPx;
using internal::kInk;
using internal::kMarginPx;
using internal::kTickLabelGapPx;
using internal::kTickLengthPx;
using internal::kTitleGapPx;
using internal::SetColor;
using internal::SetFont;
using internal::VAlign;

// Line colours (Tableau's ten) and span colours (the same without the blue of the first line).
constexpr std::array<Rgb, 10> kLineColors = {{{31, 119, 180},
                                              {255, 127, 14},
                                              {44, 160, 44},
                                              {214, 39, 40},
                                              {148, 103, 189},
                                              {140, 86, 75},
                                              {227, 119, 194},
                                              {127, 127, 127},
                                              {188, 189, 34},
                                              {23, 190, 207}}};
constexpr std::array<Rgb, 6> kSpanColors = {
    {{214, 39, 40}, {44, 160, 44}, {148, 103, 189}, {255, 127, 14}, {23, 190, 207}, {227, 119, 194}}};
constexpr Rgb kGridColor{228, 228, 228};
constexpr double kDataMargin = 0.05;  // of the y range, below and above the data (matplotlib's margins)
constexpr double kSpanLabelGapPx = 3;

// The x values of series `idx`.
const std::vector<double>& SeriesX(const LinePlot& plot, size_t idx) {
  return plot.series[idx].x.empty() ? plot.x : plot.series[idx].x;
}

Status CheckPlot(const std::string& path, const LinePlot& plot) {
  if (plot.width < 200 || plot.height < 150 || plot.width > internal::kMaxPictureSide ||
      plot.height > internal::kMaxPictureSide)
    return InvalidArgument(fmt::format("{}: a line plot of {} x {} pixels; it needs 200 x 150 to {} x {}", path,
                                       plot.width, plot.height, internal::kMaxPictureSide, internal::kMaxPictureSide));
  if (plot.series.empty()) return InvalidArgument(fmt::format("{}: no series to draw", path));
  for (size_t idx = 0; idx < plot.series.size(); ++idx) {
    const LineSeries& series = plot.series[idx];
    const std::string what = series.label.empty() ? fmt::format("{}: series {}", path, idx)
                                                  : fmt::format("{}: series {} (\"{}\")", path, idx, series.label);
    if (series.y.empty()) return InvalidArgument(fmt::format("{}: no values", what));
    if (SeriesX(plot, idx).size() != series.y.size())
      return InvalidArgument(
          fmt::format("{}: {} y values but {} x values", what, series.y.size(), SeriesX(plot, idx).size()));
    if (!(series.line_width > 0 && series.line_width <= 50))
      return InvalidArgument(fmt::format("{}: line width {} is not in (0, 50]", what, series.line_width));
  }
  for (const SpanMarker& span : plot.spans)
    if (!std::isfinite(span.left) || !std::isfinite(span.right))
      return InvalidArgument(
          fmt::format("{}: span \"{}\" has bounds {} and {}", path, span.label, span.left, span.right));
  for (const auto& [limit, name] : {std::pair{plot.x_min, "x_min"}, std::pair{plot.x_max, "x_max"},
                                    std::pair{plot.y_min, "y_min"}, std::pair{plot.y_max, "y_max"}})
    if (limit && !std::isfinite(*limit)) return InvalidArgument(fmt::format("{}: {} is {}", path, name, *limit));
  if (plot.x_min && plot.x_max && !(*plot.x_min < *plot.x_max))
    return InvalidArgument(fmt::format("{}: x_min {} must be below x_max {}", path, *plot.x_min, *plot.x_max));
  if (plot.y_min && plot.y_max && !(*plot.y_min < *plot.y_max))
    return InvalidArgument(fmt::format("{}: y_min {} must be below y_max {}", path, *plot.y_min, *plot.y_max));
  return Status::Ok();
}

// [lo, hi] widened when empty: +-10 % of the value, +-1 around 0.
std::pair<double, double> Widen(double lo, double hi) {
  if (lo > hi) return {0, 1};  // no finite data
  if (lo < hi) return {lo, hi};
  const double half = lo == 0 ? 1.0 : std::abs(lo) * 0.1;
  return {lo - half, hi + half};
}

struct Range {
  double lo = 0;
  double hi = 1;
};

Range XRange(const LinePlot& plot) {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (size_t idx = 0; idx < plot.series.size(); ++idx)
    for (double x : SeriesX(plot, idx))
      if (std::isfinite(x)) lo = std::min(lo, x), hi = std::max(hi, x);
  if (plot.x_min) lo = *plot.x_min;
  if (plot.x_max) hi = *plot.x_max;
  auto [a, b] = Widen(lo, hi);
  return {a, b};
}

// The y range of the data inside `x`, with margins; `top_band` (a fraction of the plot's height) is
// kept free above the data for span labels.
Range YRange(const LinePlot& plot, const Range& x, double top_band) {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (size_t idx = 0; idx < plot.series.size(); ++idx) {
    const std::vector<double>& xs = SeriesX(plot, idx);
    const std::vector<double>& ys = plot.series[idx].y;
    for (size_t point = 0; point < ys.size(); ++point)
      if (std::isfinite(ys[point]) && xs[point] >= x.lo && xs[point] <= x.hi)
        lo = std::min(lo, ys[point]), hi = std::max(hi, ys[point]);
  }
  auto [a, b] = Widen(lo, hi);
  const double data_span = b - a;
  const double total = data_span / std::max(0.3, 1 - 2 * kDataMargin - top_band);
  Range range{a - kDataMargin * total, 0};
  range.hi = range.lo + total;
  if (plot.y_min) range.lo = *plot.y_min;
  if (plot.y_max) range.hi = *plot.y_max;
  if (range.lo >= range.hi) range.hi = range.lo + (data_span > 0 ? data_span : 1);
  return range;
}

std::string AxisTitle(const std::string& label, const std::string& units) {
  if (units.empty()) return label;
  return label.empty() ? "(" + units + ")" : label + " (" + units + ")";
}

// A span label placed on the picture.
struct PlacedLabel {
  std::string text;
  Rgb color;
  double center_x = 0;
  int row = 0;
};

// Labels centred over their spans, each on the first row where it overlaps no other label.
std::vector<PlacedLabel> PlaceSpanLabels(cairo_t* cr, const LinePlot& plot, const Box& area, const Range& x,
                                         int* rows) {
  SetFont(cr, internal::kLabelFontPx);
  std::vector<PlacedLabel> labels;
  std::vector<std::vector<std::pair<double, double>>> row_spans;
  std::vector<size_t> order(plot.spans.size());
  for (size_t idx = 0; idx < order.size(); ++idx) order[idx] = idx;
  auto centre = [&](size_t idx) { return (plot.spans[idx].left + plot.spans[idx].right) / 2; };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return centre(a) < centre(b); });
  *rows = 0;
  for (size_t idx : order) {
    const SpanMarker& span = plot.spans[idx];
    if (span.label.empty() || std::max(span.left, span.right) < x.lo || std::min(span.left, span.right) > x.hi)
      continue;
    const double width = internal::TextWidth(cr, span.label);
    double cx = area.x + (centre(idx) - x.lo) / (x.hi - x.lo) * area.w;
    cx = std::clamp(cx, area.x + width / 2 + 2, area.x + area.w - width / 2 - 2);
    const double left = cx - width / 2 - 3;
    const double right = cx + width / 2 + 3;
    size_t row = 0;
    for (; row < row_spans.size(); ++row) {
      const bool free = std::none_of(row_spans[row].begin(), row_spans[row].end(),
                                     [&](const auto& used) { return left < used.second && right > used.first; });
      if (free) break;
    }
    if (row == row_spans.size()) row_spans.emplace_back();
    row_spans[row].emplace_back(left, right);
    labels.push_back(
        {span.label, span.color.value_or(kSpanColors[idx % kSpanColors.size()]), cx, static_cast<int>(row)});
  }
  *rows = static_cast<int>(row_spans.size());
  return labels;
}

Rgb Darker(Rgb c) {
  return {static_cast<uint8_t>(c.r * 0.6), static_cast<uint8_t>(c.g * 0.6), static_cast<uint8_t>(c.b * 0.6)};
}

// Everything WriteLinePlotPng computes before drawing.
struct LineLayout {
  Box area;  // the plotting area inside the frame
  Range x;
  Range y;
  Ticks x_ticks;
  Ticks y_ticks;
  std::vector<PlacedLabel> span_labels;
  double span_label_h = 0;
};

Result<LineLayout> Layout(cairo_t* cr, const std::string& path, const LinePlot& plot) {
  LineLayout layout;
  SetFont(cr, internal::kTickFontPx);
  const double tick_h = internal::LineHeight(cr);
  SetFont(cr, internal::kLabelFontPx);
  const double label_h = internal::LineHeight(cr);
  layout.span_label_h = label_h;
  SetFont(cr, internal::kTitleFontPx, true);
  const double title_h = internal::LineHeight(cr);

  double top = kMarginPx + (plot.title.empty() ? 0 : title_h + kTitleGapPx) + tick_h / 2;
  double bottom = kMarginPx + kTickLengthPx + kTickLabelGapPx + tick_h;
  if (!plot.x_label.empty() || !plot.x_units.empty()) bottom += kAxisLabelGapPx + label_h;
  const double height = plot.height - top - bottom;
  layout.x = XRange(plot);

  // Span labels first (with a rough plot width): the rows they need are kept free above the data.
  const double rough_left = kMarginPx + 60;
  Box rough{rough_left, top, plot.width - rough_left - kMarginPx - 12, height};
  int rows = 0;
  PlaceSpanLabels(cr, plot, rough, layout.x, &rows);
  const double band_px = rows > 0 ? rows * (label_h + 2) + 2 * kSpanLabelGapPx : 0;
  layout.y = YRange(plot, layout.x, height > 0 ? band_px / height : 0);
  SetFont(cr, internal::kTickFontPx);
  layout.y_ticks = internal::FitTicks(cr, layout.y.lo, layout.y.hi, height, false);
  if (layout.y_ticks.exponent != 0) top += tick_h + 2;

  double left = kMarginPx + kTickLengthPx + kTickLabelGapPx + internal::WidestLabel(cr, layout.y_ticks);
  if (!plot.y_label.empty() || !plot.y_units.empty()) left += kAxisLabelGapPx + label_h;
  double right = kMarginPx + 12;  // room for half of a tick label at the right end
  layout.area = {std::ceil(left), std::ceil(top), 0, 0};
  layout.area.w = std::floor(plot.width - right - layout.area.x);
  layout.area.h = std::floor(plot.height - bottom - layout.area.y);
  if (layout.area.w < 60 || layout.area.h < 40)
    return InvalidArgument(
        fmt::format("{}: a {} x {} picture leaves no room to plot in; make it larger", path, plot.width, plot.height));
  layout.x_ticks = internal::FitTicks(cr, layout.x.lo, layout.x.hi, layout.area.w, true);
  if (layout.x_ticks.exponent != 0) {
    layout.area.h -= tick_h + 2;  // "×10ⁿ" under the right end of the axis
  }
  layout.span_labels = PlaceSpanLabels(cr, plot, layout.area, layout.x, &rows);
  return layout;
}

double ToPixelX(const LineLayout& l, double x) { return l.area.x + (x - l.x.lo) / (l.x.hi - l.x.lo) * l.area.w; }
double ToPixelY(const LineLayout& l, double y) { return l.area.y + (l.y.hi - y) / (l.y.hi - l.y.lo) * l.area.h; }

void DrawSpans(cairo_t* cr, const LinePlot& plot, const LineLayout& l) {
  for (size_t idx = 0; idx < plot.spans.size(); ++idx) {
    const SpanMarker& span = plot.spans[idx];
    const Rgb color = span.color.value_or(kSpanColors[idx % kSpanColors.size()]);
    const double a = ToPixelX(l, std::min(span.left, span.right));
    const double b = ToPixelX(l, std::max(span.left, span.right));
    SetColor(cr, color, 0.16);
    cairo_rectangle(cr, a, l.area.y, std::max(b - a, 1.0), l.area.h);
    cairo_fill(cr);
    SetColor(cr, color, 0.55);
    cairo_set_line_width(cr, 1);
    for (double edge : {a, b}) {
      cairo_move_to(cr, internal::Crisp(edge), l.area.y);
      cairo_line_to(cr, internal::Crisp(edge), l.area.y + l.area.h);
    }
    cairo_stroke(cr);
  }
}

void DrawGrid(cairo_t* cr, const LineLayout& l) {
  SetColor(cr, kGridColor);
  cairo_set_line_width(cr, 1);
  for (double value : l.x_ticks.values) {
    const double x = internal::Crisp(ToPixelX(l, value));
    cairo_move_to(cr, x, l.area.y);
    cairo_line_to(cr, x, l.area.y + l.area.h);
  }
  for (double value : l.y_ticks.values) {
    const double y = internal::Crisp(ToPixelY(l, value));
    cairo_move_to(cr, l.area.x, y);
    cairo_line_to(cr, l.area.x + l.area.w, y);
  }
  cairo_stroke(cr);
}

void DrawSeries(cairo_t* cr, const LinePlot& plot, const LineLayout& l) {
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  for (size_t idx = 0; idx < plot.series.size(); ++idx) {
    const LineSeries& series = plot.series[idx];
    const std::vector<double>& xs = SeriesX(plot, idx);
    bool pen_down = false;
    for (size_t point = 0; point < series.y.size(); ++point) {
      if (!std::isfinite(xs[point]) || !std::isfinite(series.y[point])) {
        pen_down = false;
        continue;
      }
      // Far-off values are pulled in so that cairo's fixed-point coordinates never overflow.
      const double px = std::clamp(ToPixelX(l, xs[point]), -1e5, 1e5);
      const double py = std::clamp(ToPixelY(l, series.y[point]), -1e5, 1e5);
      if (pen_down) {
        cairo_line_to(cr, px, py);
      } else {
        cairo_move_to(cr, px, py);
        cairo_line_to(cr, px, py);  // a lone point still shows as a dot (round caps)
      }
      pen_down = true;
    }
    SetColor(cr, series.color.value_or(kLineColors[idx % kLineColors.size()]));
    cairo_set_line_width(cr, series.line_width);
    cairo_stroke(cr);
  }
}

using Points = std::vector<std::pair<double, double>>;

// Pixels along the drawn lines, at most ~4 px apart (and at most ~200k of them), for the legend to
// find the emptiest corner.
Points LinePoints(const LinePlot& plot, const LineLayout& l) {
  Points points;
  constexpr size_t kMaxPoints = 200000;
  for (size_t idx = 0; idx < plot.series.size() && points.size() < kMaxPoints; ++idx) {
    const std::vector<double>& xs = SeriesX(plot, idx);
    const std::vector<double>& ys = plot.series[idx].y;
    bool have_previous = false;
    double px0 = 0;
    double py0 = 0;
    for (size_t point = 0; point < ys.size() && points.size() < kMaxPoints; ++point) {
      if (!std::isfinite(xs[point]) || !std::isfinite(ys[point])) {
        have_previous = false;
        continue;
      }
      const double px = std::clamp(ToPixelX(l, xs[point]), -1e5, 1e5);
      const double py = std::clamp(ToPixelY(l, ys[point]), -1e5, 1e5);
      if (have_previous) {
        const double steps = std::clamp(std::ceil(std::hypot(px - px0, py - py0) / 4), 1.0, 1000.0);
        for (double step = 1; step < steps; ++step)
          points.emplace_back(px0 + step / steps * (px - px0), py0 + step / steps * (py - py0));
      }
      points.emplace_back(px, py);
      px0 = px;
      py0 = py;
      have_previous = true;
    }
  }
  return points;
}

}  // namespace

Status WriteLinePlotPng(const std::string& path, const LinePlot& plot) {
  HC_RETURN_IF_ERROR(CheckPlot(path, plot));
  HC_ASSIGN_OR_RETURN(internal::Canvas canvas, internal::Canvas::Create(plot.width, plot.height, path));
  cairo_t* cr = canvas.cr.get();
  HC_ASSIGN_OR_RETURN(LineLayout l, Layout(cr, path, plot));

  cairo_save(cr);
  cairo_rectangle(cr, l.area.x, l.area.y, l.area.w, l.area.h);
  cairo_clip(cr);
  DrawSpans(cr, plot, l);
  if (plot.grid) DrawGrid(cr, l);
  DrawSeries(cr, plot, l);
  cairo_restore(cr);

  internal::Frame(cr, l.area);
  internal::DrawTicks(cr, l.area, l.x_ticks, l.x.lo, l.x.hi, internal::Side::kBottom);
  internal::DrawTicks(cr, l.area, l.y_ticks, l.y.hi, l.y.lo, internal::Side::kLeft);
  SetFont(cr, internal::kTickFontPx);
  const double tick_h = internal::LineHeight(cr);
  const double y_labels_w = internal::WidestLabel(cr, l.y_ticks);
  SetColor(cr, kInk);
  double below = l.area.y + l.area.h + kTickLengthPx + kTickLabelGapPx + tick_h;
  if (l.x_ticks.exponent != 0) {
    DrawText(cr, ExponentLabel(l.x_ticks.exponent), l.area.x + l.area.w, below + 2, HAlign::kRight, VAlign::kTop);
    below += tick_h + 2;
  }
  if (l.y_ticks.exponent != 0)
    DrawText(cr, ExponentLabel(l.y_ticks.exponent), l.area.x, l.area.y - 4, HAlign::kLeft, VAlign::kBottom);

  SetFont(cr, internal::kLabelFontPx);
  DrawText(cr, AxisTitle(plot.x_label, plot.x_units), l.area.x + l.area.w / 2, below + kAxisLabelGapPx, HAlign::kCenter,
           VAlign::kTop);
  DrawText(cr, AxisTitle(plot.y_label, plot.y_units),
           l.area.x - kTickLengthPx - kTickLabelGapPx - y_labels_w - kAxisLabelGapPx, l.area.y + l.area.h / 2,
           HAlign::kCenter, VAlign::kBottom, -std::numbers::pi / 2);
  for (const PlacedLabel& label : l.span_labels) {
    // On a pale backing, so that grid and span lines do not run through the letters.
    const double y = l.area.y + kSpanLabelGapPx + label.row * (l.span_label_h + 2);
    const double w = internal::TextWidth(cr, label.text);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_rectangle(cr, std::round(label.center_x - w / 2) - 2, y, std::ceil(w) + 4, l.span_label_h);
    cairo_fill(cr);
    SetColor(cr, Darker(label.color));
    DrawText(cr, label.text, label.center_x, y, HAlign::kCenter, VAlign::kTop);
  }
  if (!plot.title.empty()) {
    SetFont(cr, internal::kTitleFontPx, true);
    SetColor(cr, kInk);
    DrawText(cr, plot.title, plot.width / 2.0, kMarginPx, HAlign::kCenter, VAlign::kTop);
  }
  std::vector<internal::LegendEntry> entries;
  for (size_t idx = 0; idx < plot.series.size(); ++idx) {
    const LineSeries& series = plot.series[idx];
    if (!series.label.empty())
      entries.push_back(
          {series.label, series.color.value_or(kLineColors[idx % kLineColors.size()]), series.line_width});
  }
  int rows = 0;
  for (const PlacedLabel& label : l.span_labels) rows = std::max(rows, label.row + 1);
  const double top_reserved = rows > 0 ? rows * (l.span_label_h + 2) + 2 * kSpanLabelGapPx : 0;
  internal::DrawLegend(cr, entries, l.area, top_reserved, entries.empty() ? Points{} : LinePoints(plot, l));

  cairo_surface_flush(canvas.surface.get());
  if (const cairo_status_t status = cairo_status(cr); status != CAIRO_STATUS_SUCCESS)
    return Internal(fmt::format("{}: cannot draw: {}", path, cairo_status_to_string(status)));
  return internal::WritePngAtomically(canvas.surface.get(), path);
}

}  // namespace hyperchunk::plot
