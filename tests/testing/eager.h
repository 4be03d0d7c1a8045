// The eager reference: every array operation of hyperchunk on in-memory NdArrays, written as plain
// nested loops with numpy 1.24's semantics, so the lazy engine can be checked against it.
//
// It uses only core (NdArray, the dtype rules of dtype.h, CastValue) and the operation enums of
// array.h; it never calls the lazy engine. Where hyperchunk's documented rules differ from numpy
// (no float16: float ufuncs of 8-bit ints and bool give float32) the reference follows hyperchunk's
// headers. Operations numpy refuses (bool subtract and negative,
// integers to negative powers, reductions without identity over empty axes) return an error.
#pragma once

#include <optional>
#include <vector>

#include "hyperchunk/array/array.h"
#include "hyperchunk/core/dtype.h"
#include "hyperchunk/core/ndarray.h"
#include "hyperchunk/core/shape.h"
#include "hyperchunk/core/status.h"

namespace hyperchunk::test {

// ---- dtype and shape rules ----------------------------------------------------------------------
/// numpy broadcasting of two shapes.
Result<Shape> BroadcastShapes(const Shape& a, const Shape& b);
/// Result dtype of `op` on operands of these dtypes (numpy's ufunc loop selection).
Result<DType> BinaryResultType(BinaryOp op, DType a, DType b);
Result<DType> UnaryResultType(UnaryOp op, DType a);
/// Result dtype of a reduction (SumResultType, MeanResultType, same dtype, int64).
DType ReduceResultType(ReduceOp op, DType a);
/// numpy.result_type(a, lo, hi) for numpy.clip with Python scalars (either bound may be absent;
/// lo <= hi).
DType ClipResultType(DType a, const std::optional<Scalar>& lo, const std::optional<Scalar>& hi);

// ---- elementwise ------------------------------------------------------------------------------
/// numpy astype (unsafe casting) through CastValue.
NdArray EagerAsType(const NdArray& a, DType dtype);
Result<NdArray> EagerBinary(BinaryOp op, const NdArray& a, const NdArray& b);
Result<NdArray> EagerBinary(BinaryOp op, const NdArray& a, const Scalar& b);
Result<NdArray> EagerBinary(BinaryOp op, const Scalar& a, const NdArray& b);
Result<NdArray> EagerUnary(UnaryOp op, const NdArray& a);
/// numpy.where with broadcasting of all three; cond converted to bool.
Result<NdArray> EagerWhere(const NdArray& cond, const NdArray& a, const NdArray& b);
/// numpy.clip(a, lo, hi) = minimum(maximum(a, lo), hi) in ClipResultType (NaN in `a` stays NaN).
Result<NdArray> EagerClip(const NdArray& a, const std::optional<Scalar>& lo, const std::optional<Scalar>& hi);

// ---- reductions -------------------------------------------------------------------------------
/// Reduction over `axes` (nullopt: all; negative count from the end; duplicates are an error).
/// kArgMax/kArgMin need exactly one axis (or nullopt: the flattened array).
Result<NdArray> EagerReduce(ReduceOp op, const NdArray& a, std::optional<std::vector<int>> axes = std::nullopt,
                            bool keepdims = false, int ddof = 0);
/// numpy.argmax / argmin: over one axis, or over the flattened (C-order) array.
Result<NdArray> EagerArgReduce(ReduceOp op, const NdArray& a, std::optional<int> axis);
/// dask.array.coarsen: block reduction by `factors` (one per axis); op in sum, mean, min, max.
Result<NdArray> EagerCoarsen(ReduceOp op, const NdArray& a, const std::vector<Index>& factors, bool trim_excess);
/// Elements of each output element of a reduction over `axes` (1 for no axes).
Index ReducedCount(const Shape& shape, const std::optional<std::vector<int>>& axes);

// ---- structure --------------------------------------------------------------------------------
/// numpy basic indexing.
Result<NdArray> EagerIndex(const NdArray& a, const std::vector<IndexItem>& items);
/// numpy.transpose (empty axes: reversed).
Result<NdArray> EagerTranspose(const NdArray& a, std::vector<int> axes);
Result<NdArray> EagerExpandDims(const NdArray& a, int axis);
Result<NdArray> EagerConcatenate(const std::vector<NdArray>& arrays, int axis);
Result<NdArray> EagerStack(const std::vector<NdArray>& arrays, int axis);

// ---- sources ------------------------------------------------------------------------------------
NdArray EagerFull(double value, DType dtype, const Shape& shape);
/// numpy.arange(start, stop, step, dtype): ceil((stop - start) / step) values start + i * step.
NdArray EagerArange(double start, double stop, double step, DType dtype);

// ---- helpers ----------------------------------------------------------------------------------
/// Python's slice.indices(length): normalized start, step and the number of elements.
struct SliceIndices {
  Index start = 0;
  Index step = 1;
  Index length = 0;
};
Result<SliceIndices> NormalizeSlice(const Slice& slice, Index length);
/// Element count of a shape, computed by the reference itself.
Index CountElements(const Shape& shape);
/// A 0-d array of `dtype` holding the scalar converted by CastValue.
NdArray ScalarArray(const Scalar& scalar, DType dtype);

}  // namespace hyperchunk::test
