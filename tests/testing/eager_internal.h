// Loop helpers shared by the eager reference's .cc files.
#pragma once

#include <cstdint>
#include <type_traits>
#include <vector>

#include "hyperchunk/core/ndarray.h"
#include "hyperchunk/core/shape.h"

namespace hyperchunk::test::internal {

/// C-order strides in elements, computed by the reference itself.
inline std::vector<Index> Strides(const Shape& shape) {
  std::vector<Index> strides(shape.size(), 1);
  for (size_t dim = shape.size(); dim-- > 1;) strides[dim - 1] = strides[dim] * shape[dim];
  return strides;
}

/// Strides of `in` seen as broadcast to `out` (right-aligned; 0 where `in` has extent 1).
inline std::vector<Index> BroadcastStrides(const Shape& in, const Shape& out) {
  std::vector<Index> strides(out.size(), 0);
  const std::vector<Index> in_strides = Strides(in);
  const size_t offset = out.size() - in.size();
  for (size_t dim = 0; dim < in.size(); ++dim) strides[offset + dim] = in[dim] == 1 ? 0 : in_strides[dim];
  return strides;
}

inline Index Dot(const std::vector<Index>& index, const std::vector<Index>& strides) {
  Index offset = 0;
  for (size_t dim = 0; dim < index.size(); ++dim) offset += index[dim] * strides[dim];
  return offset;
}

/// Calls f(index, linear) for every position of `shape` in C order.
template <typename F>
void ForEachIndex(const Shape& shape, F&& f) {
  Index n = 1;
  for (Index extent : shape) n *= extent;
  std::vector<Index> index(shape.size(), 0);
  for (Index linear = 0; linear < n; ++linear) {
    f(static_cast<const std::vector<Index>&>(index), linear);
    for (size_t dim = shape.size(); dim-- > 0;) {
      if (++index[dim] < shape[dim]) break;
      index[dim] = 0;
    }
  }
}

/// Integer arithmetic that wraps like numpy (two's complement, no undefined behaviour).
template <typename T>
T WrapAdd(T x, T y) {
  return static_cast<T>(static_cast<uint64_t>(x) + static_cast<uint64_t>(y));
}
template <typename T>
T WrapSub(T x, T y) {
  return static_cast<T>(static_cast<uint64_t>(x) - static_cast<uint64_t>(y));
}
template <typename T>
T WrapMul(T x, T y) {
  return static_cast<T>(static_cast<uint64_t>(x) * static_cast<uint64_t>(y));
}
template <typename T>
T WrapNeg(T x) {
  return static_cast<T>(uint64_t{0} - static_cast<uint64_t>(x));
}

template <typename T>
inline constexpr bool kIsInt = std::is_integral_v<T> && !std::is_same_v<T, bool>;

}  // namespace hyperchunk::test::internal
