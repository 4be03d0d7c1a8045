#include "hyperchunk/plot/colormap.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include <gtest/gtest.h>

namespace hyperchunk::plot {
namespace {

int MaxChannelDifference(Rgb a, Rgb b) {
  return std::max({std::abs(a.r - b.r), std::abs(a.g - b.g), std::abs(a.b - b.b)});
}

// Relative luminance of an sRGB colour (0..1).
double Luminance(Rgb c) {
  auto linear = [](uint8_t v) {
    const double s = v / 255.0;
    return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b);
}

TEST(Viridis, EndsAreTheDarkPurpleAndTheYellow) {
  const auto& table = ColormapTable(Colormap::kViridis);
  EXPECT_EQ(table.front(), (Rgb{68, 1, 84}));    // #440154
  EXPECT_EQ(table.back(), (Rgb{253, 231, 37}));  // #fde725
}

TEST(Viridis, PassesThroughThePublishedColours) {
  const auto& table = ColormapTable(Colormap::kViridis);
  struct Known {
    double t;
    Rgb rgb;
  };
  const Known known[] = {
      {0.25, {59, 82, 139}}, {0.5, {33, 145, 140}}, {0.75, {94, 201, 98}}, {0.1, {72, 36, 117}}, {0.9, {189, 223, 38}}};
  for (const Known& k : known) {
    const auto idx = static_cast<size_t>(std::lround(k.t * 255));
    EXPECT_LE(MaxChannelDifference(table[idx], k.rgb), 2) << "t=" << k.t;
  }
}

TEST(Viridis, IsSmoothAndGetsLighterAllTheWay) {
  const auto& table = ColormapTable(Colormap::kViridis);
  for (size_t idx = 1; idx < table.size(); ++idx) {
    EXPECT_LE(MaxChannelDifference(table[idx - 1], table[idx]), 4) << idx;
    // Rounding to 8 bits may give back a hair of luminance (one level of green), never more.
    EXPECT_GT(Luminance(table[idx]), Luminance(table[idx - 1]) - 5e-4) << idx;
    if (idx >= 4) {
      EXPECT_GT(Luminance(table[idx]), Luminance(table[idx - 4])) << idx;
    }
  }
  EXPECT_GT(Luminance(table.back()), 10 * Luminance(table.front()));
}

TEST(Gray, IsALinearRamp) {
  const auto& table = ColormapTable(Colormap::kGray);
  for (size_t idx = 0; idx < table.size(); ++idx) {
    const auto level = static_cast<uint8_t>(idx);
    EXPECT_EQ(table[idx], (Rgb{level, level, level}));
  }
}

TEST(ColormapColor, PicksEntriesAsMatplotlibDoes) {
  const auto& table = ColormapTable(Colormap::kViridis);
  EXPECT_EQ(ColormapColor(Colormap::kViridis, 0), table[0]);
  EXPECT_EQ(ColormapColor(Colormap::kViridis, 1), table[255]);
  EXPECT_EQ(ColormapColor(Colormap::kViridis, 0.5), table[128]);
  EXPECT_EQ(ColormapColor(Colormap::kViridis, 0.999), table[255]);
  EXPECT_EQ(ColormapColor(Colormap::kViridis, 1.0 / 256), table[1]);
  EXPECT_EQ(ColormapColor(Colormap::kViridis, -3), table[0]);
  EXPECT_EQ(ColormapColor(Colormap::kViridis, 7), table[255]);
  EXPECT_EQ(ColormapColor(Colormap::kViridis, std::numeric_limits<double>::quiet_NaN()), table[0]);
  EXPECT_EQ(ColormapColor(Colormap::kGray, 0.5), (Rgb{128, 128, 128}));
}

}  // namespace
}  // namespace hyperchunk::plot
