// The thin layer over cairo that the plot module draws with: RAII handles, fonts, aligned text,
// and the atomic PNG writer. Internal to src/plot.
#pragma once

#include <memory>
#include <string>

#include <cairo/cairo.h>

#include "hyperchunk/core/status.h"
#include "hyperchunk/plot/colormap.h"

namespace hyperchunk::plot::internal {

struct SurfaceDeleter {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct ContextDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using ContextPtr = std::unique_ptr<cairo_t, ContextDeleter>;

/// Font sizes in pixels (the pictures are meant to be seen at 1:1).
inline constexpr double kTickFontPx = 11;
inline constexpr double kLabelFontPx = 12;
inline constexpr double kTitleFontPx = 14;
inline constexpr double kSuptitleFontPx = 18;

/// An axis-aligned rectangle in picture pixels; x grows to the right, y downwards.
struct Box {
  double x = 0;
  double y = 0;
  double w = 0;
  double h = 0;
};

/// Spacing shared by the pictures, pixels.
inline constexpr double kMarginPx = 16;       ///< around a picture
inline constexpr double kTickLengthPx = 4;    ///< tick marks, outside the frame
inline constexpr double kTickLabelGapPx = 3;  ///< tick end to its label
inline constexpr double kAxisLabelGapPx = 6;  ///< tick labels to the axis label
inline constexpr double kTitleGapPx = 8;      ///< title to what it is the title of

/// Colours of text and of frames and ticks.
inline constexpr Rgb kInk{34, 34, 34};
inline constexpr Rgb kFrameColor{60, 60, 60};

/// The largest picture side cairo's image surfaces accept.
inline constexpr int kMaxPictureSide = 32767;

/// An ARGB32 picture and its drawing context, with the project's font options (grey antialiasing,
/// slight hinting) and "DejaVu Sans" selected.
struct Canvas {
  SurfacePtr surface;
  ContextPtr cr;

  /// A `width` x `height` canvas filled with white. `what` names the output in errors.
  static Result<Canvas> Create(int width, int height, const std::string& what);
  /// A 1 x 1 canvas to measure text with, before the picture's size is known.
  static Result<Canvas> ForMeasuring(const std::string& what);
};

void SetFont(cairo_t* cr, double size_px, bool bold = false);
/// Advance width of `text` in the current font, pixels.
double TextWidth(cairo_t* cr, const std::string& text);
/// Ascent + descent of the current font: the height of one line of text, pixels.
double LineHeight(cairo_t* cr);

enum class HAlign { kLeft, kCenter, kRight };
enum class VAlign { kTop, kMiddle, kBottom };  ///< of the font's ascent..descent box

/// Draws `text` anchored at (x, y); `angle` (radians) rotates it about the anchor, e.g. -pi/2 for a
/// y-axis label reading upwards.
void DrawText(cairo_t* cr, const std::string& text, double x, double y, HAlign h, VAlign v, double angle = 0);

void SetColor(cairo_t* cr, Rgb color, double alpha = 1);

/// A tick label with its ASCII minus turned into U+2212, as typeset text shows negative numbers.
std::string TypesetNumber(const std::string& label);

/// Writes `surface` as PNG to a temporary file beside `path`, then renames it onto `path`. On any
/// failure the temporary file is removed and the error reads "<path>: cannot write: <why>".
Status WritePngAtomically(cairo_surface_t* surface, const std::string& path);

}  // namespace hyperchunk::plot::internal
