// Signal::Rebin (reference §6): HyperSpy's argument checks, path choice, dtype and axis rules on top
// of the array-level RebinSum / RebinLinear.
#include <cmath>

#include <fmt/format.h>

#include "hyperchunk/array/rebin.h"
#include "hyperchunk/signal/signal.h"
#include "signal_internal.h"

namespace hyperchunk {
namespace {

// Factors in array order from HyperSpy's natural-order `scale` or `new_shape`.
Result<std::vector<double>> ArrayFactors(const Signal& s, const RebinOptions& o) {
  const AxesManager& am = s.axes_manager();
  const size_t n = am.size();
  if (!o.scale && !o.new_shape) return InvalidArgument("One of new_shape, or scale must be specified");
  if (o.scale && o.new_shape)
    return InvalidArgument("Only one out of new_shape or scale should be specified. Not both.");
  if ((o.scale ? o.scale->size() : o.new_shape->size()) != n)
    return InvalidArgument(fmt::format("{} size: {} given for a signal of {} axes",
                                       o.scale ? "Wrong scale" : "Wrong new_shape",
                                       o.scale ? o.scale->size() : o.new_shape->size(), n));
  for (const auto& axis : am.array_axes()) {
    if (!axis.is_uniform()) return Unimplemented("Rebinning of non-uniform axes is not yet implemented.");
  }
  std::vector<double> factors(n);
  for (size_t d = 0; d < n; ++d) {
    const int k = am.NaturalIndex(static_cast<int>(d));
    if (o.scale) {
      factors[d] = (*o.scale)[k];
    } else {
      const Index ns = (*o.new_shape)[k];
      if (ns <= 0) return InvalidArgument(fmt::format("new_shape entry {} is {}: sizes must be positive", k, ns));
      factors[d] = static_cast<double>(s.shape()[d]) / static_cast<double>(ns);
    }
    if (!(factors[d] > 0) || !std::isfinite(factors[d]))
      return InvalidArgument(fmt::format("rebin factor {} for axis {} must be a positive number", factors[d], k));
  }
  return factors;
}

}  // namespace

Result<Signal> Signal::Rebin(const RebinOptions& options) const {
  HC_ASSIGN_OR_RETURN(std::vector<double> factors, ArrayFactors(*this, options));
  const size_t n = factors.size();
  std::optional<DType> requested;
  bool same = false;
  if (options.dtype) {
    if (*options.dtype == "same") {
      same = true;
    } else {
      auto parsed = ParseDType(*options.dtype);
      if (!parsed.ok())
        return InvalidArgument(
            fmt::format("dtype '{}' is not understood: use 'same' or a numpy dtype name such as "
                        "'float32'",
                        *options.dtype));
      requested = *parsed;
    }
  }
  // HyperSpy's _requires_linear_rebin: a factor that is not a whole number or does not divide its axis.
  bool linear = false;
  for (size_t d = 0; d < n; ++d) {
    const double f = factors[d];
    if (f != std::floor(f) || (shape()[d] % static_cast<Index>(f)) != 0) linear = true;
  }
  Array data;
  if (linear) {
    // The dtype rules (integer input binned in float64, integer dtypes refused) are RebinLinear's.
    HC_ASSIGN_OR_RETURN(data,
                        RebinLinear(data_, factors, options.crop, same ? std::optional<DType>(dtype()) : requested));
  } else {
    bool all_one = true;
    std::vector<Index> int_factors;
    for (double f : factors) {
      int_factors.push_back(static_cast<Index>(f));
      all_one = all_one && f == 1.0;
    }
    if (all_one) {
      data = data_;  // HyperSpy returns a copy, in the input dtype, whatever dtype was asked for
    } else {
      HC_ASSIGN_OR_RETURN(data, RebinSum(data_, int_factors, same ? std::optional<DType>(dtype()) : requested));
    }
  }
  std::vector<DataAxis> axes = axes_.array_axes();
  for (size_t d = 0; d < n; ++d) {
    DataAxis& a = axes[d];
    const double f = factors[d];
    const double old_scale = a.scale;
    a.scale = old_scale * f;
    a.offset = a.offset + (f - 1) * old_scale / 2;
    a.size = data.shape()[d];
  }
  HC_ASSIGN_OR_RETURN(Signal s, WithData(std::move(data), std::move(axes)));
  if (IsA(SignalClass::kEDSSpectrum)) {
    double time_factor = 1;
    for (int d : axes_.NavigationArrayIndices()) time_factor *= factors[d];
    internal::ScaleEdsTimes(*this, s, /*live_only=*/false, time_factor);
  }
  return s;
}

}  // namespace hyperchunk
