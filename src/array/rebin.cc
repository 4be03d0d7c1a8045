// Rebinning (HyperSpy 1.7 reference §6): integer block sums through Coarsen, and the linear
// (fractional-pixel) path as a lazy node whose output boxes pull just the input boxes they cover.
#include "hyperchunk/array/rebin.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "node.h"

// HyperSpy's numba loop rounds every product before adding it; a fused multiply-add would not.
#if defined(__GNUC__) && !defined(__clang__)
#define HC_NO_FP_CONTRACT __attribute__((optimize("fp-contract=off")))
#else
#define HC_NO_FP_CONTRACT
#endif

namespace hyperchunk {

namespace {

using internal::NodePtr;

// HyperSpy's wording, so that the signal layer can pass the messages on unchanged.
constexpr const char* kCollapseMessage =
    "One of your dimensions collapses to zero. Re-adjust your scale values or run code with crop=False to avoid this "
    "error.";
// Bins one axis may have (2^53: counts stay exact in double).
constexpr double kMaxBins = 9007199254740992.0;
constexpr const char* kFloatDTypeMessage = "Linear interpolation requires float dtype, change the dtype argument.";

// One input element's share of an output bin: input[index] * weight.
struct Term {
  Index index;
  double weight;
};

// The terms of output bin `bin` of an axis of `length` elements binned by `scale`, in the order of
// hyperspy.misc.array_tools._linear_bin_loop (same double arithmetic, so the same weights). A term
// past the axis (a bin starting at n after rounding, never read by a valid HyperSpy run) is left out.
void BinTerms(Index bin, double scale, Index length, std::vector<Term>& terms) {
  terms.clear();
  const double n = static_cast<double>(length);
  double x1 = static_cast<double>(bin) * scale;
  const double x2 = std::min(static_cast<double>(bin + 1) * scale, n);
  auto add = [&](double position, double weight) {
    const Index index = static_cast<Index>(std::floor(position));
    if (index >= 0 && index < length) terms.push_back(Term{index, weight});
  };
  if (x2 - x1 >= 1) {
    // Down-sampling: the partial first pixel (weight 0 when x1 is whole), whole pixels, the rest.
    const double cx1 = std::ceil(x1);
    add(x1, cx1 - x1);
    x1 = cx1;
    while (x2 - x1 >= 1) {
      add(x1, 1.0);
      x1 += 1;
    }
    if (x2 > x1) add(x1, x2 - x1);
  } else {
    // Up-sampling (or a last bin shorter than a pixel): at most two pixels share the bin.
    const double head = std::ceil(x1) - x1;
    if (scale > head && head > 0) {
      add(x1, head);
      x1 = std::ceil(x1);
    }
    if (x1 < x2) add(x1, x2 - x1);
  }
}

// The input positions [first, stop) that bins [bin_start, bin_stop) read: a bin's first position is
// floor(j·s) and its last one below min((j+1)·s, n), both monotone in j, so the end bins decide
// (bins that read nothing can only trail). An empty range when no bin reads anything.
std::pair<Index, Index> InputRange(Index bin_start, Index bin_stop, double scale, Index length) {
  std::vector<Term> terms;
  Index first = -1;
  Index bin = bin_start;
  for (; bin < bin_stop && first < 0; ++bin) {
    BinTerms(bin, scale, length, terms);
    if (!terms.empty()) first = terms.front().index;
  }
  if (first < 0) return {0, 0};
  for (Index last_bin = bin_stop - 1; last_bin >= bin_start; --last_bin) {
    BinTerms(last_bin, scale, length, terms);
    if (!terms.empty()) return {first, terms.back().index + 1};
  }
  return {0, 0};
}

// Where one pass reads and writes: `outer` blocks, each of `in_extent` (`out_extent`) rows of
// `inner` contiguous elements along the rebinned axis.
struct PassLayout {
  Index outer = 1;
  Index inner = 1;
  Index in_extent = 0;
  Index out_extent = 0;
};

// Output row `row` of every block += the terms' input rows times their weights, rounded in T after
// each step as numpy does (terms' indices are relative to the pulled input).
template <typename T>
HC_NO_FP_CONTRACT void AccumulateBin(const T* src, T* dst, const PassLayout& layout, Index row,
                                     const std::vector<Term>& terms) {
#if defined(__clang__)
#pragma clang fp contract(off)
#endif
  const Index inner = layout.inner;
  for (Index o = 0; o < layout.outer; ++o) {
    T* acc = dst + (o * layout.out_extent + row) * inner;
    for (const Term& term : terms) {
      const T* in = src + (o * layout.in_extent + term.index) * inner;
      const double weight = term.weight;
      for (Index k = 0; k < inner; ++k) {
        acc[k] = static_cast<T>(static_cast<double>(acc[k]) + static_cast<double>(in[k]) * weight);
      }
    }
  }
}

// One axis of the binning: `in` holds input positions [in_start, in_start + extent) of `axis`
// (of full length `length`); the result holds bins [bin_start, bin_stop) of that axis.
template <typename T>
Result<NdArray> BinAxis(const NdArray& in, size_t axis, Index in_start, Index length, double scale, Index bin_start,
                        Index bin_stop) {
  const Shape& in_shape = in.shape();
  Shape out_shape = in_shape;
  out_shape[axis] = bin_stop - bin_start;
  NdArray out = NdArray::Zeros(DTypeOf<T>(), out_shape);
  PassLayout layout;
  for (size_t d = 0; d < axis; ++d) layout.outer *= in_shape[d];
  for (size_t d = axis + 1; d < in_shape.size(); ++d) layout.inner *= in_shape[d];
  layout.in_extent = in_shape[axis];
  layout.out_extent = out_shape[axis];
  std::vector<Term> terms;
  for (Index bin = bin_start; bin < bin_stop; ++bin) {
    BinTerms(bin, scale, length, terms);
    for (Term& term : terms) {
      if (term.index < in_start || term.index >= in_start + layout.in_extent)
        return Internal(fmt::format("linear rebin: bin {} needs input position {} outside the pulled [{}, {})", bin,
                                    term.index, in_start, in_start + layout.in_extent));
      term.index -= in_start;
    }
    AccumulateBin(in.data<T>(), out.data<T>(), layout, bin - bin_start, terms);
  }
  return out;
}

// Linear rebinning of its input (already in the compute dtype, float32 or float64).
class RebinLinearNode final : public internal::Node {
 public:
  RebinLinearNode(NodePtr input, std::vector<double> factors, ChunkGrid chunks)
      : Node(internal::NodeKind::kCoarsen, input->dtype(), std::move(chunks), {input}), factors_(std::move(factors)) {}

