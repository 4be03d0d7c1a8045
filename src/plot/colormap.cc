#include "hyperchunk/plot/colormap.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace hyperchunk::plot {
namespace {

struct ControlPoint {
  double t;
  double rgb[3];  // 0..255
};

// The published viridis colours (van der Walt & Smith, 2015) at these positions, as sRGB hex:
// #440154 #482475 #414487 #3b528b #355f8d #2a788e #21918c #22a884 #44bf70 #5ec962 #7ad151 #bddf26
// #fde725. Between them the map is smooth, so a monotone cubic through them stays within a couple
// of levels of the original 256 colours.
constexpr ControlPoint kViridisPoints[] = {
    {0.00, {68, 1, 84}},    {0.10, {72, 36, 117}},  {0.20, {65, 68, 135}},  {0.25, {59, 82, 139}},
    {0.30, {53, 95, 141}},  {0.40, {42, 120, 142}}, {0.50, {33, 145, 140}}, {0.60, {34, 168, 132}},
    {0.70, {68, 191, 112}}, {0.75, {94, 201, 98}},  {0.80, {122, 209, 81}}, {0.90, {189, 223, 38}},
    {1.00, {253, 231, 37}},
};
constexpr size_t kViridisCount = sizeof(kViridisPoints) / sizeof(kViridisPoints[0]);

// Fritsch-Carlson monotone cubic Hermite interpolation of one channel at `t`.
double MonotoneCubic(size_t channel, double t) {
  auto x = [](size_t i) { return kViridisPoints[i].t; };
  auto y = [channel](size_t i) { return kViridisPoints[i].rgb[channel]; };
  auto secant = [&](size_t i) { return (y(i + 1) - y(i)) / (x(i + 1) - x(i)); };
  auto tangent = [&](size_t i) {
    if (i == 0) return secant(0);
    if (i == kViridisCount - 1) return secant(kViridisCount - 2);
    const double before = secant(i - 1);
    const double after = secant(i);
    if (before * after <= 0) return 0.0;
    // Weighted harmonic mean (Fritsch-Butland): never overshoots the neighbouring points.
    const double h0 = x(i) - x(i - 1);
    const double h1 = x(i + 1) - x(i);
    const double w0 = 2 * h1 + h0;
    const double w1 = h1 + 2 * h0;
    return (w0 + w1) / (w0 / before + w1 / after);
  };
  size_t seg = 0;
  while (seg + 2 < kViridisCount && t > x(seg + 1)) ++seg;
  const double h = x(seg + 1) - x(seg);
  const double s = std::clamp((t - x(seg)) / h, 0.0, 1.0);
  const double s2 = s * s;
  const double s3 = s2 * s;
  return (2 * s3 - 3 * s2 + 1) * y(seg) + (s3 - 2 * s2 + s) * h * tangent(seg) + (-2 * s3 + 3 * s2) * y(seg + 1) +
         (s3 - s2) * h * tangent(seg + 1);
}

uint8_t ToByte(double value) { return static_cast<uint8_t>(std::lround(std::clamp(value, 0.0, 255.0))); }

std::array<Rgb, 256> MakeViridis() {
  std::array<Rgb, 256> table;
  for (size_t idx = 0; idx < table.size(); ++idx) {
    const double t = static_cast<double>(idx) / 255.0;
    table[idx] = {ToByte(MonotoneCubic(0, t)), ToByte(MonotoneCubic(1, t)), ToByte(MonotoneCubic(2, t))};
  }
  return table;
}

std::array<Rgb, 256> MakeGray() {
  std::array<Rgb, 256> table;
  for (size_t idx = 0; idx < table.size(); ++idx) {
    const auto level = static_cast<uint8_t>(idx);
    table[idx] = {level, level, level};
  }
  return table;
}

}  // namespace

const std::array<Rgb, 256>& ColormapTable(Colormap map) {
  static const std::array<Rgb, 256> viridis = MakeViridis();
  static const std::array<Rgb, 256> gray = MakeGray();
  return map == Colormap::kGray ? gray : viridis;
}

Rgb ColormapColor(Colormap map, double t) {
  const auto& table = ColormapTable(map);
  if (!(t > 0)) return table.front();  // also NaN
  if (t >= 1) return table.back();
  return table[std::min<size_t>(255, static_cast<size_t>(t * 256))];
}

}  // namespace hyperchunk::plot
