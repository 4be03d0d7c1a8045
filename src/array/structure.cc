// Operations that move values around: indexing, transpose, expand_dims, rechunk, coarsen,
// concatenate, stack and map_blocks.
#include <algorithm>

#include <fmt/format.h>

#include "hyperchunk/array/array.h"
#include "node.h"
#include "reduce_kernels.h"

namespace hyperchunk {

using internal::AxisSelection;
using internal::NodePtr;

namespace {

Index FloorDiv(Index a, Index b) {
  Index q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// numpy's slice.indices(n) and the resulting length.
Result<AxisSelection> NormalizeSlice(const Slice& s, Index n) {
  if (s.step == 0) return InvalidArgument("slice step cannot be zero");
  AxisSelection a;
  a.step = s.step;
  Index start, stop;
  if (s.step > 0) {
    start = s.start.value_or(0);
    stop = s.stop.value_or(n);
    if (start < 0) start = std::max<Index>(start + n, 0);
    if (stop < 0) stop = std::max<Index>(stop + n, 0);
    start = std::min(start, n);
    stop = std::min(stop, n);
    a.length = stop > start ? (stop - start + s.step - 1) / s.step : 0;
  } else {
    start = s.start.value_or(n - 1);
    stop = s.stop.has_value() ? *s.stop : -1;
    if (s.start.has_value() && start < 0) start = std::max<Index>(start + n, -1);
    if (s.stop.has_value() && stop < 0) stop = std::max<Index>(stop + n, -1);
    start = std::min(start, n - 1);
    stop = std::min(stop, n - 1);
    a.length = start > stop ? (start - stop - 1) / (-s.step) + 1 : 0;
  }
  a.start = a.length > 0 ? start : 0;
  return a;
}

// Output chunks of a sliced axis: the selected elements of each input chunk, in output order.
std::vector<Index> SlicedChunks(const std::vector<Index>& lengths, const AxisSelection& s) {
  std::vector<Index> bounds{0};
  for (Index len : lengths) bounds.push_back(bounds.back() + len);
  std::vector<Index> out;
  const size_t n = lengths.size();
  for (size_t i = 0; i < n; ++i) {
    const size_t c = s.step > 0 ? i : n - 1 - i;
    const Index c0 = bounds[c], c1 = bounds[c + 1];
    Index k_lo, k_hi;
    if (s.step > 0) {
      k_lo = -FloorDiv(-(c0 - s.start), s.step);  // ceil
      k_hi = -FloorDiv(-(c1 - s.start), s.step);
    } else {
      const Index st = -s.step;
      k_lo = FloorDiv(s.start - c1, st) + 1;
      k_hi = FloorDiv(s.start - c0, st) + 1;
    }
    k_lo = std::clamp<Index>(k_lo, 0, s.length);
    k_hi = std::clamp<Index>(k_hi, 0, s.length);
    if (k_hi > k_lo) out.push_back(k_hi - k_lo);
  }
  if (out.empty()) out.push_back(0);
  return out;
}

}  // namespace

Array Array::operator[](const std::vector<IndexItem>& items) const {
  if (!ok()) return *this;
  const size_t rank = this->rank();
  size_t n_ellipsis = 0, n_axes = 0;
  for (const auto& it : items) {
    if (std::holds_alternative<Ellipsis>(it)) ++n_ellipsis;
    else ++n_axes;
  }
  if (n_ellipsis > 1) return Array(InvalidArgument("an index can only have a single ellipsis ('...')"));
  if (n_axes > rank)
    return Array(OutOfRange(
        fmt::format("too many indices for array: array is {}-dimensional, but {} were indexed", rank, n_axes)));
  std::vector<IndexItem> full;
  for (const auto& it : items) {
    if (std::holds_alternative<Ellipsis>(it)) {
      for (size_t k = 0; k < rank - n_axes; ++k) full.emplace_back(Slice{});
    } else {
      full.push_back(it);
    }
  }
  while (full.size() < rank) full.emplace_back(Slice{});

  std::vector<AxisSelection> sel(rank);
  std::vector<std::vector<Index>> out_chunks;
  bool identity = true;
  for (size_t d = 0; d < rank; ++d) {
    const Index n = shape()[d];
    if (const auto* i = std::get_if<Index>(&full[d])) {
      const Index idx = *i < 0 ? *i + n : *i;
      if (idx < 0 || idx >= n)
        return Array(OutOfRange(fmt::format("index {} is out of bounds for axis {} with size {}", *i, d, n)));
      sel[d] = AxisSelection{true, idx, 1, 1};
      identity = false;
      continue;
    }
    auto s = NormalizeSlice(std::get<Slice>(full[d]), n);
    if (!s.ok()) return Array(s.status());
    sel[d] = *s;
    if (!(s->step == 1 && s->start == 0 && s->length == n)) identity = false;
    out_chunks.push_back(SlicedChunks(chunks().lengths(d), *s));
  }
  if (identity) return *this;
  auto grid = ChunkGrid::Make(std::move(out_chunks));
  if (!grid.ok()) return Array(grid.status());
  return Array(std::make_shared<internal::SliceNode>(node_, std::move(sel), std::move(*grid)));
}

Array Array::Transpose(std::vector<int> axes) const {
  if (!ok()) return *this;
  const int rank = static_cast<int>(this->rank());
  if (axes.empty()) {
    for (int d = rank - 1; d >= 0; --d) axes.push_back(d);
  }
  if (static_cast<int>(axes.size()) != rank) return Array(InvalidArgument("axes don't match array"));
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int& a : axes) {
    if (a < 0) a += rank;
    if (a < 0 || a >= rank || seen[static_cast<size_t>(a)])
      return Array(
          InvalidArgument(fmt::format("axes {} are not a permutation of {} axes", fmt::join(axes, ","), rank)));
    seen[static_cast<size_t>(a)] = true;
  }
  bool identity = true;
  for (int d = 0; d < rank; ++d) identity = identity && axes[static_cast<size_t>(d)] == d;
  if (identity) return *this;
  return Array(std::make_shared<internal::TransposeNode>(node_, std::move(axes)));
}

Array Array::ExpandDims(int axis) const {
  if (!ok()) return *this;
  const int rank = static_cast<int>(this->rank());
  const int a = axis < 0 ? axis + rank + 1 : axis;
  if (a < 0 || a > rank)
    return Array(OutOfRange(fmt::format("axis {} is out of bounds for array of dimension {}", axis, rank + 1)));
  return Array(std::make_shared<internal::ExpandDimsNode>(node_, a));
}

Array Array::Rechunk(const ChunkGrid& chunks) const {
  if (!ok()) return *this;
  if (chunks.shape() != shape())
    return Array(InvalidArgument(
        fmt::format("chunks {} do not add up to the shape {}", chunks.ToString(), ShapeToString(shape()))));
  if (chunks == this->chunks()) return *this;
  return Array(std::make_shared<internal::RechunkNode>(node_, chunks));
}

Array Array::Rechunk(const Shape& chunk_shape) const {
  if (!ok()) return *this;
  if (chunk_shape.size() != rank())
    return Array(InvalidArgument(fmt::format("chunk shape {} has {} entries for an array of dimension {}",
                                             ShapeToString(chunk_shape), chunk_shape.size(), rank())));
  return Rechunk(ChunkGrid::Regular(shape(), chunk_shape));
}

Array Array::Coarsen(ReduceOp op, const std::vector<Index>& factors, bool trim_excess) const {
  if (!ok()) return *this;
  if (op != ReduceOp::kSum && op != ReduceOp::kMean && op != ReduceOp::kMin && op != ReduceOp::kMax &&
      op != ReduceOp::kNanSum && op != ReduceOp::kNanMean)
    return Array(InvalidArgument(
        fmt::format("coarsen supports sum, mean, min, max, nansum and nanmean, not {}", ReduceOpName(op))));
  if (factors.size() != rank())
    return Array(InvalidArgument(fmt::format("coarsen needs {} factors, got {}", rank(), factors.size())));
  Array src = *this;
  std::vector<IndexItem> trim;
  bool needs_trim = false;
  for (size_t d = 0; d < rank(); ++d) {
    if (factors[d] < 1)
      return Array(InvalidArgument(fmt::format("coarsen factor {} on axis {} must be >= 1", factors[d], d)));
    const Index rem = shape()[d] % factors[d];
    if (rem != 0 && !trim_excess)
      return Array(InvalidArgument(
          fmt::format("coarsening factor {} does not divide axis {} of length {} (pass trim_excess to drop the rest)",
                      factors[d], d, shape()[d])));
    needs_trim = needs_trim || rem != 0;
    trim.emplace_back(Slice{0, shape()[d] - rem, 1});
  }
  if (needs_trim) src = (*this)[trim];
  if (!src.ok()) return src;
  std::vector<std::vector<Index>> out_chunks;
  for (size_t d = 0; d < rank(); ++d) {
    std::vector<Index> bounds{0}, lens;
    for (Index len : src.chunks().lengths(d)) bounds.push_back(bounds.back() + len);
    Index prev = 0;
    for (size_t i = 1; i < bounds.size(); ++i) {
      const Index b = bounds[i] / factors[d];
      if (b > prev) {
        lens.push_back(b - prev);
        prev = b;
      }
    }
    if (lens.empty()) lens.push_back(0);
    out_chunks.push_back(std::move(lens));
  }
  auto grid = ChunkGrid::Make(std::move(out_chunks));
  if (!grid.ok()) return Array(grid.status());
  return Array(std::make_shared<internal::CoarsenNode>(op, src.node(), factors, internal::ReduceResultType(op, dtype()),
                                                       std::move(*grid)));
}

Array Concatenate(const std::vector<Array>& arrays, int axis) {
  if (arrays.empty()) return Array(InvalidArgument("need at least one array to concatenate"));
  for (const auto& a : arrays) {
    if (!a.ok()) return a;
  }
  const Shape& s0 = arrays[0].shape();
  const int rank = static_cast<int>(s0.size());
  if (rank == 0) return Array(InvalidArgument("zero-dimensional arrays cannot be concatenated"));
  const int ax = axis < 0 ? axis + rank : axis;
  if (ax < 0 || ax >= rank)
    return Array(OutOfRange(fmt::format("axis {} is out of bounds for array of dimension {}", axis, rank)));
  const size_t a = static_cast<size_t>(ax);
  DType dtype = arrays[0].dtype();
  std::vector<NodePtr> nodes;
  for (const auto& arr : arrays) {
    const Shape& s = arr.shape();
    bool match = s.size() == s0.size();
    for (size_t d = 0; match && d < s.size(); ++d) match = d == a || s[d] == s0[d];
    if (!match)
      return Array(
          InvalidArgument(fmt::format("all input array dimensions except for the concatenation axis must "
                                      "match exactly: {} vs {}",
                                      ShapeToString(s0), ShapeToString(s))));
    dtype = PromoteTypes(dtype, arr.dtype());
    nodes.push_back(arr.node());
  }
  std::vector<std::vector<Index>> chunks(s0.size());
  for (size_t d = 0; d < s0.size(); ++d) {
    for (const auto& arr : arrays) {
      const auto& lens = arr.chunks().lengths(d);
      if (d == a) {
        if (arr.shape()[d] > 0) chunks[d].insert(chunks[d].end(), lens.begin(), lens.end());
      } else {
        chunks[d] = chunks[d].empty() ? lens : RefineChunks(chunks[d], lens);
      }
    }
    if (chunks[d].empty()) chunks[d].push_back(0);
  }
  auto grid = ChunkGrid::Make(std::move(chunks));
  if (!grid.ok()) return Array(grid.status());
  if (nodes.size() == 1 && dtype == arrays[0].dtype() && *grid == arrays[0].chunks()) return arrays[0];
  return Array(std::make_shared<internal::ConcatNode>(std::move(nodes), ax, dtype, std::move(*grid)));
}

Array Stack(const std::vector<Array>& arrays, int axis) {
  if (arrays.empty()) return Array(InvalidArgument("need at least one array to stack"));
  std::vector<Array> expanded;
  for (const auto& arr : arrays) {
    if (!arr.ok()) return arr;
    if (arr.shape() != arrays[0].shape())
      return Array(InvalidArgument(fmt::format("all input arrays must have the same shape: {} vs {}",
                                               ShapeToString(arrays[0].shape()), ShapeToString(arr.shape()))));
    expanded.push_back(arr.ExpandDims(axis));
    if (!expanded.back().ok()) return expanded.back();
  }
  const int rank = static_cast<int>(arrays[0].rank()) + 1;
  return Concatenate(expanded, axis < 0 ? axis + rank : axis);
}

Array MapBlocks(const std::vector<Array>& inputs, DType out_dtype, std::string name, BlockFunction fn) {
  if (inputs.empty()) return Array(InvalidArgument("map_blocks needs at least one input"));
  std::vector<NodePtr> nodes;
  std::vector<std::vector<Index>> chunks = inputs[0].chunks().all_lengths();
  for (const auto& in : inputs) {
    if (!in.ok()) return in;
    if (in.shape() != inputs[0].shape())
      return Array(InvalidArgument(fmt::format("map_blocks inputs must have equal shapes: {} vs {}",
                                               ShapeToString(inputs[0].shape()), ShapeToString(in.shape()))));
    for (size_t d = 0; d < chunks.size(); ++d) chunks[d] = RefineChunks(chunks[d], in.chunks().lengths(d));
    nodes.push_back(in.node());
  }
  auto grid = ChunkGrid::Make(std::move(chunks));
  if (!grid.ok()) return Array(grid.status());
  return Array(std::make_shared<internal::MapBlocksNode>(std::move(nodes), out_dtype, std::move(*grid), std::move(name),
                                                         std::move(fn)));
}

}  // namespace hyperchunk