  std::string Label() const override { return "rebin-linear"; }

  std::optional<Box> InputBox(size_t, const Box& out) const override {
    const Shape& in_shape = inputs()[0]->shape();
    Box b = out;
    for (size_t d = 0; d < factors_.size(); ++d) {
      std::tie(b.start[d], b.stop[d]) = InputRange(out.start[d], out.stop[d], factors_[d], in_shape[d]);
    }
    return b;
  }

  Result<NdArray> Eval(const Box& out, std::span<const NdArray> ins) const override {
    const Box in_box = *InputBox(0, out);
    const Shape& in_shape = inputs()[0]->shape();
    NdArray values = ins[0];
    // Axis after axis in array order, as HyperSpy: the rounding of the intermediates matches.
    for (size_t d = 0; d < factors_.size(); ++d) {
      Result<NdArray> next =
          dtype() == DType::kFloat32
              ? BinAxis<float>(values, d, in_box.start[d], in_shape[d], factors_[d], out.start[d], out.stop[d])
              : BinAxis<double>(values, d, in_box.start[d], in_shape[d], factors_[d], out.start[d], out.stop[d]);
      if (!next.ok()) return next.status();
      values = std::move(*next);
    }
    return values;
  }

 private:
  std::vector<double> factors_;
};

// Output chunks of one axis: cut where the input chunks are cut (scaled down), a short last piece
// (crop=False) joined to its neighbour, and pieces longer than the largest input chunk split.
std::vector<Index> LinearAxisChunks(const std::vector<Index>& in_lengths, double scale, Index out_length) {
  Index max_in = 1;
  for (Index len : in_lengths) max_in = std::max(max_in, len);
  std::vector<Index> pieces;
  Index position = 0, previous = 0;
  for (Index len : in_lengths) {
    position += len;
    const Index cut = std::min(out_length, static_cast<Index>(std::floor(static_cast<double>(position) / scale)));
    if (cut > previous) {
      pieces.push_back(cut - previous);
      previous = cut;
    }
  }
  if (previous < out_length) {
    if (pieces.empty()) pieces.push_back(0);
    pieces.back() += out_length - previous;
  }
  std::vector<Index> lengths;
  for (Index piece : pieces) {
    const Index parts = (piece + max_in - 1) / max_in;
    for (Index part = 0; part < parts; ++part) lengths.push_back(piece / parts + (part < piece % parts ? 1 : 0));
  }
  return lengths;
}

// The dtype the linear path computes in (HyperSpy's _linear_bin rules).
Result<DType> LinearComputeDType(DType input, std::optional<DType> requested) {
  if (requested && !IsFloat(*requested)) return InvalidArgument(kFloatDTypeMessage);
  if (!IsFloat(input)) return DType::kFloat64;  // integers (and bool) become float64, whatever float was asked
  if (!requested) return input;
  if (ItemSize(*requested) < ItemSize(input))
    return InvalidArgument(
        fmt::format("Cannot cast array data from dtype('{}') to dtype('{}') according to the rule "
                    "'safe'",
                    DTypeName(input), DTypeName(*requested)));
  return *requested;
}

}  // namespace

Index RebinLinearLength(Index length, double factor, bool crop) {
  const double bins = static_cast<double>(length) / factor;
  return static_cast<Index>(crop ? std::floor(bins) : std::ceil(bins));
}

Result<Array> RebinSum(const Array& a, const std::vector<Index>& factors, std::optional<DType> dtype) {
  HC_RETURN_IF_ERROR(a.status());
  const Shape& shape = a.shape();
  if (factors.size() != shape.size())
    return InvalidArgument(
        fmt::format("rebin needs one factor per axis: got {} for shape {}", factors.size(), ShapeToString(shape)));
  bool all_ones = true;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (factors[d] < 1)
      return InvalidArgument(fmt::format("rebin factor {} on axis {} must be at least 1", factors[d], d));
    if (shape[d] == 0) return InvalidArgument(kCollapseMessage);
    if (shape[d] % factors[d] != 0)
      return InvalidArgument(
          fmt::format("rebin factor {} does not divide axis {} of length {} (shape {}): use the "
                      "linear path for fractional binning",
                      factors[d], d, shape[d], ShapeToString(shape)));
    all_ones = all_ones && factors[d] == 1;
  }
  if (all_ones) return a;  // HyperSpy: a.copy(), dtype argument ignored
  // numpy.sum(block, dtype=dtype) converts each element to dtype and accumulates in dtype; summing
  // the converted values in the wider sum dtype and converting back gives the same (integers wrap).
  const Array source = dtype && *dtype != a.dtype() ? a.AsType(*dtype) : a;
  Array sum = source.Coarsen(ReduceOp::kSum, factors);
  if (dtype && sum.ok() && sum.dtype() != *dtype) sum = sum.AsType(*dtype);
  HC_RETURN_IF_ERROR(sum.status());
  return sum;
}

