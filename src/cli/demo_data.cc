#include "demo_data.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <utility>

#include <fmt/format.h>

namespace hyperchunk::cli {
namespace {

constexpr double kEnergyOffset = 0.16;  // keV, the tutorial's energy axis
constexpr double kEnergyScale = 0.02;   // keV per channel
constexpr double kBeamEnergy = 20.0;    // keV: the background ends here
constexpr double kLineSigma = 0.055;    // keV, about 130 eV FWHM

struct Line {
  const char* name;
  double energy;  // keV
  double height;  // counts at the peak
};
constexpr Line kLines[] = {
    {"Fe_La", 0.7048, 12}, {"Pt_Ma", 2.0505, 45}, {"Fe_Ka", 6.4039, 60},
    {"Fe_Kb", 7.0580, 9},  {"Pt_La", 9.4421, 35}, {"Pt_Lb1", 11.0707, 16},
};

double SpectrumAt(double energy) {
  double value = 3.0 * std::max(0.0, kBeamEnergy - energy) / (energy + 1.0);  // Kramers-like background
  for (const Line& line : kLines) {
    const double z = (energy - line.energy) / kLineSigma;
    value += line.height * std::exp(-0.5 * z * z);
  }
  return value;
}

double RelativeError(double got, double expected) {
  if (!std::isfinite(got)) return std::numeric_limits<double>::infinity();
  return std::abs(got - expected) / std::max(std::abs(expected), 1e-300);
}

}  // namespace

SyntheticSpectrumImage::SyntheticSpectrumImage(Index rows, Index columns, Index channels) {
  auto tables = std::make_shared<Tables>();
  for (Index i = 0; i < rows; ++i) {
    tables->row_weight.push_back(0.5 + static_cast<double>(i) / static_cast<double>(rows));
  }
  for (Index j = 0; j < columns; ++j) {
    tables->column_weight.push_back(
        1.0 + 0.25 * std::cos(6 * std::numbers::pi * static_cast<double>(j) / static_cast<double>(columns)));
  }
  for (Index k = 0; k < channels; ++k) tables->spectrum.push_back(SpectrumAt(Energy(k)));

  const auto& t = *tables;
  spectrum_total_ = std::accumulate(t.spectrum.begin(), t.spectrum.end(), 0.0);
  weight_total_ = std::accumulate(t.row_weight.begin(), t.row_weight.end(), 0.0) *
                  std::accumulate(t.column_weight.begin(), t.column_weight.end(), 0.0);
  weight_max_ = (rows > 0 ? *std::max_element(t.row_weight.begin(), t.row_weight.end()) : 0.0) *
                (columns > 0 ? *std::max_element(t.column_weight.begin(), t.column_weight.end()) : 0.0);
  tables_ = std::move(tables);
}

Shape SyntheticSpectrumImage::shape() const {
  return {static_cast<Index>(tables_->row_weight.size()), static_cast<Index>(tables_->column_weight.size()),
          static_cast<Index>(tables_->spectrum.size())};
}

double SyntheticSpectrumImage::Energy(Index k) { return kEnergyOffset + kEnergyScale * static_cast<double>(k); }

Array SyntheticSpectrumImage::MakeArray(const Shape& chunk_shape) const {
  auto fill = [tables = tables_](const Box& box, NdArray& out) -> Status {
    if (box.rank() != 3 || out.dtype() != DType::kFloat64) {
      return Internal(
          fmt::format("spectrum-image generator asked for box {} of {}", box.ToString(), DTypeName(out.dtype())));
    }
    double* values = out.data<double>();
    const double* spectrum = tables->spectrum.data() + box.start[2];
    const Index channels = box.extent(2);
    for (Index i = box.start[0]; i < box.stop[0]; ++i) {
      for (Index j = box.start[1]; j < box.stop[1]; ++j) {
        const double weight = tables->row_weight[i] * tables->column_weight[j];
        for (Index k = 0; k < channels; ++k) values[k] = weight * spectrum[k];
        values += channels;
      }
    }
    return Status::Ok();
  };
  return Array::FromGenerator("spectrum-image", DType::kFloat64, ChunkGrid::Regular(shape(), chunk_shape), fill);
}

double SyntheticSpectrumImage::NavigatorValue(Index i, Index j) const {
  return tables_->row_weight[i] * tables_->column_weight[j] * spectrum_total_;
}
double SyntheticSpectrumImage::SumSpectrumValue(Index k) const { return weight_total_ * tables_->spectrum[k]; }
double SyntheticSpectrumImage::MaxSpectrumValue(Index k) const { return weight_max_ * tables_->spectrum[k]; }

double SyntheticSpectrumImage::MaxRelativeError(const NdArray& navigator, const NdArray& sum_spectrum,
                                                const NdArray& max_spectrum) const {
  const Shape full = shape();
  constexpr double kWrong = std::numeric_limits<double>::infinity();
  if (navigator.shape() != Shape{full[0], full[1]} || navigator.dtype() != DType::kFloat64) return kWrong;
  if (sum_spectrum.shape() != Shape{full[2]} || sum_spectrum.dtype() != DType::kFloat64) return kWrong;
  if (max_spectrum.shape() != Shape{full[2]} || max_spectrum.dtype() != DType::kFloat64) return kWrong;
  double worst = 0;
  const double* nav = navigator.data<double>();
  for (Index i = 0; i < full[0]; ++i) {
    for (Index j = 0; j < full[1]; ++j)
      worst = std::max(worst, RelativeError(nav[i * full[1] + j], NavigatorValue(i, j)));
  }
  for (Index k = 0; k < full[2]; ++k) {
    worst = std::max(worst, RelativeError(sum_spectrum.data<double>()[k], SumSpectrumValue(k)));
    worst = std::max(worst, RelativeError(max_spectrum.data<double>()[k], MaxSpectrumValue(k)));
  }
  return worst;
}

std::string SyntheticSpectrumImage::NearestLine(double energy) {
  const Line* nearest = &kLines[0];
  for (const Line& line : kLines) {
    if (std::abs(line.energy - energy) < std::abs(nearest->energy - energy)) nearest = &line;
  }
  return nearest->name;
}

}  // namespace hyperchunk::cli
