// WriteImagesPng: draws the panels LayoutImages placed.
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "axes.h"
#include "canvas.h"
#include "hyperchunk/plot/plot.h"
#include "images_layout.h"

namespace hyperchunk::plot {
namespace {

using internal::Box;
using internal::DrawText;
using internal::DrawTicks;
using internal::Frame;
using internal::HAlign;
using internal::PanelLayout;
using internal::SetColor;
using internal::SetFont;
using internal::Side;
using internal::VAlign;

using internal::kAxisLabelGapPx;
using internal::kFrameColor;
using internal::kInk;
using internal::kTickLabelGapPx;
using internal::kTickLengthPx;
using internal::kTitleGapPx;

// An ARGB32 surface of `values` in `map` over [vmin, vmax]; NaN pixels are fully transparent.
internal::SurfacePtr ColourSurface(const std::vector<double>& values, size_t width, size_t height, double vmin,
                                   double vmax, Colormap map) {
  internal::SurfacePtr surface(
      cairo_image_surface_create(CAIRO_FORMAT_ARGB32, static_cast<int>(width), static_cast<int>(height)));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) return surface;
  cairo_surface_flush(surface.get());
  unsigned char* pixels = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  for (size_t row = 0; row < height; ++row) {
    auto* line = reinterpret_cast<uint32_t*>(pixels + static_cast<ptrdiff_t>(row) * stride);
    for (size_t col = 0; col < width; ++col) {
      const double value = values[row * width + col];
      if (std::isnan(value)) {
        line[col] = 0;
        continue;
      }
      const Rgb c = ColormapColor(map, (value - vmin) / (vmax - vmin));
      line[col] = 0xFF000000u | (uint32_t{c.r} << 16) | (uint32_t{c.g} << 8) | uint32_t{c.b};
    }
  }
  cairo_surface_mark_dirty(surface.get());
  return surface;
}

// Paints `source` (pixels) stretched over `box` without smoothing.
void PaintNearest(cairo_t* cr, cairo_surface_t* source, size_t width, size_t height, const Box& box) {
  cairo_save(cr);
  cairo_rectangle(cr, box.x, box.y, box.w, box.h);
  cairo_clip(cr);
  cairo_translate(cr, box.x, box.y);
  cairo_scale(cr, box.w / static_cast<double>(width), box.h / static_cast<double>(height));
  cairo_set_source_surface(cr, source, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
  cairo_paint(cr);
  cairo_restore(cr);
}

void DrawColorbar(cairo_t* cr, const PanelLayout& p, Colormap map) {
  const Box& bar = p.colorbar;
  std::vector<double> ramp(256);
  for (size_t idx = 0; idx < ramp.size(); ++idx) ramp[idx] = static_cast<double>(255 - idx);  // top is high
  internal::SurfacePtr strip = ColourSurface(ramp, 1, ramp.size(), 0, 255, map);
  PaintNearest(cr, strip.get(), 1, ramp.size(), bar);
  Frame(cr, bar);
  DrawTicks(cr, bar, p.colorbar_ticks, p.vmax, p.vmin, Side::kRight);
  SetColor(cr, kInk);
  if (p.colorbar_ticks.exponent != 0) {
    DrawText(cr, ExponentLabel(p.colorbar_ticks.exponent), bar.x + bar.w / 2, bar.y - 4, HAlign::kCenter,
             VAlign::kBottom);
  }
  if (!p.colorbar_label.empty()) {
    const double labels_right =
        bar.x + bar.w + kTickLengthPx + kTickLabelGapPx + internal::WidestLabel(cr, p.colorbar_ticks);
    SetFont(cr, internal::kLabelFontPx);
    DrawText(cr, p.colorbar_label, labels_right + kAxisLabelGapPx, bar.y + bar.h / 2, HAlign::kCenter, VAlign::kTop,
             -std::numbers::pi / 2);
  }
}

void DrawPanel(cairo_t* cr, const PanelLayout& p, const ImagesOptions& options) {
  const Box& img = p.image;
  internal::SurfacePtr pixels = ColourSurface(p.shown, p.shown_width, p.shown_height, p.vmin, p.vmax, options.colormap);
  PaintNearest(cr, pixels.get(), p.shown_width, p.shown_height, img);
  Frame(cr, img);
  DrawTicks(cr, img, p.x_ticks, p.x_left, p.x_right, Side::kBottom);
  DrawTicks(cr, img, p.y_ticks, p.y_top, p.y_bottom, Side::kLeft);

  SetFont(cr, internal::kTickFontPx);
  const double tick_h = internal::LineHeight(cr);
  const double y_labels_w = internal::WidestLabel(cr, p.y_ticks);
  SetColor(cr, kInk);
  double below = img.y + img.h + kTickLengthPx + kTickLabelGapPx + tick_h;
  if (p.x_ticks.exponent != 0) {
    DrawText(cr, ExponentLabel(p.x_ticks.exponent), img.x + img.w, below + 2, HAlign::kRight, VAlign::kTop);
    below += tick_h + 2;
  }
  if (p.y_ticks.exponent != 0)
    DrawText(cr, ExponentLabel(p.y_ticks.exponent), img.x, img.y - 4, HAlign::kCenter, VAlign::kBottom);

  SetFont(cr, internal::kLabelFontPx);
  DrawText(cr, p.x_label, img.x + img.w / 2, below + kAxisLabelGapPx, HAlign::kCenter, VAlign::kTop);
  const double y_label_x = img.x - kTickLengthPx - kTickLabelGapPx - y_labels_w - kAxisLabelGapPx;
  DrawText(cr, p.y_label, y_label_x, img.y + img.h / 2, HAlign::kCenter, VAlign::kBottom, -std::numbers::pi / 2);

  SetFont(cr, internal::kTitleFontPx);
  const double line_h = internal::LineHeight(cr);
  double title_y = img.y - kTitleGapPx - line_h * static_cast<double>(p.title_lines.size());
  if (p.y_ticks.exponent != 0 || p.colorbar_ticks.exponent != 0) title_y -= tick_h + 4;
  for (const std::string& line : p.title_lines) {
    DrawText(cr, line, img.x + img.w / 2, title_y, HAlign::kCenter, VAlign::kTop);
    title_y += line_h;
  }
  if (options.colorbar) DrawColorbar(cr, p, options.colormap);
}

}  // namespace

Status WriteImagesPng(const std::string& path, const std::vector<ImagePanel>& panels, const ImagesOptions& options) {
  HC_ASSIGN_OR_RETURN(internal::ImagesLayout layout, internal::LayoutImages(path, panels, options));
  HC_ASSIGN_OR_RETURN(internal::Canvas canvas, internal::Canvas::Create(layout.width, layout.height, path));
  cairo_t* cr = canvas.cr.get();
  if (!layout.suptitle.empty()) {
    SetFont(cr, internal::kSuptitleFontPx, true);
    SetColor(cr, kInk);
    DrawText(cr, layout.suptitle, layout.width / 2.0, layout.suptitle_y, HAlign::kCenter, VAlign::kTop);
  }
  for (const PanelLayout& panel : layout.panels) DrawPanel(cr, panel, options);
  cairo_surface_flush(canvas.surface.get());
  if (const cairo_status_t status = cairo_status(cr); status != CAIRO_STATUS_SUCCESS)
    return Internal(fmt::format("{}: cannot draw: {}", path, cairo_status_to_string(status)));
  return internal::WritePngAtomically(canvas.surface.get(), path);
}

}  // namespace hyperchunk::plot