Result<Array> RebinLinear(const Array& a, const std::vector<double>& factors, bool crop, std::optional<DType> dtype) {
  HC_RETURN_IF_ERROR(a.status());
  const Shape& shape = a.shape();
  if (factors.size() != shape.size())
    return InvalidArgument(fmt::format(
        "The list of bins must match the number of dimensions, including the energy dimension: got {} factors for "
        "shape {}",
        factors.size(), ShapeToString(shape)));
  for (size_t d = 0; d < factors.size(); ++d) {
    if (!std::isfinite(factors[d]) || factors[d] <= 0)
      return InvalidArgument(fmt::format("rebin factor {} on axis {} must be a positive number", factors[d], d));
    if (static_cast<double>(shape[d]) / factors[d] > kMaxBins)
      return InvalidArgument(
          fmt::format("rebin factor {} on axis {} of length {} asks for too many bins", factors[d], d, shape[d]));
  }
  HC_ASSIGN_OR_RETURN(const DType compute, LinearComputeDType(a.dtype(), dtype));
  std::vector<std::vector<Index>> out_chunks;
  for (size_t d = 0; d < shape.size(); ++d) {
    const Index bins = RebinLinearLength(shape[d], factors[d], crop);
    if (bins <= 0) return InvalidArgument(kCollapseMessage);
    out_chunks.push_back(LinearAxisChunks(a.chunks().lengths(d), factors[d], bins));
  }
  HC_ASSIGN_OR_RETURN(ChunkGrid grid, ChunkGrid::Make(std::move(out_chunks)));
  const Array source = compute == a.dtype() ? a : a.AsType(compute);
  HC_RETURN_IF_ERROR(source.status());
  return Array(std::make_shared<RebinLinearNode>(source.node(), factors, std::move(grid)));
}

}  // namespace hyperchunk
