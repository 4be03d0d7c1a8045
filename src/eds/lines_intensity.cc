// Integration and background windows and line-intensity maps: HyperSpy 1.7.3's
// estimate_integration_windows, estimate_background_windows and get_lines_intensity
// (hyperspy/_signals/eds.py; reference §4.4, §4.5).
#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "eds_signal_internal.h"
#include "hyperchunk/eds/eds_signal.h"

namespace hyperchunk::eds {
namespace {

// Python's repr of a float: the shortest round-trip digits, with ".0" on integral values.
std::string PyFloatRepr(double v) {
  std::string text = fmt::format("{}", v);
  if (text.find_first_of(".eni") == std::string::npos) text += ".0";
  return text;
}

Result<Signal> SumOverEnergy(const Signal& s, double left, double right) {
  HC_ASSIGN_OR_RETURN(Signal window, s.Isig({IndexSpec::Range(left, right)}));
  return window.Sum({AxisRef::Signal()});
}

// `s.isig[a:b].integrate1D(-1)`, or the single channel `s.isig[a]` when both ends fall in one
// channel (HyperSpy's guard against an empty slice).
Result<Signal> BackgroundSum(const Signal& s, double left, double right, Index i_left, Index i_right) {
  if (i_left == i_right) return s.Isig({IndexSpec::At(left)});
  return SumOverEnergy(s, left, right);
}

// img - (bck1 + bck2) * (iw1 - iw0) / ((i1 - i0) + (i3 - i2)), HyperSpy's linear background.
Result<Signal> SubtractBackground(const Signal& s, const DataAxis& axis, const Signal& img,
                                  const IntegrationWindow& window, const BackgroundWindow& bw,
                                  const std::string& line) {
  Index idx[6];
  const double values[6] = {bw[0], bw[1], bw[2], bw[3], window[0], window[1]};
  for (int k = 0; k < 6; ++k) {
    auto i = axis.ValueToIndex(values[k]);
    if (!i.ok())
      return i.status().WithContext(fmt::format("{}: background windows [{:.6g}, {:.6g}] and [{:.6g}, {:.6g}]", line,
                                                bw[0], bw[1], bw[2], bw[3]));
    idx[k] = *i;
  }
  const Index channels = (idx[1] - idx[0]) + (idx[3] - idx[2]);
  if (channels == 0)
    return InvalidArgument(fmt::format(
        "{}: both background windows [{}, {}] and [{}, {}] lie within one channel each (HyperSpy: division by zero)",
        line, bw[0], bw[1], bw[2], bw[3]));
  const double corr = static_cast<double>(idx[5] - idx[4]) / static_cast<double>(channels);
  HC_ASSIGN_OR_RETURN(Signal bck1, BackgroundSum(s, bw[0], bw[1], idx[0], idx[1]));
  HC_ASSIGN_OR_RETURN(Signal bck2, BackgroundSum(s, bw[2], bw[3], idx[2], idx[3]));
  HC_ASSIGN_OR_RETURN(Signal both, bck1 + bck2);
  HC_ASSIGN_OR_RETURN(Signal scaled, both * corr);
  return img - scaled;
}

}  // namespace

Result<std::vector<IntegrationWindow>> EstimateIntegrationWindows(
    const Signal& s, double windows_width, const std::optional<std::vector<std::string>>& xray_lines) {
  HC_ASSIGN_OR_RETURN(std::vector<std::string> lines, GetXrayLines(s, xray_lines, false, kDefaultOnlyLines));
  std::vector<IntegrationWindow> windows;
  for (const std::string& line : lines) {
    HC_ASSIGN_OR_RETURN(const auto ef, LineEnergyAndFwhm(s, line));
    const double det = windows_width * ef[1] / 2.;
    windows.push_back({ef[0] - det, ef[0] + det});
  }
  return windows;
}

Result<std::vector<BackgroundWindow>> EstimateBackgroundWindows(
    const Signal& s, std::array<double, 2> line_width, double windows_width,
    const std::optional<std::vector<std::string>>& xray_lines) {
  HC_ASSIGN_OR_RETURN(std::vector<std::string> lines, GetXrayLines(s, xray_lines, false, kDefaultOnlyLines));
  std::vector<BackgroundWindow> rows;
  for (const std::string& line : lines) {
    HC_ASSIGN_OR_RETURN(const auto ef, LineEnergyAndFwhm(s, line));
    const double e = ef[0], fwhm = ef[1];
    rows.push_back({e - fwhm * line_width[0] - fwhm * windows_width, e - fwhm * line_width[0], e + fwhm * line_width[1],
                    e + fwhm * line_width[1] + fwhm * windows_width});
  }
  // Merge overlapping windows: rows in the order of their first value (numpy's argsort, stable for
  // HyperSpy's short lists), each row compared with the next one as the merge updates them.
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rows[a][0] < rows[b][0]; });
  for (size_t k = 0; k + 1 < order.size(); ++k) {
    BackgroundWindow& a = rows[order[k]];
    BackgroundWindow& b = rows[order[k + 1]];
    if (a[2] > b[0]) {
      const BackgroundWindow merged = {a[0], a[1], b[2], b[3]};
      a = merged;
      b = merged;
    }
  }
  return rows;
}

