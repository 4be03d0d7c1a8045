// Writes example pictures for review: two element maps side by side, a spectrum with integration
// windows, and a few harder cases (NaN, constant, small and large maps, many series).
//
//   build/tests/plot/plot_examples [folder]     (default /tmp/plot_examples)
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <numbers>
#include <string>
#include <vector>

#include "hyperchunk/plot/plot.h"

namespace {

using hyperchunk::Status;
namespace plot = hyperchunk::plot;

double Gauss(double x, double centre, double sigma) {
  return std::exp(-0.5 * (x - centre) * (x - centre) / (sigma * sigma));
}

// A map of particles on a matrix: value of element `which` (0: matrix, 1: particles).
plot::ImagePanel ElementMap(size_t width, size_t height, int which, const std::string& title) {
  plot::ImagePanel panel;
  panel.width = width;
  panel.height = height;
  panel.title = title;
  panel.x_axis = {0, 2.5, "x", "nm"};
  panel.y_axis = {0, 2.5, "y", "nm"};
  const double cx[] = {0.25, 0.7, 0.45, 0.8};
  const double cy[] = {0.3, 0.25, 0.7, 0.75};
  for (size_t row = 0; row < height; ++row) {
    for (size_t col = 0; col < width; ++col) {
      double particle = 0;
      for (int p = 0; p < 4; ++p)
        particle += Gauss(static_cast<double>(col) / static_cast<double>(width), cx[p], 0.07) *
                    Gauss(static_cast<double>(row) / static_cast<double>(height), cy[p], 0.07);
      // Deterministic pixel noise of +-5 % (a hash of the position).
      uint64_t hash = (row * 73856093u) ^ (col * 19349663u) ^ static_cast<uint64_t>(which) * 83492791u;
      hash = (hash ^ (hash >> 13)) * 0x9E3779B97F4A7C15u;
      const double noise = 0.1 * (static_cast<double>(hash >> 40) / static_cast<double>(1u << 24) - 0.5);
      const double value = which == 0 ? 3000 * (1 - 0.8 * particle) : 9000 * particle + 200;
      panel.data.push_back(value * (1 + noise));
    }
  }
  return panel;
}

int Report(const Status& status, const std::string& path) {
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    return 1;
  }
  std::printf("wrote %s\n", path.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path folder = argc > 1 ? argv[1] : "/tmp/plot_examples";
  std::filesystem::create_directories(folder);
  int failures = 0;

  // Two element maps, titled as get_lines_intensity titles them, split as plot_images' label='auto'.
  std::vector<std::string> titles = {"X-ray line intensity of EDS TEM Spectrum: Fe_Ka at 6.40 keV",
                                     "X-ray line intensity of EDS TEM Spectrum: Pt_La at 9.44 keV"};
  const plot::SharedTitles shared = plot::SplitSharedTitles(titles);
  std::vector<plot::ImagePanel> maps = {ElementMap(64, 48, 0, shared.labels[0]),
                                        ElementMap(64, 48, 1, shared.labels[1])};
  plot::ImagesOptions options;
  options.suptitle = shared.suptitle;
  std::string path = (folder / "maps.png").string();
  failures += Report(plot::WriteImagesPng(path, maps, options), path);

  // A spectrum with two lines and their integration windows.
  plot::LinePlot spectrum;
  spectrum.title = "EDS TEM Spectrum";
  spectrum.x_label = "Energy";
  spectrum.x_units = "keV";
  spectrum.y_label = "Intensity";
  plot::LineSeries sum{{}, {}, "sum spectrum", {}, 1.5};
  for (int channel = 0; channel < 992; ++channel) {
    const double e = 0.16 + 0.02 * channel;
    spectrum.x.push_back(e);
    const double brems = 4000 * e * std::exp(-e / 2.5) / (1 + std::exp(-(e - 0.8) * 6));
    sum.y.push_back(brems + 42000 * Gauss(e, 6.4039, 0.057) + 6000 * Gauss(e, 7.058, 0.06) +
                    21000 * Gauss(e, 9.4421, 0.068) + 9000 * Gauss(e, 2.0505, 0.036) + 7000 * Gauss(e, 11.07, 0.07));
  }
  spectrum.series.push_back(sum);
  spectrum.spans = {{6.2659, 6.5419, "Fe_Ka", {}},
                    {6.91, 7.20, "Fe_Kb", {}},
                    {9.2789, 9.6053, "Pt_La", {}},
                    {1.96, 2.14, "Pt_Ma", {}}};
  path = (folder / "spectrum.png").string();
  failures += Report(plot::WriteLinePlotPng(path, spectrum), path);

  // Harder cases: six panels, NaN, constant, tiny, elongated and large maps, gray colour map.
  std::vector<plot::ImagePanel> odd;
  odd.push_back(ElementMap(10, 10, 1, "10 x 10 map"));
  plot::ImagePanel holes = ElementMap(40, 30, 0, "with NaN pixels");
  for (size_t idx = 0; idx < holes.data.size(); idx += 7) holes.data[idx] = std::nan("");
  odd.push_back(holes);
  plot::ImagePanel constant = ElementMap(20, 20, 0, "a constant map");
  for (double& value : constant.data) value = 5;
  odd.push_back(constant);
  odd.push_back(ElementMap(200, 8, 1, "elongated 200 x 8, negative values and a long title to wrap"));
  for (double& value : odd.back().data) value = -value * 1e-4;
  odd.push_back(ElementMap(1500, 1200, 1, "1500 x 1200 shown block-averaged"));
  odd.back().colorbar_label = "counts";
  plot::ImagePanel big = ElementMap(50, 50, 1, "counts x 1e6");
  for (double& value : big.data) value *= 1e3;
  big.x_axis = {-3e-3, 1e-4, "x", "m"};
  odd.push_back(big);
  options = {};
  options.suptitle = "Edge cases";
  path = (folder / "maps_edge_cases.png").string();
  failures += Report(plot::WriteImagesPng(path, odd, options), path);
  options.colormap = plot::Colormap::kGray;
  options.per_row = 2;
  options.suptitle.clear();
  path = (folder / "maps_gray.png").string();
  failures += Report(plot::WriteImagesPng(path, {odd[0], odd[1], odd[3]}, options), path);

  plot::LinePlot waves;
  waves.title = "Profiles";
  waves.x_label = "Distance";
  waves.x_units = "nm";
  waves.y_label = "Signal";
  for (int k = 0; k < 5; ++k) {
    plot::LineSeries s{{}, {}, "profile " + std::to_string(k), {}, 1.5};
    for (int i = 0; i <= 200; ++i) {
      if (k == 0 && i == 0) waves.x.push_back(0);
      if (k == 0 && i > 0) waves.x.push_back(i * 0.05 - 5);
      s.y.push_back(std::sin(i * 0.05 + k) * (1 + 0.2 * k) - 0.5 * k + (k == 3 && i == 100 ? std::nan("") : 0));
    }
    waves.x[0] = -5;
    waves.series.push_back(s);
  }
  path = (folder / "profiles.png").string();
  failures += Report(plot::WriteLinePlotPng(path, waves), path);
  return failures == 0 ? 0 : 1;
}
