// The eager reference: reductions, arg-reductions and coarsen, by gathering each output element's
// inputs (in C order) and reducing them with long double accumulators.
#include <cmath>
#include <limits>
#include <string>

#include "testing/eager.h"
#include "testing/eager_internal.h"

namespace hyperchunk::test {
namespace {

using internal::ForEachIndex;
using internal::kIsInt;
using internal::Strides;

/// Input positions (linear, C order) that feed each output element.
struct Grouping {
  Shape out_shape;
  std::vector<std::vector<Index>> groups;  // one per output element, in output C order
};

template <typename T>
using SumType =
    std::conditional_t<std::is_floating_point_v<T>, T,
                       std::conditional_t<std::is_same_v<T, bool> || std::is_signed_v<T>, int64_t, uint64_t>>;
template <typename T>
using MeanType = std::conditional_t<std::is_floating_point_v<T>, T, double>;

template <typename T>
bool IsNan(T x) {
  if constexpr (std::is_floating_point_v<T>) return std::isnan(x);
  else return false;
}

template <typename T>
SumType<T> SumOf(const std::vector<T>& v, bool skip_nan) {
  if constexpr (std::is_floating_point_v<T>) {
    long double acc = 0;
    for (T x : v) {
      if (!(skip_nan && std::isnan(x))) acc += x;
    }
    return static_cast<T>(acc);
  } else {
    uint64_t acc = 0;
    for (T x : v) acc += static_cast<uint64_t>(static_cast<SumType<T>>(x));
    return static_cast<SumType<T>>(acc);
  }
}

/// Sum and count of the values (NaN skipped when asked), in long double.
template <typename T>
std::pair<long double, Index> RealSum(const std::vector<T>& v, bool skip_nan) {
  long double acc = 0;
  Index count = 0;
  for (T x : v) {
    if (skip_nan && IsNan(x)) continue;
    acc += static_cast<long double>(x);
    ++count;
  }
  return {acc, count};
}

template <typename T>
MeanType<T> MeanOf(const std::vector<T>& v, bool skip_nan) {
  const auto [sum, count] = RealSum(v, skip_nan);
  if (count == 0) return std::numeric_limits<MeanType<T>>::quiet_NaN();
  return static_cast<MeanType<T>>(sum / static_cast<long double>(count));
}

/// numpy's var: sum((x - mean)^2) / max(n - ddof, 0) (0/0 is NaN, x/0 is inf).
template <typename T>
MeanType<T> VarOf(const std::vector<T>& v, int ddof) {
  const auto [sum, count] = RealSum(v, false);
  if (count == 0) return std::numeric_limits<MeanType<T>>::quiet_NaN();
  const long double mean = sum / static_cast<long double>(count);
  long double squares = 0;
  for (T x : v) squares += (static_cast<long double>(x) - mean) * (static_cast<long double>(x) - mean);
  const long double denom = static_cast<long double>(std::max<Index>(count - ddof, 0));
  return static_cast<MeanType<T>>(squares / denom);
}

/// Position of the first maximum (or minimum); a NaN wins at its first occurrence (numpy).
template <typename T>
int64_t ArgExtreme(const std::vector<T>& v, bool max) {
  int64_t best = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (IsNan(v[i])) return static_cast<int64_t>(i);
    if (max ? v[i] > v[static_cast<size_t>(best)] : v[i] < v[static_cast<size_t>(best)]) best = static_cast<int64_t>(i);
  }
  return best;
}

template <typename T>
T Extreme(const std::vector<T>& v, bool max) {
  return v[static_cast<size_t>(ArgExtreme(v, max))];
}

template <typename R, typename T, typename F>
NdArray ReduceGroups(const NdArray& a, const Grouping& grouping, F&& reduce) {
  NdArray out = NdArray::Empty(DTypeOf<R>(), grouping.out_shape);
  R* dst = out.data<R>();
  const T* src = a.data<T>();
  std::vector<T> values;
  for (size_t out_idx = 0; out_idx < grouping.groups.size(); ++out_idx) {
    values.clear();
    for (Index pos : grouping.groups[out_idx]) values.push_back(src[pos]);
    dst[out_idx] = reduce(values);
  }
  return out;
}

Result<NdArray> ApplyGrouping(ReduceOp op, const NdArray& a, const Grouping& grouping, int ddof) {
  const bool needs_identity =
      op == ReduceOp::kMin || op == ReduceOp::kMax || op == ReduceOp::kArgMin || op == ReduceOp::kArgMax;
  if (needs_identity) {
    for (const auto& group : grouping.groups) {
      if (group.empty()) return InvalidArgument("zero-size array to reduction operation which has no identity");
    }
  }
  NdArray out = VisitDType(a.dtype(), [&]<typename T>() -> NdArray {
    switch (op) {
      case ReduceOp::kSum:
      case ReduceOp::kNanSum:
        return ReduceGroups<SumType<T>, T>(a, grouping,
                                           [&](const auto& v) { return SumOf(v, op == ReduceOp::kNanSum); });
      case ReduceOp::kMean:
      case ReduceOp::kNanMean:
        return ReduceGroups<MeanType<T>, T>(a, grouping,
                                            [&](const auto& v) { return MeanOf(v, op == ReduceOp::kNanMean); });
      case ReduceOp::kVar:
        return ReduceGroups<MeanType<T>, T>(a, grouping, [&](const auto& v) { return VarOf(v, ddof); });
      case ReduceOp::kStd:
        return ReduceGroups<MeanType<T>, T>(a, grouping, [&](const auto& v) {
          return static_cast<MeanType<T>>(std::sqrt(static_cast<long double>(VarOf(v, ddof))));
        });
      case ReduceOp::kMin:
      case ReduceOp::kMax:
        return ReduceGroups<T, T>(a, grouping, [&](const auto& v) { return Extreme(v, op == ReduceOp::kMax); });
      case ReduceOp::kArgMin:
      case ReduceOp::kArgMax:
        return ReduceGroups<int64_t, T>(a, grouping,
                                        [&](const auto& v) { return ArgExtreme(v, op == ReduceOp::kArgMax); });
    }
    return NdArray();
  });
  // The documented result dtype (dtype.h) decides; the reference's own type must agree in value.
  const DType want = ReduceResultType(op, a.dtype());
  if (out.dtype() != want) out = EagerAsType(out, want);
  return out;
}

/// Normalizes `axes` against `rank`: a mask of reduced axes. Errors as numpy's AxisError.
Result<std::vector<bool>> AxisMask(size_t rank, const std::optional<std::vector<int>>& axes) {
  std::vector<bool> mask(rank, !axes.has_value());
  if (!axes) return mask;
  for (int axis : *axes) {
    const int r = static_cast<int>(rank);
    if (axis < -r || axis >= r) {
      return InvalidArgument("axis " + std::to_string(axis) + " is out of bounds for array of dimension " +
                             std::to_string(rank));
    }
    const size_t dim = static_cast<size_t>(axis < 0 ? axis + r : axis);
    if (mask[dim]) return InvalidArgument("duplicate value in 'axis'");
    mask[dim] = true;
  }
  return mask;
}

Grouping ReductionGrouping(const Shape& shape, const std::vector<bool>& mask, bool keepdims) {
  Shape kept_shape;
  Shape reduced_shape;
  std::vector<Index> kept_strides;
  std::vector<Index> reduced_strides;
  const std::vector<Index> strides = Strides(shape);
  Grouping grouping;
  for (size_t dim = 0; dim < shape.size(); ++dim) {
    if (mask[dim]) {
      reduced_shape.push_back(shape[dim]);
      reduced_strides.push_back(strides[dim]);
      if (keepdims) grouping.out_shape.push_back(1);
    } else {
      kept_shape.push_back(shape[dim]);
      kept_strides.push_back(strides[dim]);
      grouping.out_shape.push_back(shape[dim]);
    }
  }
  ForEachIndex(kept_shape, [&](const std::vector<Index>& kept, Index) {
    const Index base = internal::Dot(kept, kept_strides);
    std::vector<Index> group;
    ForEachIndex(reduced_shape, [&](const std::vector<Index>& reduced, Index) {
      group.push_back(base + internal::Dot(reduced, reduced_strides));
    });
    grouping.groups.push_back(std::move(group));
  });
  return grouping;
}

}  // namespace

