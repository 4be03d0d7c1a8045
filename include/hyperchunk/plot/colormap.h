// Colour maps for image panels: viridis (perceptually uniform, the default) and gray.
#pragma once

#include <array>
#include <cstdint>

namespace hyperchunk::plot {

/// An 8-bit sRGB colour.
struct Rgb {
  uint8_t r = 0;
  uint8_t g = 0;
  uint8_t b = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

enum class Colormap {
  kViridis,  ///< dark purple (low) through teal to yellow (high); perceptually uniform
  kGray,     ///< black (low) to white (high)
};

/// The 256 entries of `map`, low to high. Viridis is built once from the published viridis
/// control colours (sRGB at 0, 0.1, ..., 1 and 0.25, 0.75) by monotone cubic interpolation.
const std::array<Rgb, 256>& ColormapTable(Colormap map);

/// The colour of `t` in [0, 1] (clamped): entry floor(256 t) of the table, entry 255 for t = 1,
/// as matplotlib picks a colour for a normalized value.
Rgb ColormapColor(Colormap map, double t);

}  // namespace hyperchunk::plot