Result<std::vector<Signal>> GetLinesIntensity(const Signal& s, const LinesIntensityOptions& options) {
  HC_ASSIGN_OR_RETURN(const DataAxis* energy_axis, internal::EnergyAxis(s));
  const DataAxis axis = *energy_axis;
  Signal src = s;
  HC_RETURN_IF_ERROR(SetDefaultMicroscopeParameters(src));
  HC_ASSIGN_OR_RETURN(const std::vector<std::string> lines,
                      ResolveXrayLines(src, options.xray_lines, options.only_one, options.only_lines));
  std::vector<IntegrationWindow> windows;
  if (const double* width = std::get_if<double>(&options.integration_windows)) {
    HC_ASSIGN_OR_RETURN(windows, EstimateIntegrationWindows(src, *width, lines));
  } else {
    windows = std::get<std::vector<IntegrationWindow>>(options.integration_windows);
  }
  const size_t n = std::min(lines.size(), windows.size());  // Python's zip
  if (options.background_windows && options.background_windows->size() < n)
    return InvalidArgument(fmt::format("{} background windows for {} X-ray lines ({})",
                                       options.background_windows->size(), n, fmt::join(lines, ", ")));
  const std::string units = axis.units.value_or("");
  std::vector<Signal> maps;
  for (size_t i = 0; i < n; ++i) {
    const std::string& line = lines[i];
    const IntegrationWindow& window = windows[i];
    HC_ASSIGN_OR_RETURN(const double energy, LineEnergy(src, line));
    auto summed = SumOverEnergy(src, window[0], window[1]);
    if (!summed.ok())
      return summed.status().WithContext(fmt::format("{}: integration window [{}, {}]", line, window[0], window[1]));
    Signal img = std::move(summed).value();
    if (IsInteger(img.dtype()) || img.dtype() == DType::kBool) {
      HC_ASSIGN_OR_RETURN(img, img.AsType(DType::kFloat64));
    }
    if (options.background_windows) {
      HC_ASSIGN_OR_RETURN(img, SubtractBackground(src, axis, img, window, (*options.background_windows)[i], line));
    }
    HC_RETURN_IF_ERROR(img.metadata().Set(
        "General.title",
        Value::String(fmt::format("X-ray line intensity of {}: {} at {:.2f} {}", src.title(), line, energy, units))));
    HC_ASSIGN_OR_RETURN(img, img.Transpose(std::vector<AxisRef>{}));
    const std::string element = line.substr(0, line.find('_'));
    HC_RETURN_IF_ERROR(img.metadata().Set("Sample.elements", Value::List({Value::String(element)})));
    HC_RETURN_IF_ERROR(img.metadata().Set("Sample.xray_lines", Value::List({Value::String(line)})));
    maps.push_back(std::move(img));
  }
  return maps;
}

Result<std::string> MapLine(const Signal& map) {
  HC_ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> lines, MetadataXrayLines(map));
  if (!lines || lines->empty())
    return InvalidArgument("not a line-intensity map: no Sample.xray_lines in its metadata");
  return lines->front();
}

Result<std::string> IntensityReport(const Signal& source, const Signal& map) {
  HC_ASSIGN_OR_RETURN(const std::string line, MapLine(map));
  HC_ASSIGN_OR_RETURN(const double energy, LineEnergy(source, line));
  HC_ASSIGN_OR_RETURN(const DataAxis* axis, internal::EnergyAxis(source));
  HC_ASSIGN_OR_RETURN(NdArray values, map.Values());
  if (values.size() != 1)
    return InvalidArgument(
        fmt::format("{}: the map has {} values; the report is for one spectrum", line, values.size()));
  return fmt::format("{} at {} {} : Intensity = {:.2f}", line, PyFloatRepr(energy), axis->units.value_or(""),
                     values.GetAsDouble(0));
}

}  // namespace hyperchunk::eds
