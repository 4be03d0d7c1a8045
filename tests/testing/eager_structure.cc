// The eager reference: basic indexing, transpose, expand_dims, concatenate, stack.
#include <algorithm>
#include <cstring>
#include <string>

#include "testing/eager.h"
#include "testing/eager_internal.h"

namespace hyperchunk::test {
namespace {

using internal::ForEachIndex;
using internal::Strides;

/// Copies element `src_pos` of `src` to `dst_pos` of `dst` (same dtype).
void CopyElement(const NdArray& src, Index src_pos, NdArray& dst, Index dst_pos) {
  const size_t item = static_cast<size_t>(ItemSize(src.dtype()));
  std::memcpy(static_cast<char*>(dst.raw()) + static_cast<size_t>(dst_pos) * item,
              static_cast<const char*>(src.raw()) + static_cast<size_t>(src_pos) * item, item);
}

Result<size_t> NormalizeAxis(int axis, size_t rank, const char* what) {
  const int r = static_cast<int>(rank);
  if (axis < -r || axis >= r) {
    return InvalidArgument(std::string(what) + ": axis " + std::to_string(axis) + " is out of bounds for rank " +
                           std::to_string(rank));
  }
  return static_cast<size_t>(axis < 0 ? axis + r : axis);
}

}  // namespace

Result<SliceIndices> NormalizeSlice(const Slice& slice, Index length) {
  if (slice.step == 0) return InvalidArgument("slice step cannot be zero");
  const Index step = slice.step;
  const Index lower = step < 0 ? -1 : 0;
  const Index upper = step < 0 ? length - 1 : length;
  auto clamp = [&](std::optional<Index> value, Index fallback) {
    if (!value) return fallback;
    Index v = *value;
    if (v < 0) {
      v += length;
      if (v < lower) v = lower;
    } else if (v > upper) {
      v = upper;
    }
    return v;
  };
  SliceIndices out;
  out.step = step;
  out.start = clamp(slice.start, step < 0 ? upper : lower);
  const Index stop = clamp(slice.stop, step < 0 ? lower : upper);
  if (step > 0) out.length = stop > out.start ? (stop - out.start - 1) / step + 1 : 0;
  else out.length = out.start > stop ? (out.start - stop - 1) / (-step) + 1 : 0;
  return out;
}

Result<NdArray> EagerIndex(const NdArray& a, const std::vector<IndexItem>& items) {
  // Expand the ellipsis (at most one) and pad with full slices.
  size_t explicit_items = 0;
  size_t ellipses = 0;
  for (const auto& item : items) {
    if (std::holds_alternative<Ellipsis>(item)) ++ellipses;
    else ++explicit_items;
  }
  if (ellipses > 1) return InvalidArgument("an index can only have a single ellipsis");
  if (explicit_items > a.rank()) {
    return InvalidArgument("too many indices for array: array is " + std::to_string(a.rank()) + "-dimensional, but " +
                           std::to_string(explicit_items) + " were indexed");
  }
  std::vector<IndexItem> full;
  for (const auto& item : items) {
    if (std::holds_alternative<Ellipsis>(item)) {
      for (size_t k = 0; k < a.rank() - explicit_items; ++k) full.emplace_back(Slice{});
    } else {
      full.push_back(item);
    }
  }
  while (full.size() < a.rank()) full.emplace_back(Slice{});

  // Per input axis: first element, step, and output length (or dropped).
  std::vector<Index> first(a.rank());
  std::vector<Index> step(a.rank());
  std::vector<int> out_dim(a.rank(), -1);
  Shape out_shape;
  for (size_t dim = 0; dim < a.rank(); ++dim) {
    const Index extent = a.shape()[dim];
    if (const Index* position = std::get_if<Index>(&full[dim])) {
      const Index p = *position < 0 ? *position + extent : *position;
      if (p < 0 || p >= extent) {
        return OutOfRange("index " + std::to_string(*position) + " is out of bounds for axis " + std::to_string(dim) +
                          " with size " + std::to_string(extent));
      }
      first[dim] = p;
      step[dim] = 0;
    } else {
      HC_ASSIGN_OR_RETURN(const SliceIndices s, NormalizeSlice(std::get<Slice>(full[dim]), extent));
      first[dim] = s.start;
      step[dim] = s.step;
      out_dim[dim] = static_cast<int>(out_shape.size());
      out_shape.push_back(s.length);
    }
  }
  NdArray out = NdArray::Empty(a.dtype(), out_shape);
  const std::vector<Index> strides = Strides(a.shape());
  ForEachIndex(out_shape, [&](const std::vector<Index>& index, Index linear) {
    Index pos = 0;
    for (size_t dim = 0; dim < a.rank(); ++dim) {
      const Index i = out_dim[dim] < 0 ? 0 : index[static_cast<size_t>(out_dim[dim])];
      pos += (first[dim] + i * step[dim]) * strides[dim];
    }
    CopyElement(a, pos, out, linear);
  });
  return out;
}

Result<NdArray> EagerTranspose(const NdArray& a, std::vector<int> axes) {
  const size_t rank = a.rank();
  if (axes.empty()) {
    for (size_t dim = rank; dim-- > 0;) axes.push_back(static_cast<int>(dim));
  }
  if (axes.size() != rank) return InvalidArgument("axes don't match array");
  std::vector<size_t> perm(rank);
  std::vector<bool> seen(rank, false);
  for (size_t k = 0; k < rank; ++k) {
    HC_ASSIGN_OR_RETURN(perm[k], NormalizeAxis(axes[k], rank, "transpose"));
    if (seen[perm[k]]) return InvalidArgument("repeated axis in transpose");
    seen[perm[k]] = true;
  }
  Shape out_shape(rank);
  for (size_t k = 0; k < rank; ++k) out_shape[k] = a.shape()[perm[k]];
  NdArray out = NdArray::Empty(a.dtype(), out_shape);
  const std::vector<Index> strides = Strides(a.shape());
  ForEachIndex(out_shape, [&](const std::vector<Index>& index, Index linear) {
    Index pos = 0;
    for (size_t k = 0; k < rank; ++k) pos += index[k] * strides[perm[k]];
    CopyElement(a, pos, out, linear);
  });
  return out;
}

Result<NdArray> EagerExpandDims(const NdArray& a, int axis) {
  HC_ASSIGN_OR_RETURN(const size_t dim, NormalizeAxis(axis, a.rank() + 1, "expand_dims"));
  Shape shape = a.shape();
  shape.insert(shape.begin() + static_cast<std::ptrdiff_t>(dim), 1);
  NdArray out = NdArray::Empty(a.dtype(), shape);
  for (Index i = 0; i < a.size(); ++i) CopyElement(a, i, out, i);
  return out;
}

Result<NdArray> EagerConcatenate(const std::vector<NdArray>& arrays, int axis) {
  if (arrays.empty()) return InvalidArgument("need at least one array to concatenate");
  const size_t rank = arrays[0].rank();
  if (rank == 0) return InvalidArgument("zero-dimensional arrays cannot be concatenated");
  HC_ASSIGN_OR_RETURN(const size_t dim, NormalizeAxis(axis, rank, "concatenate"));
  DType dtype = arrays[0].dtype();
  Shape shape = arrays[0].shape();
  shape[dim] = 0;
  for (const NdArray& array : arrays) {
    if (array.rank() != rank) return InvalidArgument("all the input arrays must have the same number of dimensions");
    for (size_t d = 0; d < rank; ++d) {
      if (d != dim && array.shape()[d] != arrays[0].shape()[d]) {
        return InvalidArgument("all the input array dimensions except for the concatenation axis must match");
      }
    }
    dtype = PromoteTypes(dtype, array.dtype());
    shape[dim] += array.shape()[dim];
  }
  NdArray out = NdArray::Empty(dtype, shape);
  const std::vector<Index> out_strides = Strides(shape);
  Index offset = 0;
  for (const NdArray& array : arrays) {
    const NdArray converted = EagerAsType(array, dtype);
    ForEachIndex(array.shape(), [&](const std::vector<Index>& index, Index linear) {
      std::vector<Index> out_index = index;
      out_index[dim] += offset;
      CopyElement(converted, linear, out, internal::Dot(out_index, out_strides));
    });
    offset += array.shape()[dim];
  }
  return out;
}

Result<NdArray> EagerStack(const std::vector<NdArray>& arrays, int axis) {
  if (arrays.empty()) return InvalidArgument("need at least one array to stack");
  std::vector<NdArray> expanded;
  for (const NdArray& array : arrays) {
    if (array.shape() != arrays[0].shape()) return InvalidArgument("all input arrays must have the same shape");
    HC_ASSIGN_OR_RETURN(NdArray e, EagerExpandDims(array, axis));
    expanded.push_back(std::move(e));
  }
  const int rank = static_cast<int>(arrays[0].rank()) + 1;
  return EagerConcatenate(expanded, axis < 0 ? axis + rank : axis);
}

}  // namespace hyperchunk::test
