// WriteImagesPng: pictures read back with cairo and checked at the places LayoutImages gives.
#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hyperchunk/plot/plot.h"
#include "plot/images_layout.h"
#include "png_reader.h"

namespace hyperchunk::plot {
namespace {

using testing::Picture;
using testing::ReadPng;
using testing::ScratchDir;

constexpr Rgb kWhite{255, 255, 255};
constexpr Rgb kViridisLow{68, 1, 84};
constexpr Rgb kViridisHigh{253, 231, 37};
const double kNaN = std::numeric_limits<double>::quiet_NaN();

// A width x height map whose value is its index in the data (row-major).
ImagePanel Ramp(size_t width, size_t height, const std::string& title = "ramp") {
  ImagePanel panel;
  panel.width = width;
  panel.height = height;
  panel.title = title;
  for (size_t idx = 0; idx < width * height; ++idx) panel.data.push_back(static_cast<double>(idx));
  return panel;
}

internal::ImagesLayout Layout(const std::vector<ImagePanel>& panels, const ImagesOptions& options = {}) {
  Result<internal::ImagesLayout> layout = internal::LayoutImages("test.png", panels, options);
  EXPECT_TRUE(layout.ok()) << layout.status().ToString();
  return layout.ok() ? *layout : internal::ImagesLayout{};
}

Picture WriteAndRead(const ScratchDir& dir, const std::vector<ImagePanel>& panels, const ImagesOptions& options = {}) {
  const std::string path = dir.File("maps.png");
  const Status status = WriteImagesPng(path, panels, options);
  EXPECT_TRUE(status.ok()) << status.ToString();
  std::optional<Picture> picture = ReadPng(path);
  EXPECT_TRUE(picture.has_value()) << path;
  return picture.value_or(Picture{});
}

// The picture pixel at the centre of map pixel (col, row) of panel `p`.
Rgb MapPixel(const Picture& picture, const internal::PanelLayout& p, size_t col, size_t row) {
  const double x = p.image.x + (static_cast<double>(col) + 0.5) * p.image.w / static_cast<double>(p.shown_width);
  const double y = p.image.y + (static_cast<double>(row) + 0.5) * p.image.h / static_cast<double>(p.shown_height);
  return picture.At(static_cast<int>(x), static_cast<int>(y));
}

TEST(WriteImagesPng, SmallMapIsEnlargedWithItsColoursIntact) {
  ScratchDir dir;
  const std::vector<ImagePanel> panels = {Ramp(10, 10)};
  const internal::ImagesLayout layout = Layout(panels);
  const Picture picture = WriteAndRead(dir, panels);
  ASSERT_EQ(picture.width, layout.width);
  ASSERT_EQ(picture.height, layout.height);
  const internal::PanelLayout& p = layout.panels[0];
  EXPECT_EQ(p.image.w, 260);  // 10 px enlarged 26 times: at least 256
  EXPECT_EQ(p.image.h, 260);
  EXPECT_EQ(p.block, 1u);
  EXPECT_EQ(MapPixel(picture, p, 0, 0), kViridisLow);
  EXPECT_EQ(MapPixel(picture, p, 9, 9), kViridisHigh);  // the maximum: viridis' yellow end
  for (size_t row = 0; row < 10; ++row)
    for (size_t col = 0; col < 10; ++col)
      EXPECT_EQ(MapPixel(picture, p, col, row),
                ColormapColor(Colormap::kViridis, static_cast<double>(row * 10 + col) / 99))
          << col << "," << row;
  // Nearest neighbour: a whole 26 x 26 block has one colour, up to its edges.
  const int x0 = static_cast<int>(p.image.x) + 26 * 4;
  const int y0 = static_cast<int>(p.image.y) + 26 * 7;
  for (int dy = 0; dy < 26; ++dy)
    for (int dx = 0; dx < 26; ++dx) ASSERT_EQ(picture.At(x0 + dx, y0 + dy), MapPixel(picture, p, 4, 7));
  // Every pixel is opaque, the corners are the white background.
  EXPECT_EQ(picture.Alpha(0, 0), 255);
  EXPECT_EQ(picture.At(0, 0), kWhite);
  EXPECT_EQ(picture.At(picture.width - 1, picture.height - 1), kWhite);
}

TEST(WriteImagesPng, ColourBarRunsFromLowAtTheBottomToHighAtTheTop) {
  ScratchDir dir;
  const std::vector<ImagePanel> panels = {Ramp(10, 10)};
  const internal::ImagesLayout layout = Layout(panels);
  const Picture picture = WriteAndRead(dir, panels);
  const internal::Box& bar = layout.panels[0].colorbar;
  ASSERT_GT(bar.w, 0);
  const int x = static_cast<int>(bar.x + bar.w / 2);
  EXPECT_EQ(picture.At(x, static_cast<int>(bar.y)), kViridisHigh);
  EXPECT_EQ(picture.At(x, static_cast<int>(bar.y + bar.h - 1)), kViridisLow);
  EXPECT_FALSE(layout.panels[0].colorbar_ticks.values.empty());
  // Without a colour bar there is no box for it, and the picture is narrower.
  ImagesOptions options;
  options.colorbar = false;
  const internal::ImagesLayout bare = Layout(panels, options);
  EXPECT_EQ(bare.panels[0].colorbar.w, 0);
  EXPECT_LT(bare.width, layout.width);
}

TEST(WriteImagesPng, NanPixelsShowTheBackground) {
  ScratchDir dir;
  ImagePanel panel = Ramp(12, 8);
  panel.data[3 * 12 + 5] = kNaN;
  const internal::ImagesLayout layout = Layout({panel});
  const Picture picture = WriteAndRead(dir, {panel});
  const internal::PanelLayout& p = layout.panels[0];
  EXPECT_EQ(MapPixel(picture, p, 5, 3), kWhite);
  EXPECT_EQ(MapPixel(picture, p, 6, 3), ColormapColor(Colormap::kViridis, (3 * 12 + 6) / 95.0));
  // NaN is ignored for the colour range: the last pixel is still the maximum.
  EXPECT_EQ(MapPixel(picture, p, 11, 7), kViridisHigh);
}

TEST(WriteImagesPng, AllNanMapIsBlank) {
  ScratchDir dir;
  ImagePanel panel = Ramp(6, 6);
  for (double& value : panel.data) value = kNaN;
  const internal::ImagesLayout layout = Layout({panel});
  const Picture picture = WriteAndRead(dir, {panel});
  const internal::PanelLayout& p = layout.panels[0];
  for (size_t row = 0; row < 6; ++row)
    for (size_t col = 0; col < 6; ++col) EXPECT_EQ(MapPixel(picture, p, col, row), kWhite);
}

TEST(WriteImagesPng, ConstantMapIsShownMidRange) {
  ScratchDir dir;
  ImagePanel panel = Ramp(5, 5);
  for (double& value : panel.data) value = 7.5;
  const internal::ImagesLayout layout = Layout({panel});
  const internal::PanelLayout& p = layout.panels[0];
  EXPECT_DOUBLE_EQ(p.vmin, 6.75);
  EXPECT_DOUBLE_EQ(p.vmax, 8.25);
  const Picture picture = WriteAndRead(dir, {panel});
  EXPECT_EQ(MapPixel(picture, p, 2, 2), ColormapColor(Colormap::kViridis, 0.5));
  // Zero everywhere: +-1.
  for (double& value : panel.data) value = 0;
  EXPECT_DOUBLE_EQ(Layout({panel}).panels[0].vmin, -1);
}

TEST(WriteImagesPng, GivenColourRangeClipsOutsideValues) {
  ScratchDir dir;
  ImagePanel panel = Ramp(10, 10);
  panel.vmin = 20;
  panel.vmax = 50;
  const internal::ImagesLayout layout = Layout({panel});
  const Picture picture = WriteAndRead(dir, {panel});
  const internal::PanelLayout& p = layout.panels[0];
  EXPECT_EQ(MapPixel(picture, p, 5, 0), kViridisLow);   // 5 < vmin
  EXPECT_EQ(MapPixel(picture, p, 0, 8), kViridisHigh);  // 80 > vmax
  EXPECT_EQ(MapPixel(picture, p, 5, 3), ColormapColor(Colormap::kViridis, 15.0 / 30));
}

TEST(WriteImagesPng, GrayColourMap) {
  ScratchDir dir;
  ImagesOptions options;
  options.colormap = Colormap::kGray;
  const std::vector<ImagePanel> panels = {Ramp(4, 4)};
  const internal::ImagesLayout layout = Layout(panels, options);
  const Picture picture = WriteAndRead(dir, panels, options);
  EXPECT_EQ(MapPixel(picture, layout.panels[0], 0, 0), (Rgb{0, 0, 0}));
  EXPECT_EQ(MapPixel(picture, layout.panels[0], 3, 3), kWhite);
}

TEST(WriteImagesPng, LargeMapIsBlockAveraged) {
  ScratchDir dir;
  ImagePanel panel;
  panel.width = 2000;
  panel.height = 1500;
  panel.data.resize(panel.width * panel.height);
  for (size_t row = 0; row < panel.height; ++row)
    for (size_t col = 0; col < panel.width; ++col) panel.data[row * panel.width + col] = static_cast<double>(col);
  panel.data[0] = kNaN;  // averaged over the other three pixels of its block
  const internal::ImagesLayout layout = Layout({panel});
  const internal::PanelLayout& p = layout.panels[0];
  EXPECT_EQ(p.block, 2u);
  EXPECT_EQ(p.shown_width, 1000u);
  EXPECT_EQ(p.shown_height, 750u);
  EXPECT_EQ(p.image.w, 1000);
  EXPECT_EQ(p.image.h, 750);
  EXPECT_DOUBLE_EQ(p.shown[0], 2.0 / 3);
  EXPECT_DOUBLE_EQ(p.shown[1], 2.5);
  EXPECT_DOUBLE_EQ(p.shown[1000 + 999], 1998.5);
  const Picture picture = WriteAndRead(dir, {panel});
  EXPECT_EQ(MapPixel(picture, p, 999, 500), kViridisHigh);
  EXPECT_EQ(MapPixel(picture, p, 400, 10), ColormapColor(Colormap::kViridis, 800.5 / 1999));
  // The calibrated extent is the whole map's.
  EXPECT_DOUBLE_EQ(p.x_right, 1999.5);
}

TEST(WriteImagesPng, ElongatedMapIsStretchedToTheMinimumAspect) {
  const internal::ImagesLayout layout = Layout({Ramp(300, 6)});
  EXPECT_EQ(layout.panels[0].image.w, 300);
  EXPECT_EQ(layout.panels[0].image.h, 30);  // 1 : 10, as HyperSpy's min_asp = 0.1
}

TEST(WriteImagesPng, PanelsFollowPerRow) {
  const std::vector<ImagePanel> four = {Ramp(20, 20, "a"), Ramp(20, 20, "b"), Ramp(20, 20, "c"), Ramp(20, 20, "d")};
  const internal::ImagesLayout layout = Layout(four);
  ASSERT_EQ(layout.panels.size(), 4u);
  const auto& p = layout.panels;
  EXPECT_EQ(p[0].image.y, p[1].image.y);
  EXPECT_EQ(p[1].image.y, p[2].image.y);
  EXPECT_LT(p[0].image.x + p[0].image.w, p[1].image.x);
  EXPECT_LT(p[1].colorbar.x + p[1].colorbar.w, p[2].image.x);
  EXPECT_EQ(p[3].image.x, p[0].image.x);  // second row, first column
  EXPECT_GT(p[3].image.y, p[0].image.y + p[0].image.h);
  ImagesOptions two;
  two.per_row = 2;
  const internal::ImagesLayout grid = Layout(four, two);
  EXPECT_EQ(grid.panels[2].image.x, grid.panels[0].image.x);
  EXPECT_LT(grid.width, layout.width);
}

TEST(WriteImagesPng, TitlesAxesAndSuptitleAreWrittenAboveAndBelow) {
  ScratchDir dir;
  ImagePanel panel = Ramp(16, 16, "X-ray line intensity of EDS TEM Spectrum: Fe_Ka at 6.40 keV");
  panel.x_axis = {0, 2.5, "x", "nm"};
  panel.y_axis = {10, 2.5, "y", "nm"};
  ImagesOptions options;
  options.suptitle = "Element maps";
  const internal::ImagesLayout layout = Layout({panel}, options);
  const internal::PanelLayout& p = layout.panels[0];
  EXPECT_EQ(p.title_lines.size(), 3u);
  EXPECT_EQ(p.x_label, "x axis (nm)");
  EXPECT_EQ(p.y_label, "y axis (nm)");
  EXPECT_DOUBLE_EQ(p.x_left, -1.25);
  EXPECT_DOUBLE_EQ(p.y_bottom, 10 + 15.5 * 2.5);
  const Picture picture = WriteAndRead(dir, {panel}, options);
  // Dark text pixels in the title band above the image and in the label band below the ticks.
  auto dark_in = [&](int y0, int y1) {
    size_t count = 0;
    for (int y = std::max(0, y0); y < std::min(picture.height, y1); ++y)
      for (int x = 0; x < picture.width; ++x) {
        const Rgb c = picture.At(x, y);
        count += (c.r < 100 && c.g < 100 && c.b < 100) ? 1 : 0;
      }
    return count;
  };
  EXPECT_GT(dark_in(0, static_cast<int>(p.image.y) - 2), 200u);
  EXPECT_GT(dark_in(static_cast<int>(p.image.y + p.image.h) + 2, picture.height), 100u);
}

TEST(WriteImagesPng, ReplacesAnExistingFileWithOrdinaryPermissions) {
  ScratchDir dir;
  const std::string path = dir.File("out.png");
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("old", f);
    std::fclose(f);
  }
  ASSERT_TRUE(WriteImagesPng(path, {Ramp(3, 3)}, {}).ok());
  EXPECT_TRUE(ReadPng(path).has_value());
  EXPECT_EQ(dir.Entries(), std::vector<std::string>{"out.png"});  // no temporary file left
  struct stat info {};
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_NE(info.st_mode & S_IRUSR, 0u);
  EXPECT_NE(info.st_mode & S_IRGRP, 0u);  // not mkstemp's 0600
}

TEST(WriteImagesPng, UnwritablePathFailsAndLeavesNothing) {
  ScratchDir dir;
  const std::string missing = dir.File("no_such_folder/out.png");
  Status status = WriteImagesPng(missing, {Ramp(3, 3)}, {});
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_EQ(status.message(), missing + ": cannot write: No such file or directory");
  // The target is a folder: the rename fails, and the temporary file is removed.
  std::filesystem::create_directory(dir.path() / "taken.png");
  const std::string folder = dir.File("taken.png");
  status = WriteImagesPng(folder, {Ramp(3, 3)}, {});
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_EQ(status.message().rfind(folder + ": cannot write: ", 0), 0u) << status.message();
  EXPECT_EQ(dir.Entries(), std::vector<std::string>{"taken.png"});
  EXPECT_TRUE(std::filesystem::is_empty(dir.path() / "taken.png"));
}

TEST(WriteImagesPng, BadInputsAreInvalidArguments) {
  ScratchDir dir;
  const std::string path = dir.File("bad.png");
  auto expect_invalid = [&](const std::vector<ImagePanel>& panels, const ImagesOptions& options,
                            const std::string& part) {
    const Status status = WriteImagesPng(path, panels, options);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
    EXPECT_NE(status.message().find(path), std::string::npos) << status.message();
    EXPECT_NE(status.message().find(part), std::string::npos) << status.message();
  };
  expect_invalid({}, {}, "no images");
  ImagePanel short_data = Ramp(4, 4, "Fe_Ka");
  short_data.data.pop_back();
  expect_invalid({Ramp(2, 2), short_data}, {}, "image 1 (\"Fe_Ka\"): 15 values for a 4 x 4 map");
  ImagePanel empty = Ramp(0, 3);
  expect_invalid({empty}, {}, "0 x 3");
  ImagePanel flat = Ramp(3, 3);
  flat.x_axis.scale = 0;
  expect_invalid({flat}, {}, "non-zero scale");
  ImagePanel range = Ramp(3, 3);
  range.vmin = 5;
  range.vmax = 1;
  expect_invalid({range}, {}, "vmin 5 > vmax 1");
  ImagePanel inf = Ramp(3, 3);
  inf.vmax = std::numeric_limits<double>::infinity();
  expect_invalid({inf}, {}, "vmax is inf");
  ImagesOptions zero_per_row;
  zero_per_row.per_row = 0;
  expect_invalid({Ramp(3, 3)}, zero_per_row, "per_row");
  ImagesOptions too_wide;
  too_wide.per_row = 40;
  expect_invalid(std::vector<ImagePanel>(40, Ramp(1024, 4)), too_wide, "use fewer per row");
  EXPECT_TRUE(dir.Entries().empty());
}

}  // namespace
}  // namespace hyperchunk::plot
