#include "demo_data.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hyperchunk/exec/compute.h"
#include "hyperchunk/store/hspy.h"

namespace hyperchunk::cli {
namespace {

// What `hyperchunk synth` writes with its defaults (cmd_synth.cc): the generator's defaults plus
// these metadata values. A file that lacks them was not written by synth.
constexpr char kGenerator[] = "hyperchunk synth";

std::string ShapeText(const Shape& shape) { return fmt::format("({})", fmt::join(shape, ", ")); }

/// Each check prints one line ("   ok   ..." or "   FAIL ...") and is remembered.
class DemoChecks {
 public:
  explicit DemoChecks(std::FILE* out) : out_(out) {}
  /// Records a check; `detail` says what was compared and what came out.
  void Check(bool ok, const std::string& what, const std::string& detail);
  /// `got` must equal `want` exactly (sums of counts).
  void Equal(const std::string& what, double got, double want);
  /// `got` (counts) lies within `sigmas` Poisson standard deviations of the expected `want`.
  void Poisson(const std::string& what, double got, double want, double sigmas = 5);
  int passed() const { return passed_; }
  /// Ok, or an error naming the failed checks.
  Status ToStatus() const;

 private:
  std::FILE* out_;
  int passed_ = 0;
  std::vector<std::string> failures_;
};

void DemoChecks::Check(bool ok, const std::string& what, const std::string& detail) {
  fmt::print(out_, "   {} {}: {}\n", ok ? "ok  " : "FAIL", what, detail);
  if (ok) {
    ++passed_;
  } else {
    failures_.push_back(what);
  }
}

void DemoChecks::Equal(const std::string& what, double got, double want) {
  Check(got == want, what, got == want ? fmt::format("{} = {}", got, want) : fmt::format("{} != {}", got, want));
}

void DemoChecks::Poisson(const std::string& what, double got, double want, double sigmas) {
  const double z = (got - want) / std::sqrt(std::max(want, 1.0));
  Check(std::abs(z) <= sigmas, what,
        fmt::format("{} counts, expected {:.1f} ({:+.2f} sigma{})", got, want, z,
                    std::abs(z) <= sigmas ? "" : fmt::format(", over {:g}", sigmas)));
}

Status DemoChecks::ToStatus() const {
  if (failures_.empty()) return Status::Ok();
  return Internal(fmt::format("demo: {} of {} checks failed: {}", failures_.size(), failures_.size() + passed_,
                              fmt::join(failures_, "; ")));
}

// Sum of `values` (any dtype, as doubles) over [begin, end) of its flat index.
double SumRange(const NdArray& values, Index begin, Index end) {
  double total = 0;
  for (Index i = std::max<Index>(begin, 0); i < std::min(end, values.size()); ++i) total += values.GetAsDouble(i);
  return total;
}

// Sum of a 2-D array's block [y0, y1) x [x0, x1).
double SumBlock(const NdArray& image, Index y0, Index y1, Index x0, Index x1) {
  const Index width = image.shape().at(1);
  double total = 0;
  for (Index y = y0; y < y1; ++y) total += SumRange(image, y * width + x0, y * width + x1);
  return total;
}

// The generator's expected counts per channel summed over the pixels [y0, y1) x [x0, x1).
Result<std::vector<double>> ExpectedSpectrumOver(const eds::SyntheticEds& truth, Index y0, Index y1, Index x0,
                                                 Index x1) {
  std::vector<double> total;
  for (Index y = y0; y < y1; ++y) {
    for (Index x = x0; x < x1; ++x) {
      const Index pixel[] = {y, x};
      HC_ASSIGN_OR_RETURN(const std::vector<double> spectrum, truth.ExpectedSpectrum(pixel));
      total.resize(spectrum.size(), 0.0);
      for (size_t k = 0; k < spectrum.size(); ++k) total[k] += spectrum[k];
    }
  }
  return total;
}

// Pearson's correlation between a map (y, x) and the generator's amount of element `element` (index
// in its options' elements) at every pixel: how clearly the map shows the element.
Result<double> CorrelationWithElement(const eds::SyntheticEds& truth, const NdArray& map, size_t element) {
  if (map.shape().size() != 2) return InvalidArgument("CorrelationWithElement: the map is not 2-D");
  const Index height = map.shape()[0], width = map.shape()[1];
  double sum_a = 0, sum_b = 0, sum_aa = 0, sum_bb = 0, sum_ab = 0;
  for (Index y = 0; y < height; ++y) {
    for (Index x = 0; x < width; ++x) {
      const Index pixel[] = {y, x};
      HC_ASSIGN_OR_RETURN(const std::vector<double> amounts, truth.Composition(pixel));
      const double a = map.GetAsDouble(y * width + x), b = amounts.at(element);
      sum_a += a, sum_b += b, sum_aa += a * a, sum_bb += b * b, sum_ab += a * b;
    }
  }
  const double n = static_cast<double>(height * width);
  const double cov = sum_ab / n - (sum_a / n) * (sum_b / n);
  const double var_a = sum_aa / n - (sum_a / n) * (sum_a / n);
  const double var_b = sum_bb / n - (sum_b / n) * (sum_b / n);
  if (!(var_a > 0) || !(var_b > 0)) return 0.0;
  return cov / std::sqrt(var_a * var_b);
}

// A map must correlate with its element's amount at least this much (Pearson's r).
constexpr double kMinCorrelation = 0.5;

Status CheckAgainstEachOther(const DemoSize& size, const DemoResults& r, DemoChecks& checks) {
  checks.Check(r.s.class_name() == "LazyEDSTEMSpectrum" && r.s.shape() == size.shape, "s",
               fmt::format("{} {}", r.s.class_name(), ShapeToString(r.s.shape())));
  HC_ASSIGN_OR_RETURN(const NdArray spectrum, r.sum_spectrum.Values());
  HC_ASSIGN_OR_RETURN(const NdArray navigator, r.navigator.Values());
  HC_ASSIGN_OR_RETURN(const NdArray full, r.full_navigator.Values());
  const auto [first, stop] = r.navigator_channels;
  checks.Equal("navigator(index=6.3) total = sum spectrum over its channels", SumRange(navigator, 0, navigator.size()),
               SumRange(spectrum, first, stop));
  checks.Equal("full navigator total = sum spectrum total", SumRange(full, 0, full.size()),
               SumRange(spectrum, 0, spectrum.size()));
  for (size_t k = 0; k < r.maps.size(); ++k) {
    HC_ASSIGN_OR_RETURN(const NdArray map, r.maps[k].Values());
    checks.Equal(fmt::format("{} map total = sum spectrum over its window", r.lines[k]), SumRange(map, 0, map.size()),
                 SumRange(spectrum, r.channels[k].first, r.channels[k].second));
  }
  HC_ASSIGN_OR_RETURN(const NdArray binned, r.binned.Values());
  const DataAxis& energy = r.s.axes_manager()[r.s.axes_manager().navigation_dimension()];
  HC_ASSIGN_OR_RETURN(const Index below_15, energy.ValueToIndex(15.0));
  const Shape want_shape = {size.shape[0] / 4, size.shape[1] / 4, below_15};
  checks.Check(binned.shape() == want_shape, "rebinned shape",
               fmt::format("{} (want {})", ShapeToString(binned.shape()), ShapeToString(want_shape)));
  if (binned.shape() == want_shape) {
    std::vector<double> binned_spectrum(static_cast<size_t>(below_15), 0.0);
    for (Index i = 0; i < binned.size(); ++i)
      binned_spectrum[static_cast<size_t>(i % below_15)] += binned.GetAsDouble(i);
    Index same = 0;
    for (Index k = 0; k < below_15; ++k) same += binned_spectrum[static_cast<size_t>(k)] == spectrum.GetAsDouble(k);
    checks.Check(same == below_15, "rebinned file 2 = file 1",
                 fmt::format("s2b.sum() equals sum_spectrum.isig[:15.0] in {} of {} channels", same, below_15));
  }
  // roi(s) on the navigation axes: value2index of each bound, right and bottom excluded (reference §7.2).
  std::array<Index, 4> want_pixels{};
  for (int dim = 0; dim < 2; ++dim) {
    HC_ASSIGN_OR_RETURN(want_pixels[2 * dim], r.s.axes_manager()[dim].ValueToIndex(r.roi[dim]));
    HC_ASSIGN_OR_RETURN(want_pixels[2 * dim + 1], r.s.axes_manager()[dim].ValueToIndex(r.roi[dim + 2]));
  }
  checks.Check(r.roi_pixels == want_pixels, "ROI pixels",
               fmt::format("x {} to {}, y {} to {} (want x {} to {}, y {} to {})", r.roi_pixels[0], r.roi_pixels[1] - 1,
                           r.roi_pixels[2], r.roi_pixels[3] - 1, want_pixels[0], want_pixels[1] - 1, want_pixels[2],
                           want_pixels[3] - 1));
  HC_ASSIGN_OR_RETURN(const NdArray roi, r.roi_spectrum.Values());
  const auto [x0, x1, y0, y1] = r.roi_pixels;
  checks.Equal("ROI spectrum total = full navigator over the ROI", SumRange(roi, 0, roi.size()),
               SumBlock(full, y0, y1, x0, x1));
  return Status::Ok();
}

Status CheckAgainstGenerator(const DemoSize& size, const DemoResults& r, DemoChecks& checks) {
  HC_ASSIGN_OR_RETURN(const eds::SyntheticEds truth, eds::SyntheticEds::Create(SynthOptionsOf(size, 1)));
  HC_ASSIGN_OR_RETURN(const NdArray roi, r.roi_spectrum.Values());
  const auto [x0, x1, y0, y1] = r.roi_pixels;
  HC_ASSIGN_OR_RETURN(const std::vector<double> expected, ExpectedSpectrumOver(truth, y0, y1, x0, x1));
  double want = 0;
  for (double v : expected) want += v;
  checks.Poisson("ROI spectrum total vs the generator", SumRange(roi, 0, roi.size()), want);
  for (size_t k = 0; k < r.lines.size(); ++k) {
    double window = 0;
    for (Index c = r.channels[k].first; c < r.channels[k].second; ++c) window += expected[static_cast<size_t>(c)];
    checks.Poisson(fmt::format("ROI {} window vs the generator", r.lines[k]),
                   SumRange(roi, r.channels[k].first, r.channels[k].second), window);
  }
  const std::vector<std::string>& elements = truth.options().elements;
  for (size_t k = 0; k < r.maps.size(); ++k) {
    const std::string element = r.lines[k].substr(0, r.lines[k].find('_'));
    const auto index = static_cast<size_t>(std::find(elements.begin(), elements.end(), element) - elements.begin());
    if (index == elements.size()) return Internal(fmt::format("demo: the generator makes no {}", element));
    HC_ASSIGN_OR_RETURN(const NdArray map, r.maps[k].Values());
    HC_ASSIGN_OR_RETURN(const double correlation, CorrelationWithElement(truth, map, index));
    checks.Check(correlation > kMinCorrelation, fmt::format("{} map shows the {}", r.lines[k], element),
                 fmt::format("correlation with the generator's {} amount {:.3f} (> {:g})", element, correlation,
                             kMinCorrelation));
  }
  return Status::Ok();
}

}  // namespace

Result<DemoSize> FindDemoSize(std::string_view name) {
  if (name == "seed") {
    return DemoSize{"seed",          {512, 512, 992},  {64, 512, 248},      {16, 512, 992},
                    "tutorial.hspy", "tutorial2.hspy", {100, 100, 110, 110}};
  }
  if (name == "small") {
    return DemoSize{"small",         {64, 64, 992},         {8, 64, 248},
                    {2, 64, 992},    "tutorial_small.hspy", "tutorial2_small.hspy",
                    {30, 45, 40, 55}};
  }
  return InvalidArgument(fmt::format("--size: '{}' is not a size (small, seed)", name));
}

std::vector<std::string> SynthArguments(const DemoSize& size, int file) {
  const eds::SynthOptions defaults;
  const Shape& chunks = file == 1 ? size.chunks1 : size.chunks2;
  std::vector<std::string> args;
  if (size.shape != defaults.shape) args.insert(args.end(), {"--shape", fmt::format("{}", fmt::join(size.shape, ","))});
  if (chunks != defaults.chunks) args.insert(args.end(), {"--chunks", fmt::format("{}", fmt::join(chunks, ","))});
  return args;
}

eds::SynthOptions SynthOptionsOf(const DemoSize& size, int file) {
  eds::SynthOptions options;
  options.shape = size.shape;
  options.chunks = file == 1 ? size.chunks1 : size.chunks2;
  return options;
}

std::string DifferenceFromSynth(Context& ctx, const std::string& path, const eds::SynthOptions& options) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return "no such file";
  auto file = ReadHspy(path);
  if (!file.ok()) return file.status().message();
  if (file->experiments.size() != 1) return fmt::format("it holds {} signals", file->experiments.size());
  const SignalRecord& s = file->experiments[0];
  const Value* type = s.metadata.Find("Signal.signal_type");
  const Value* generator = s.original_metadata.Find("generator");
  const Value* seed = s.original_metadata.Find("seed");
  if (!type || type->as_string() != "EDS_TEM" || !generator || generator->as_string() != kGenerator || !seed ||
      static_cast<uint64_t>(seed->as_int()) != options.seed) {
    return fmt::format("it was not written by '{}' with seed {}", kGenerator, options.seed);
  }
  if (s.data.shape() != options.shape) return fmt::format("its shape is {}", ShapeText(s.data.shape()));
  if (s.data.chunks().max_chunk_shape() != options.chunks)
    return fmt::format("its chunks are {}", ShapeText(s.data.chunks().max_chunk_shape()));
  if (s.data.dtype() != options.dtype) return fmt::format("its dtype is {}", DTypeName(s.data.dtype()));
  const AxisRecord& energy = s.axes.back();
  if (energy.offset != options.offset_kev || energy.scale != options.scale_kev) return "its energy axis differs";
  // The values: the last pixel's channels in the last chunk (one chunk to read), from the file and
  // from the generator.
  auto generated = eds::MakeSyntheticEds(options);
  if (!generated.ok()) return generated.status().message();
  std::vector<IndexItem> last;
  for (size_t dim = 0; dim + 1 < options.shape.size(); ++dim) last.emplace_back(options.shape[dim] - 1);
  last.emplace_back(Slice{s.data.chunks().boundaries(options.shape.size() - 1).rbegin()[1], std::nullopt});
  auto values = Compute(ctx, {s.data[last], (*generated)[last]});
  if (!values.ok()) return values.status().message();
  const NdArray& stored = (*values)[0];
  const NdArray& expected = (*values)[1];
  for (Index k = 0; k < stored.size(); ++k) {
    if (stored.GetAsDouble(k) != expected.GetAsDouble(k)) return "its values differ from the generator's";
  }
  return "";
}

Status CheckDemoResults(const DemoSize& size, const DemoResults& r, std::FILE* out) {
  DemoChecks checks(out);
  HC_RETURN_IF_ERROR(CheckAgainstEachOther(size, r, checks));
  HC_RETURN_IF_ERROR(CheckAgainstGenerator(size, r, checks));
  HC_RETURN_IF_ERROR(checks.ToStatus());
  fmt::print(out, "   all {} checks passed\n", checks.passed());
  return Status::Ok();
}

}  // namespace hyperchunk::cli