Index ReducedCount(const Shape& shape, const std::optional<std::vector<int>>& axes) {
  Result<std::vector<bool>> mask = AxisMask(shape.size(), axes);
  if (!mask.ok()) return 0;
  Index n = 1;
  for (size_t dim = 0; dim < shape.size(); ++dim) n *= (*mask)[dim] ? shape[dim] : 1;
  return n;
}

Result<NdArray> EagerReduce(ReduceOp op, const NdArray& a, std::optional<std::vector<int>> axes, bool keepdims,
                            int ddof) {
  if (op == ReduceOp::kArgMax || op == ReduceOp::kArgMin) {
    if (keepdims) return InvalidArgument("eager reference: arg reductions have no keepdims");
    if (!axes) return EagerArgReduce(op, a, std::nullopt);
    if (axes->size() != 1) return InvalidArgument("arg reductions take one axis");
    return EagerArgReduce(op, a, (*axes)[0]);
  }
  HC_ASSIGN_OR_RETURN(const std::vector<bool> mask, AxisMask(a.rank(), axes));
  return ApplyGrouping(op, a, ReductionGrouping(a.shape(), mask, keepdims), ddof);
}

Result<NdArray> EagerArgReduce(ReduceOp op, const NdArray& a, std::optional<int> axis) {
  if (op != ReduceOp::kArgMax && op != ReduceOp::kArgMin) return InvalidArgument("not an arg reduction");
  std::optional<std::vector<int>> axes;
  if (axis) axes = std::vector<int>{*axis};
  HC_ASSIGN_OR_RETURN(const std::vector<bool> mask, AxisMask(a.rank(), axes));
  return ApplyGrouping(op, a, ReductionGrouping(a.shape(), mask, false), 0);
}

