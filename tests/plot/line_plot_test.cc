// WriteLinePlotPng: pictures read back with cairo.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hyperchunk/plot/plot.h"
#include "png_reader.h"

namespace hyperchunk::plot {
namespace {

using testing::Picture;
using testing::ReadPng;
using testing::ScratchDir;

constexpr Rgb kFirstLine{31, 119, 180};
constexpr Rgb kWhite{255, 255, 255};

// A spectrum-like plot: a flat line at 10 over 0.16..19.98 keV.
LinePlot FlatSpectrum() {
  LinePlot plot;
  plot.title = "Sum spectrum";
  plot.x_label = "Energy";
  plot.x_units = "keV";
  plot.y_label = "Intensity";
  LineSeries series;
  for (int channel = 0; channel < 992; ++channel) {
    plot.x.push_back(0.16 + 0.02 * channel);
    series.y.push_back(10);
  }
  series.line_width = 3;  // wide enough that its middle row is the pure line colour
  plot.series.push_back(series);
  return plot;
}

Picture WriteAndRead(const ScratchDir& dir, const LinePlot& plot) {
  const std::string path = dir.File("plot.png");
  const Status status = WriteLinePlotPng(path, plot);
  EXPECT_TRUE(status.ok()) << status.ToString();
  std::optional<Picture> picture = ReadPng(path);
  EXPECT_TRUE(picture.has_value());
  return picture.value_or(Picture{});
}

// Rows holding at least `min_run` pixels of `color`.
std::vector<int> RowsWith(const Picture& picture, Rgb color, int min_run) {
  std::vector<int> rows;
  for (int y = 0; y < picture.height; ++y) {
    int count = 0;
    for (int x = 0; x < picture.width; ++x) count += picture.At(x, y) == color ? 1 : 0;
    if (count >= min_run) rows.push_back(y);
  }
  return rows;
}

TEST(WriteLinePlotPng, DrawsTheLineAcrossThePlot) {
  ScratchDir dir;
  const Picture picture = WriteAndRead(dir, FlatSpectrum());
  ASSERT_EQ(picture.width, 800);
  ASSERT_EQ(picture.height, 500);
  // The flat line is one long run of the first cycle colour, in the middle of the picture.
  const std::vector<int> rows = RowsWith(picture, kFirstLine, 600);
  ASSERT_FALSE(rows.empty());
  EXPECT_GT(rows.front(), 150);
  EXPECT_LT(rows.back(), 350);
  EXPECT_EQ(picture.At(0, 0), kWhite);
  EXPECT_EQ(picture.Alpha(400, 250), 255);
}

TEST(WriteLinePlotPng, SeriesColoursCycleAndCanBeGiven) {
  ScratchDir dir;
  LinePlot plot = FlatSpectrum();
  LineSeries second = plot.series[0];
  for (double& y : second.y) y = 20;
  plot.series.push_back(second);
  LineSeries third = plot.series[0];
  for (double& y : third.y) y = 0;
  third.color = Rgb{10, 200, 10};
  plot.series.push_back(third);
  const Picture picture = WriteAndRead(dir, plot);
  const std::vector<int> first = RowsWith(picture, kFirstLine, 600);
  const std::vector<int> orange = RowsWith(picture, Rgb{255, 127, 14}, 600);
  const std::vector<int> green = RowsWith(picture, Rgb{10, 200, 10}, 600);
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(orange.empty());
  ASSERT_FALSE(green.empty());
  EXPECT_LT(orange.back(), first.front());  // y = 20 is drawn above y = 10
  EXPECT_LT(first.back(), green.front());
}

TEST(WriteLinePlotPng, SpansAreShadedAndLabelled) {
  ScratchDir dir;
  LinePlot plot = FlatSpectrum();
  plot.spans = {{6.27, 6.54, "Fe_Ka", Rgb{200, 0, 0}}, {9.28, 9.61, "Pt_La", {}}};
  const Picture picture = WriteAndRead(dir, plot);
  // Red at 16 % over white: (247, 214, 214).
  const Rgb shade{247, 214, 214};
  EXPECT_GT(picture.Count(shade, 1), 1000u);
  auto count_if = [&](auto predicate) {
    size_t count = 0;
    for (int y = 0; y < picture.height; ++y)
      for (int x = 0; x < picture.width; ++x) count += predicate(picture.At(x, y)) ? 1 : 0;
    return count;
  };
  // The band's left and right edges are drawn as stronger red lines along the plot's height.
  EXPECT_GT(count_if([](Rgb c) { return c.r > 150 && c.r - c.g > 80 && c.g == c.b; }), 300u);
  // The label: dark red text (the span colour at 60 %).
  EXPECT_GT(count_if([](Rgb c) { return c.r > 60 && c.r < 150 && c.g < 40 && c.b < 40; }), 20u);
}

TEST(WriteLinePlotPng, LegendAppearsForLabelledSeries) {
  ScratchDir dir;
  LinePlot plot = FlatSpectrum();
  const Rgb border{200, 200, 200};
  const size_t without = WriteAndRead(dir, plot).Count(border);
  plot.series[0].label = "sum";
  const size_t with = WriteAndRead(dir, plot).Count(border);
  EXPECT_GT(with, without + 100);  // the legend's frame
}

TEST(WriteLinePlotPng, GapsAndOddDataDrawWithoutFailing) {
  ScratchDir dir;
  LinePlot plot = FlatSpectrum();
  plot.series[0].y[100] = std::numeric_limits<double>::quiet_NaN();
  plot.series[0].y[200] = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(RowsWith(WriteAndRead(dir, plot), kFirstLine, 600).empty());
  // A single point, and all-NaN values.
  LinePlot single;
  single.series.push_back({{5}, {1}, "", {}, 1.5});
  WriteAndRead(dir, single);
  LinePlot blank;
  blank.series.push_back({{std::nan(""), std::nan("")}, {1, 2}, "", {}, 1.5});
  WriteAndRead(dir, blank);
  // Huge values use an exponent on the axis.
  LinePlot big = FlatSpectrum();
  for (size_t idx = 0; idx < big.series[0].y.size(); ++idx) big.series[0].y[idx] = 1e7 * static_cast<double>(idx);
  WriteAndRead(dir, big);
}

TEST(WriteLinePlotPng, GivenLimitsAreUsed) {
  ScratchDir dir;
  LinePlot plot = FlatSpectrum();
  plot.y_min = 0;
  plot.y_max = 40;
  // y = 10 is a quarter of the way up from the bottom of the plotting area.
  const std::vector<int> low = RowsWith(WriteAndRead(dir, plot), kFirstLine, 600);
  plot.y_max = 12;
  const std::vector<int> high = RowsWith(WriteAndRead(dir, plot), kFirstLine, 600);
  ASSERT_FALSE(low.empty());
  ASSERT_FALSE(high.empty());
  EXPECT_GT(low.front(), high.front() + 150);
}

TEST(WriteLinePlotPng, BadInputsAndUnwritablePaths) {
  ScratchDir dir;
  const std::string path = dir.File("bad.png");
  auto expect_invalid = [&](const LinePlot& plot, const std::string& part) {
    const Status status = WriteLinePlotPng(path, plot);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
    EXPECT_NE(status.message().find(path), std::string::npos) << status.message();
    EXPECT_NE(status.message().find(part), std::string::npos) << status.message();
  };
  expect_invalid(LinePlot{}, "no series");
  LinePlot mismatch = FlatSpectrum();
  mismatch.series[0].label = "sum";
  mismatch.series[0].y.pop_back();
  expect_invalid(mismatch, "series 0 (\"sum\"): 991 y values but 992 x values");
  LinePlot small = FlatSpectrum();
  small.width = 50;
  expect_invalid(small, "50 x 500");
  LinePlot limits = FlatSpectrum();
  limits.x_min = 5;
  limits.x_max = 5;
  expect_invalid(limits, "x_min 5 must be below x_max 5");
  LinePlot span = FlatSpectrum();
  span.spans.push_back({std::nan(""), 1, "Fe_Ka", {}});
  expect_invalid(span, "Fe_Ka");
  EXPECT_TRUE(dir.Entries().empty());

  const std::string missing = dir.File("missing/plot.png");
  const Status status = WriteLinePlotPng(missing, FlatSpectrum());
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_EQ(status.message(), missing + ": cannot write: No such file or directory");
  EXPECT_TRUE(dir.Entries().empty());
}

}  // namespace
}  // namespace hyperchunk::plot
