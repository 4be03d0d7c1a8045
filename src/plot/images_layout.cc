// Checking and laying out WriteImagesPng's panels: colour ranges, block averaging, enlargement,
// ticks, and the grid of panels with room for every piece of text.
#include "images_layout.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "axes.h"
#include "canvas.h"

namespace hyperchunk::plot::internal {
namespace {

// Spacing, pixels.
constexpr double kColumnGap = 28;    // between panels side by side
constexpr double kRowGap = 20;       // between rows of panels
constexpr double kColorbarGap = 12;  // image to colour bar
constexpr double kColorbarWidth = 14;
constexpr double kSuptitleGap = 12;

Status CheckAxis(const std::string& what, const ImageAxis& axis, const char* name) {
  if (!std::isfinite(axis.offset) || !std::isfinite(axis.scale) || axis.scale == 0)
    return InvalidArgument(
        fmt::format("{}: {} axis needs a finite offset and a finite non-zero scale, got offset {} "
                    "and scale {}",
                    what, name, axis.offset, axis.scale));
  return Status::Ok();
}

Status CheckPanel(const std::string& what, const ImagePanel& panel) {
  if (panel.width == 0 || panel.height == 0)
    return InvalidArgument(
        fmt::format("{}: the map is {} x {} pixels; it needs at least one", what, panel.width, panel.height));
  if (panel.width > std::numeric_limits<size_t>::max() / panel.height ||
      panel.data.size() != panel.width * panel.height)
    return InvalidArgument(fmt::format("{}: {} values for a {} x {} map (width x height); expected {}", what,
                                       panel.data.size(), panel.width, panel.height, panel.width * panel.height));
  HC_RETURN_IF_ERROR(CheckAxis(what, panel.x_axis, "x"));
  HC_RETURN_IF_ERROR(CheckAxis(what, panel.y_axis, "y"));
  for (const auto& [limit, name] : {std::pair{panel.vmin, "vmin"}, std::pair{panel.vmax, "vmax"}})
    if (limit && !std::isfinite(*limit)) return InvalidArgument(fmt::format("{}: {} is {}", what, name, *limit));
  return Status::Ok();
}

Status CheckOptions(const std::string& path, const ImagesOptions& options) {
  if (options.per_row < 1)
    return InvalidArgument(fmt::format("{}: per_row is {}; it must be >= 1", path, options.per_row));
  if (options.max_panel_pixels < 16 || options.min_panel_pixels > options.max_panel_pixels)
    return InvalidArgument(
        fmt::format("{}: panel sizes need 16 <= max_panel_pixels ({}) and min_panel_pixels ({}) "
                    "<= max_panel_pixels",
                    path, options.max_panel_pixels, options.min_panel_pixels));
  if (!(options.min_aspect > 0 && options.min_aspect <= 1))
    return InvalidArgument(fmt::format("{}: min_aspect is {}; it must be in (0, 1]", path, options.min_aspect));
  return Status::Ok();
}

// The colour range: the given limits, else the finite minimum / maximum; a constant map is widened.
Status ColourRange(const std::string& what, const ImagePanel& panel, PanelLayout& layout) {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (double value : panel.data) {
    if (!std::isfinite(value)) continue;
    lo = std::min(lo, value);
    hi = std::max(hi, value);
  }
  if (lo > hi) lo = hi = 0;  // nothing finite: the map is blank, any range will do
  lo = panel.vmin.value_or(lo);
  hi = panel.vmax.value_or(hi);
  if (lo > hi) return InvalidArgument(fmt::format("{}: the colour range is empty: vmin {} > vmax {}", what, lo, hi));
  if (lo == hi) {
    const double half = lo == 0 ? 1.0 : std::abs(lo) * 0.1;
    lo -= half;
    hi += half;
  }
  layout.vmin = lo;
  layout.vmax = hi;
  return Status::Ok();
}

// Block-averages the map by `block` (NaN-aware: a block of only NaN stays NaN).
void Shrink(const ImagePanel& panel, size_t block, PanelLayout& layout) {
  layout.block = block;
  layout.shown_width = (panel.width + block - 1) / block;
  layout.shown_height = (panel.height + block - 1) / block;
  if (block == 1) {
    layout.shown = panel.data;
    return;
  }
  std::vector<double> sums(layout.shown_width * layout.shown_height, 0.0);
  std::vector<uint32_t> counts(sums.size(), 0);
  for (size_t row = 0; row < panel.height; ++row) {
    const size_t out_row = (row / block) * layout.shown_width;
    for (size_t col = 0; col < panel.width; ++col) {
      const double value = panel.data[row * panel.width + col];
      if (std::isnan(value)) continue;
      sums[out_row + col / block] += value;
      ++counts[out_row + col / block];
    }
  }
  layout.shown.resize(sums.size());
  for (size_t idx = 0; idx < sums.size(); ++idx)
    layout.shown[idx] = counts[idx] > 0 ? sums[idx] / counts[idx] : std::numeric_limits<double>::quiet_NaN();
}

// Picture size of the map: square pixels, enlarged by an integer factor when small, stretched when
// more elongated than min_aspect allows (HyperSpy's aspect='auto').
void ImageSize(const ImagePanel& panel, const ImagesOptions& options, PanelLayout& layout) {
  const size_t longest = std::max(layout.shown_width, layout.shown_height);
  const size_t factor = longest < options.min_panel_pixels ? (options.min_panel_pixels + longest - 1) / longest : 1;
  double w = static_cast<double>(layout.shown_width * factor);
  double h = static_cast<double>(layout.shown_height * factor);
  const double ratio = static_cast<double>(panel.height) / static_cast<double>(panel.width);
  if (ratio < options.min_aspect) h = std::max(1.0, std::round(w * options.min_aspect));
  if (ratio > 1 / options.min_aspect) w = std::max(1.0, std::round(h * options.min_aspect));
  layout.image.w = w;
  layout.image.h = h;
}

std::string AxisLabel(const ImageAxis& axis) {
  if (axis.name.empty() && axis.units.empty()) return "";
  std::string label = axis.name.empty() ? "" : axis.name + " axis";
  if (!axis.units.empty()) label += (label.empty() ? "(" : " (") + axis.units + ")";
  return label;
}

// The space a panel needs around its image: left of it, right of it, above it, below it.
struct Extents {
  double left = 0;
  double right = 0;  // beyond the image's right edge
  double top = 0;
  double bottom = 0;
};

Extents MeasurePanel(cairo_t* cr, const ImagesOptions& options, PanelLayout& layout) {
  Extents extents;
  SetFont(cr, kTickFontPx);
  const double tick_h = LineHeight(cr);
  layout.x_ticks = FitTicks(cr, layout.x_left, layout.x_right, layout.image.w, true);
  layout.y_ticks = FitTicks(cr, layout.y_top, layout.y_bottom, layout.image.h, false);
  const double x_tick_w = WidestLabel(cr, layout.x_ticks);
  extents.left = kTickLengthPx + kTickLabelGapPx + WidestLabel(cr, layout.y_ticks);
  extents.bottom = kTickLengthPx + kTickLabelGapPx + tick_h;
  extents.right = x_tick_w / 2;  // the last x label may reach past the image
  double exponent_row = 0;       // above the image: "×10ⁿ" of the y axis or the colour bar
  if (layout.y_ticks.exponent != 0) exponent_row = tick_h + 4;
  if (layout.x_ticks.exponent != 0) extents.bottom += tick_h + 2;
  if (options.colorbar) {
    layout.colorbar_ticks = FitTicks(cr, layout.vmin, layout.vmax, layout.image.h, false);
    double right =
        kColorbarGap + kColorbarWidth + kTickLengthPx + kTickLabelGapPx + WidestLabel(cr, layout.colorbar_ticks);
    if (layout.colorbar_ticks.exponent != 0) {
      exponent_row = tick_h + 4;
      right = std::max(
          right, kColorbarGap + kColorbarWidth / 2 + TextWidth(cr, ExponentLabel(layout.colorbar_ticks.exponent)) / 2);
    }
    SetFont(cr, kLabelFontPx);
    if (!layout.colorbar_label.empty()) right += kAxisLabelGapPx + LineHeight(cr);
    extents.right = std::max(extents.right, right);
  }
  SetFont(cr, kLabelFontPx);
  const double label_h = LineHeight(cr);
  if (!layout.x_label.empty()) extents.bottom += kAxisLabelGapPx + label_h;
  if (!layout.y_label.empty()) extents.left += kAxisLabelGapPx + label_h;
  SetFont(cr, kTitleFontPx);
  double title_w = 0;
  for (const std::string& line : layout.title_lines) title_w = std::max(title_w, TextWidth(cr, line));
  extents.top = exponent_row;
  if (!layout.title_lines.empty())
    extents.top += static_cast<double>(layout.title_lines.size()) * LineHeight(cr) + kTitleGapPx;
  // A title wider than the image is centred over it and spills to both sides.
  const double spill = std::max(0.0, (title_w - layout.image.w) / 2);
  extents.left = std::max(extents.left, spill);
  extents.right = std::max(extents.right, spill);
  return extents;
}

}  // namespace

Result<ImagesLayout> LayoutImages(const std::string& path, const std::vector<ImagePanel>& panels,
                                  const ImagesOptions& options) {
  if (panels.empty()) return InvalidArgument(fmt::format("{}: no images to draw", path));
  HC_RETURN_IF_ERROR(CheckOptions(path, options));
  HC_ASSIGN_OR_RETURN(Canvas measure, Canvas::ForMeasuring(path));
  cairo_t* cr = measure.cr.get();

  ImagesLayout layout;
  std::vector<Extents> extents;
  for (size_t idx = 0; idx < panels.size(); ++idx) {
    const ImagePanel& panel = panels[idx];
    const std::string what = panel.title.empty() ? fmt::format("{}: image {}", path, idx)
                                                 : fmt::format("{}: image {} (\"{}\")", path, idx, panel.title);
    HC_RETURN_IF_ERROR(CheckPanel(what, panel));
    PanelLayout p;
    HC_RETURN_IF_ERROR(ColourRange(what, panel, p));
    const size_t longest = std::max(panel.width, panel.height);
    Shrink(panel, (longest + options.max_panel_pixels - 1) / options.max_panel_pixels, p);
    ImageSize(panel, options, p);
    p.x_left = panel.x_axis.offset - panel.x_axis.scale / 2;
    p.x_right = panel.x_axis.offset + (static_cast<double>(panel.width) - 0.5) * panel.x_axis.scale;
    p.y_top = panel.y_axis.offset - panel.y_axis.scale / 2;
    p.y_bottom = panel.y_axis.offset + (static_cast<double>(panel.height) - 0.5) * panel.y_axis.scale;
    p.title_lines = WrapText(panel.title, options.label_wrap);
    p.x_label = AxisLabel(panel.x_axis);
    p.y_label = AxisLabel(panel.y_axis);
    p.colorbar_label = panel.colorbar_label;
    extents.push_back(MeasurePanel(cr, options, p));
    layout.panels.push_back(std::move(p));
  }

  // Grid: images of a column share their left edge, images of a row their top edge.
  const size_t per_row = std::min<size_t>(static_cast<size_t>(options.per_row), panels.size());
  const size_t rows = (panels.size() + per_row - 1) / per_row;
  std::vector<double> col_left(per_row, 0), col_rest(per_row, 0), row_top(rows, 0), row_rest(rows, 0);
  for (size_t idx = 0; idx < panels.size(); ++idx) {
    const size_t col = idx % per_row;
    const size_t row = idx / per_row;
    const PanelLayout& p = layout.panels[idx];
    col_left[col] = std::max(col_left[col], std::ceil(extents[idx].left));
    col_rest[col] = std::max(col_rest[col], std::ceil(p.image.w + extents[idx].right));
    row_top[row] = std::max(row_top[row], std::ceil(extents[idx].top));
    row_rest[row] = std::max(row_rest[row], std::ceil(p.image.h + extents[idx].bottom));
  }
  double grid_w = kColumnGap * static_cast<double>(per_row - 1);
  for (size_t col = 0; col < per_row; ++col) grid_w += col_left[col] + col_rest[col];
  double grid_h = kRowGap * static_cast<double>(rows - 1);
  for (size_t row = 0; row < rows; ++row) grid_h += row_top[row] + row_rest[row];

  double top = kMarginPx;
  double width = grid_w + 2 * kMarginPx;
  layout.suptitle = options.suptitle;
  if (!options.suptitle.empty()) {
    SetFont(cr, kSuptitleFontPx, true);
    layout.suptitle_y = kMarginPx;
    top += LineHeight(cr) + kSuptitleGap;
    width = std::max(width, TextWidth(cr, options.suptitle) + 2 * kMarginPx);
  }
  const double grid_x = std::round((width - grid_w) / 2);  // centred under a wide suptitle
  for (size_t idx = 0; idx < panels.size(); ++idx) {
    const size_t col = idx % per_row;
    const size_t row = idx / per_row;
    double x = grid_x;
    for (size_t c = 0; c < col; ++c) x += col_left[c] + col_rest[c] + kColumnGap;
    double y = top;
    for (size_t r = 0; r < row; ++r) y += row_top[r] + row_rest[r] + kRowGap;
    PanelLayout& p = layout.panels[idx];
    p.image.x = x + col_left[col];
    p.image.y = y + row_top[row];
    if (options.colorbar) p.colorbar = {p.image.x + p.image.w + kColorbarGap, p.image.y, kColorbarWidth, p.image.h};
  }
  const double height = top + grid_h + kMarginPx;
  if (width > kMaxPictureSide || height > kMaxPictureSide)
    return InvalidArgument(
        fmt::format("{}: {} images {} to a row make a {:.0f} x {:.0f} picture; the limit is {} on "
                    "a side (use fewer per row)",
                    path, panels.size(), per_row, width, height, kMaxPictureSide));
  layout.width = static_cast<int>(std::ceil(width));
  layout.height = static_cast<int>(std::ceil(height));
  return layout;
}

}  // namespace hyperchunk::plot::internal