Result<NdArray> EagerCoarsen(ReduceOp op, const NdArray& a, const std::vector<Index>& factors, bool trim_excess) {
  if (op != ReduceOp::kSum && op != ReduceOp::kMean && op != ReduceOp::kMin && op != ReduceOp::kMax) {
    return InvalidArgument("coarsen takes sum, mean, min or max");
  }
  if (factors.size() != a.rank()) return InvalidArgument("coarsen needs one factor per axis");
  Grouping grouping;
  for (size_t dim = 0; dim < a.rank(); ++dim) {
    if (factors[dim] < 1) return InvalidArgument("coarsen factors must be positive");
    if (!trim_excess && a.shape()[dim] % factors[dim] != 0) {
      return InvalidArgument("coarsening factor does not align with the axis");
    }
    grouping.out_shape.push_back(a.shape()[dim] / factors[dim]);
  }
  const std::vector<Index> strides = Strides(a.shape());
  ForEachIndex(grouping.out_shape, [&](const std::vector<Index>& out_index, Index) {
    std::vector<Index> group;
    ForEachIndex(Shape(factors.begin(), factors.end()), [&](const std::vector<Index>& in_block, Index) {
      Index pos = 0;
      for (size_t dim = 0; dim < out_index.size(); ++dim)
        pos += (out_index[dim] * factors[dim] + in_block[dim]) * strides[dim];
      group.push_back(pos);
    });
    grouping.groups.push_back(std::move(group));
  });
  return ApplyGrouping(op, a, grouping, 0);
}

}  // namespace hyperchunk::test
