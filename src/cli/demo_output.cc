#include "demo_output.h"

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hyperchunk/core/format.h"
#include "hyperchunk/plot/plot.h"
#include "hyperchunk/roi/roi.h"
#include "npy.h"

namespace hyperchunk::cli {
namespace {

std::vector<double> AsDoubles(const NdArray& values) {
  std::vector<double> out(static_cast<size_t>(values.size()));
  for (Index i = 0; i < values.size(); ++i) out[static_cast<size_t>(i)] = values.GetAsDouble(i);
  return out;
}

plot::ImageAxis ImageAxisOf(const DataAxis& axis) {
  return {axis.offset, axis.scale, axis.name.value_or("<undefined>"), axis.units.value_or("")};
}

/// An image panel of a 2-D signal (its array axes are y, x).
Result<plot::ImagePanel> Panel(const Signal& image, std::string title) {
  HC_ASSIGN_OR_RETURN(const NdArray values, image.Values());
  if (values.shape().size() != 2) return Internal(fmt::format("demo: {} is not an image", image.Repr()));
  plot::ImagePanel panel;
  panel.data = AsDoubles(values);
  panel.height = static_cast<size_t>(values.shape()[0]);
  panel.width = static_cast<size_t>(values.shape()[1]);
  panel.y_axis = ImageAxisOf(image.axes_manager().array_axes()[0]);
  panel.x_axis = ImageAxisOf(image.axes_manager().array_axes()[1]);
  panel.title = std::move(title);
  panel.colorbar_label = "counts";
  return panel;
}

/// A spectrum's line plot over its energy axis, the lines' windows shaded.
Result<plot::LinePlot> SpectrumPlot(const Signal& spectrum, const DemoResults& r, std::string title) {
  HC_ASSIGN_OR_RETURN(const NdArray values, spectrum.Values());
  const DataAxis& energy = spectrum.axes_manager().array_axes().back();
  plot::LinePlot line;
  line.x = energy.Values();
  line.series.push_back({AsDoubles(values), {}, "", std::nullopt, 1.2});
  for (size_t k = 0; k < r.lines.size() && k < r.windows.size(); ++k)
    line.spans.push_back({r.windows[k][0], r.windows[k][1], r.lines[k], std::nullopt});
  line.title = std::move(title);
  line.x_label = energy.name.value_or("Energy");
  line.x_units = energy.units.value_or("");
  line.y_label = "Intensity (counts)";
  line.width = 1000;
  line.y_min = 0;
  return line;
}

/// The maps stacked in line order: (n_lines, y, x), float64.
Result<NdArray> Stacked(const std::vector<Signal>& maps) {
  Shape shape = maps.at(0).shape();
  shape.insert(shape.begin(), static_cast<Index>(maps.size()));
  NdArray stacked = NdArray::Empty(DType::kFloat64, shape);
  const Index per_map = NumElements(maps[0].shape());
  for (size_t k = 0; k < maps.size(); ++k) {
    HC_ASSIGN_OR_RETURN(NdArray values, maps[k].Values());
    if (values.size() != per_map) return Internal("demo: the maps differ in shape");
    values = values.AsType(DType::kFloat64);
    std::memcpy(stacked.data<double>() + per_map * static_cast<Index>(k), values.data<double>(),
                static_cast<size_t>(per_map) * sizeof(double));
  }
  return stacked;
}

}  // namespace

Status WriteDemoResults(CommandEnv& env, const std::filesystem::path& folder, const DemoResults& r) {
  auto wrote = [&](const std::filesystem::path& path, const std::string& what) {
    fmt::print(env.out(), "   wrote {} ({})\n", path.string(), what);
  };
  // Pictures.
  plot::ImagesOptions gray;
  gray.colormap = plot::Colormap::kGray;  // HyperSpy's Plot.cmap_signal (and the navigator's)
  gray.label_wrap = 60;                   // one picture, room for a longer title
  HC_ASSIGN_OR_RETURN(plot::ImagePanel navigator, Panel(r.navigator, r.navigator_title));
  HC_RETURN_IF_ERROR(plot::WriteImagesPng((folder / "navigator.png").string(), {navigator}, gray));
  wrote(folder / "navigator.png", "s.navigator.plot()");

  std::vector<std::string> titles;
  for (const Signal& map : r.maps) titles.push_back(map.title());
  const plot::SharedTitles shared = plot::SplitSharedTitles(titles);
  std::vector<plot::ImagePanel> panels;
  for (size_t k = 0; k < r.maps.size(); ++k) {
    HC_ASSIGN_OR_RETURN(plot::ImagePanel panel, Panel(r.maps[k], shared.labels[k]));
    panels.push_back(std::move(panel));
  }
  plot::ImagesOptions images;
  images.colormap = plot::Colormap::kGray;
  images.suptitle = shared.suptitle;
  HC_RETURN_IF_ERROR(plot::WriteImagesPng((folder / "lines.png").string(), panels, images));
  wrote(folder / "lines.png", "hs.plot.plot_images(im)");

  HC_ASSIGN_OR_RETURN(const plot::LinePlot sum_plot, SpectrumPlot(r.sum_spectrum, r, "Sum spectrum: s.sum()"));
  HC_RETURN_IF_ERROR(plot::WriteLinePlotPng((folder / "sum_spectrum.png").string(), sum_plot));
  wrote(folder / "sum_spectrum.png", "s.sum().plot(), the integration windows shaded");

  HC_ASSIGN_OR_RETURN(const RectangularRoi roi, RectangularRoi::Create(r.roi[0], r.roi[1], r.roi[2], r.roi[3]));
  const std::string roi_title = "roi(s).sum(), roi = " + roi.Repr();
  HC_ASSIGN_OR_RETURN(const plot::LinePlot roi_plot, SpectrumPlot(r.roi_spectrum, r, roi_title));
  HC_RETURN_IF_ERROR(plot::WriteLinePlotPng((folder / "roi_spectrum.png").string(), roi_plot));
  wrote(folder / "roi_spectrum.png", "roi(s).sum().plot()");

  HC_ASSIGN_OR_RETURN(const Signal binned_image, r.binned.Sum({AxisRef::Signal()}));
  HC_ASSIGN_OR_RETURN(plot::ImagePanel binned,
                      Panel(binned_image, "s2.isig[:15.0].rebin(scale=(4, 4, 1)), summed over energy"));
  HC_RETURN_IF_ERROR(plot::WriteImagesPng((folder / "rebinned.png").string(), {binned}, gray));
  wrote(folder / "rebinned.png", "the rebinned data summed over energy");

  // Results, array order.
  HC_ASSIGN_OR_RETURN(const NdArray stacked, Stacked(r.maps));
  const std::pair<const char*, const Signal*> signals[] = {
      {"navigator.npy", &r.navigator}, {"navigator_full.npy", &r.full_navigator}, {"sum_spectrum.npy", &r.sum_spectrum},
      {"rebinned.npy", &r.binned},     {"roi_spectrum.npy", &r.roi_spectrum},
  };
  for (const auto& [name, signal] : signals) {
    HC_ASSIGN_OR_RETURN(const NdArray values, signal->Values());
    HC_RETURN_IF_ERROR(WriteNpy(folder / name, values));
    wrote(folder / name, fmt::format("{} {}", ShapeToString(values.shape()), DTypeName(values.dtype())));
  }
  HC_RETURN_IF_ERROR(WriteNpy(folder / "lines.npy", stacked));
  wrote(folder / "lines.npy", fmt::format("{} {}, the maps of {}", ShapeToString(stacked.shape()),
                                          DTypeName(stacked.dtype()), fmt::join(r.lines, ", ")));
  return Status::Ok();
}

}  // namespace hyperchunk::cli
