// The demo's generated spectrum image: cheap to make chunk by chunk, with closed forms for the
// results the demo computes, so it can check them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "hyperchunk/array/array.h"
#include "hyperchunk/core/ndarray.h"
#include "hyperchunk/core/shape.h"

namespace hyperchunk::cli {

/// An EDS-like spectrum image of shape (rows, columns, channels) in array order (y, x, E),
/// float64: x[i, j, k] = row_weight[i] * column_weight[j] * spectrum[k]. The spectrum is a
/// bremsstrahlung-like background with Gaussian Fe and Pt lines on the tutorial's energy axis
/// (offset 0.16 keV, scale 0.02 keV per channel); the weights are smooth thickness variations.
/// Everything is positive, so sums and maxima over pixels have closed forms.
class SyntheticSpectrumImage {
 public:
  SyntheticSpectrumImage(Index rows, Index columns, Index channels);

  Shape shape() const;
  /// Energy of channel `k` in keV.
  static double Energy(Index k);
  /// The lazy array, generated chunk by chunk (no storage); `chunk_shape` in array order.
  Array MakeArray(const Shape& chunk_shape) const;

  /// Closed forms of data.sum(axis=2)[i, j], data.sum(axis=(0, 1))[k], data.max(axis=(0, 1))[k].
  double NavigatorValue(Index i, Index j) const;
  double SumSpectrumValue(Index k) const;
  double MaxSpectrumValue(Index k) const;

  /// The largest relative difference between the computed results and the closed forms, over
  /// every element; +inf when a shape or dtype is wrong.
  double MaxRelativeError(const NdArray& navigator, const NdArray& sum_spectrum, const NdArray& max_spectrum) const;

  /// The X-ray line nearest to `energy` (keV) among the ones in the spectrum, e.g. "Fe_Ka".
  static std::string NearestLine(double energy);

 private:
  struct Tables {
    std::vector<double> row_weight;     // per i
    std::vector<double> column_weight;  // per j
    std::vector<double> spectrum;       // per k
  };
  std::shared_ptr<const Tables> tables_;
  double spectrum_total_ = 0;  // sum of spectrum
  double weight_total_ = 0;    // sum of row weights * sum of column weights
  double weight_max_ = 0;      // max row weight * max column weight
};

}  // namespace hyperchunk::cli
