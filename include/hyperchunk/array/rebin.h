// Rebinning of lazy arrays, the data half of HyperSpy 1.7's `rebin` (reference §6): block sums
// for integer factors that divide their axes, fractional-pixel linear binning otherwise. Factors
// are in ARRAY order here; the signal layer converts from natural order and updates the axes.
#pragma once

#include <optional>
#include <vector>

#include "hyperchunk/array/array.h"
#include "hyperchunk/core/dtype.h"
#include "hyperchunk/core/shape.h"
#include "hyperchunk/core/status.h"

namespace hyperchunk {

/// HyperSpy's integer path (`hyperspy.misc.array_tools.rebin` without interpolation): each output
/// element is the sum of its block of `factors[d]` elements along every axis d (array order), as
/// numpy's `reshape(...).sum(axis=..., dtype=dtype)` / dask's `coarsen(np.sum, ..., dtype=dtype)`.
/// Every factor must be >= 1 and divide its axis; a zero-length axis is an error ("One of your
/// dimensions collapses to zero..."). The result dtype is numpy's sum dtype (SumResultType) when
/// `dtype` is nullopt, else `dtype`, and the sum is then accumulated in `dtype` (integers wrap,
/// bool is a logical or, floats are truncated towards zero for integer dtypes). When every factor
/// is 1, HyperSpy returns `a.copy()`: the same array, input dtype kept and `dtype` ignored.
/// Lazy, any chunking: output chunk boundaries are the source's divided by the factors (rounded
/// down), a block that straddles source chunks reads both; the source is never changed.
[[nodiscard]] Result<Array> RebinSum(const Array& a, const std::vector<Index>& factors,
                                     std::optional<DType> dtype = std::nullopt);

/// HyperSpy's linear path (`hyperspy.misc.array_tools._linear_bin`): per axis (array order, axis 0
/// first) with factor s > 0, output bin j covers input positions [j·s, min((j+1)·s, n)) and is the
/// sum of the covered elements weighted by their covered fraction; s < 1 up-samples. An axis of
/// length n gives floor(n/s) bins with `crop`, ceil(n/s) without (0 bins is an error).
///
/// dtype (HyperSpy's rules): integer or bool input is computed in float64 whatever float `dtype`
/// asks; float input is computed in `dtype` if given (float32 → float64 allowed, float64 → float32
/// refused as numpy's safe cast does), else in its own dtype. An integer or bool `dtype` is an
/// error ("Linear interpolation requires float dtype, change the dtype argument."). Every product
/// and sum is rounded in the compute dtype in HyperSpy's order, so float64 results are
/// bit-identical to HyperSpy's.
///
/// Lazy and out of core: output chunks follow the input chunks (boundaries at floor(boundary/s),
/// up-sampled chunks cut to at most the input chunk length); each output box reads only the input
/// box it overlaps, so each input chunk is read about once and memory stays near the chunk sizes.
[[nodiscard]] Result<Array> RebinLinear(const Array& a, const std::vector<double>& factors, bool crop = true,
                                        std::optional<DType> dtype = std::nullopt);

/// Bins of one axis of `length` elements linearly rebinned by `factor`: floor(length/factor) with
/// `crop`, else ceil(length/factor) (computed in double, as HyperSpy does).
Index RebinLinearLength(Index length, double factor, bool crop);

}  // namespace hyperchunk
