// Reduction kernels (internal): fold tiles of input into a running state shaped like the result
// (reduced axes of length 1), merge states, finalise. Float sums use numpy's pairwise summation
// along contiguous runs; the order of folds is fixed by the caller, so results do not depend on
// how many threads ran.
#pragma once

#include <vector>

#include "hyperchunk/array/array.h"

namespace hyperchunk::internal {

/// Running state of a reduction over part of the data.
struct ReduceState {
  /// sum | sum | value | mean, m2, count | sum, count | value, index — by op.
  std::vector<NdArray> parts;
  Index nbytes() const;
};

class Reducer {
 public:
  Reducer(ReduceOp op, DType in_dtype, int ddof = 0);
  ReduceOp op() const { return op_; }
  DType out_dtype() const;
  /// Bytes of state per result element.
  Index state_item_bytes() const;
  /// A state of `keep_shape` holding the identity (nothing folded yet).
  ReduceState Init(const Shape& keep_shape) const;
  /// Folds `tile` (in_dtype, contiguous) into `state`. `reduced[d]` marks reduced axes; `offset[d]` is
  /// where the tile starts inside the state on kept axes (ignored on reduced ones). For argmax and
  /// argmin, `arg_start[d]` is the tile's global start and `arg_sizes[d]` the full length of each
  /// reduced axis: indices are C-order positions over the reduced axes.
  void Accumulate(const NdArray& tile, const std::vector<bool>& reduced, const std::vector<Index>& offset,
                  const std::vector<Index>& arg_start, const std::vector<Index>& arg_sizes, ReduceState& state) const;
  /// into = into ⊕ from (equal shapes); `from` holds later elements than `into`.
  void Merge(ReduceState& into, const ReduceState& from) const;
  /// The result array (keep shape); `total_count` = elements reduced into each result element.
  NdArray Finalize(ReduceState state, Index total_count) const;

 private:
  ReduceOp op_;
  DType in_dtype_;
  int ddof_;
};

/// The result dtype of a reduction of `dtype` (numpy's).
DType ReduceResultType(ReduceOp op, DType dtype);

}  // namespace hyperchunk::internal
