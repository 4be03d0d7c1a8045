// The lazy N-d array: shape, dtype and chunk grid known up front, values computed on request.
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "hyperchunk/core/chunk_grid.h"
#include "hyperchunk/core/dtype.h"
#include "hyperchunk/core/ndarray.h"
#include "hyperchunk/core/shape.h"
#include "hyperchunk/core/status.h"

namespace hyperchunk {

namespace internal {
class Node;
}  // namespace internal

/// Where chunks come from: a file's dataset, a generator. Implementations must be thread-safe:
/// ReadChunk is called from several worker threads at once.
class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  virtual DType dtype() const = 0;
  virtual const ChunkGrid& chunks() const = 0;
  /// Names the data in graphs and error messages, e.g. "ones" or "scan.hspy:/Experiments/a/data".
  virtual std::string name() const = 0;
  /// Fills `out` (already shaped as the chunk, dtype()) with the chunk's values.
  virtual Status ReadChunk(const ChunkIndex& chunk, NdArray& out) const = 0;
  /// Bytes a read of the chunk moves from storage (for throughput); defaults to the decoded size.
  virtual Index StoredBytes(const ChunkIndex& chunk) const;

  // ---- partial reads (optional) ----------------------------------------------------------
  /// True when ReadChunkBox reads only the bytes of a box of `chunk` (uncompressed storage). The
  /// executor then reads just the part of such a chunk that a computation needs.
  virtual bool CanReadPartial(const ChunkIndex& /*chunk*/) const { return false; }
  /// Fills `out` (dtype(), shaped as `box_in_chunk`) with the values of `box_in_chunk`, a box
  /// relative to the chunk's first element. Called only where CanReadPartial(chunk) is true; the
  /// default reads the whole chunk and copies the box.
  virtual Status ReadChunkBox(const ChunkIndex& chunk, const Box& box_in_chunk, NdArray& out) const;

  // ---- staged reads (optional) -----------------------------------------------------------
  /// True when the chunk can be read in two steps that together cost less than ReadChunk: a
  /// whole-chunk step into an opaque staging buffer (ReadStaged: for gzip + shuffle, the inflate,
  /// leaving the bytes shuffled) and a cheap step per box (ReadFromStaged: unshuffling just that
  /// box's elements). The executor then reads a large chunk that one task walks tile by tile from
  /// the staged bytes, never writing the decoded chunk out whole.
  virtual bool CanReadStaged(const ChunkIndex& /*chunk*/) const { return false; }
  /// Size of the staging buffer of `chunk` (called only where CanReadStaged is true).
  virtual Index StagedBytes(const ChunkIndex& chunk) const;
  /// Fills `staged` (StagedBytes(chunk) bytes).
  virtual Status ReadStaged(const ChunkIndex& chunk, std::span<std::byte> staged) const;
  /// Fills `out` (dtype(), shaped as `box_in_chunk`) with the values of `box_in_chunk` from the
  /// bytes ReadStaged left in `staged`.
  virtual Status ReadFromStaged(const ChunkIndex& chunk, std::span<const std::byte> staged, const Box& box_in_chunk,
                                NdArray& out) const;
};

/// Elementwise operations of two operands.
enum class BinaryOp {
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,       ///< true division: integer operands give float64 (numpy's true_divide)
  kFloorDivide,  ///< Python's //: floor for floats, floor division for ints (x // 0 = 0)
  kMod,          ///< Python's %: the sign of the divisor (x % 0 = 0 for ints)
  kPower,        ///< integer ** negative integer is an error at compute time, as in numpy
  kMaximum,      ///< NaN propagates (numpy.maximum)
  kMinimum,
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kLogicalAnd,
  kLogicalOr,
};

/// Elementwise operations of one operand.
enum class UnaryOp {
  kNegative,
  kAbs,
  kSquare,
  kSqrt,
  kExp,
  kLog,
  kLog10,
  kLog1p,
  kSin,
  kCos,
  kTan,
  kFloor,  ///< like sqrt, integers give floats (numpy 1.x)
  kCeil,
  kRint,  ///< round half to even
  kSign,
  kIsNan,
  kIsFinite,
  kLogicalNot,
};

/// Reductions over axes.
enum class ReduceOp { kSum, kMean, kMin, kMax, kVar, kStd, kArgMin, kArgMax, kNanSum, kNanMean };

std::string_view BinaryOpName(BinaryOp op);
std::string_view UnaryOpName(UnaryOp op);
std::string_view ReduceOpName(ReduceOp op);

/// The axes a reduction covers (array order; negative counts from the end): all of them by default,
/// or a list — `x.Sum({0, 1})`, `x.Sum(std::vector<int>{})` (no axis: numpy's axis=()).
class Axes {
 public:
  Axes() = default;                                                     ///< every axis (numpy's axis=None)
  Axes(std::nullopt_t) {}                                               // NOLINT(google-explicit-constructor)
  Axes(std::initializer_list<int> axes) : all_(false), list_(axes) {}   // NOLINT(google-explicit-constructor)
  Axes(std::vector<int> axes) : all_(false), list_(std::move(axes)) {}  // NOLINT(google-explicit-constructor)
  Axes(std::optional<std::vector<int>> axes)                            // NOLINT(google-explicit-constructor)
      : all_(!axes.has_value()), list_(axes.value_or(std::vector<int>{})) {}
  bool all() const { return all_; }
  const std::vector<int>& list() const { return list_; }

 private:
  bool all_ = true;
  std::vector<int> list_;
};

/// One entry of a basic index expression (numpy's basic indexing).
struct Slice {
  std::optional<Index> start;
  std::optional<Index> stop;
  Index step = 1;
};
struct Ellipsis {};
/// An integer (drops the axis; negative counts from the end), a Slice, or an Ellipsis.
using IndexItem = std::variant<Index, Slice, Ellipsis>;

/// Where a map_blocks function is called: the chunk's position and the box it covers.
struct BlockInfo {
  ChunkIndex chunk;
  Box box;
};
/// Computes one output chunk from the same chunk of each input. `out` is allocated with the
/// output dtype and the chunk's shape. Called from worker threads.
using BlockFunction = std::function<Status(std::span<const NdArray> blocks, const BlockInfo& info, NdArray& out)>;

/// A lazy array: an expression over chunked sources. Cheap to copy (shares the expression).
/// An operation given invalid arguments returns an Array holding the error (`status()`), which
/// flows through further operations and is returned by Compute — so chains read naturally.
class Array {
 public:
  Array();  ///< an invalid array (status() says so)
  explicit Array(std::shared_ptr<const internal::Node> node);
  explicit Array(Status error);

  // ---- sources --------------------------------------------------------------------------
  static Array Zeros(DType dtype, const Shape& shape, const Shape& chunk_shape);
  static Array Ones(DType dtype, const Shape& shape, const Shape& chunk_shape);
  /// Every element `value` converted to dtype.
  static Array Full(double value, DType dtype, const Shape& shape, const Shape& chunk_shape);
  /// 1-D [start, start+step, ...) below stop, as numpy.arange (length ceil((stop-start)/step)).
  static Array Arange(double start, double stop, double step, DType dtype, Index chunk);
  /// Wraps an in-memory array (no copy: the array must not be modified while this one lives).
  static Array FromNdArray(NdArray data, const ChunkGrid& chunks);
  static Array FromNdArray(NdArray data, const Shape& chunk_shape);
  /// Values made chunk by chunk: `fill(box, out)` writes the values of `box` into `out`.
  static Array FromGenerator(std::string name, DType dtype, const ChunkGrid& chunks,
                             std::function<Status(const Box& box, NdArray& out)> fill);
  /// Reads chunks from a store or any other ChunkSource.
  static Array FromSource(std::shared_ptr<const ChunkSource> source);

  // ---- what it is -----------------------------------------------------------------------
  const Status& status() const { return status_; }
  bool ok() const { return status_.ok(); }
  const Shape& shape() const;
  size_t rank() const { return shape().size(); }
  DType dtype() const;
  const ChunkGrid& chunks() const;
  Index size() const { return NumElements(shape()); }
  Index nbytes() const { return size() * ItemSize(dtype()); }
  /// Size of the dask graph that would express this array (dask's "Count ... Tasks"): a source
  /// of n chunks counts n + 1, each later operation adds its tasks.
  Index graph_task_count() const;
  /// The last operation's name ("sum", "add", "getitem"; a source's name for a source), for graphs and logs.
  std::string label() const;
  const std::shared_ptr<const internal::Node>& node() const { return node_; }

  // ---- elementwise -------------------------------------------------------------------------
  Array Map(UnaryOp op) const;
  Array AsType(DType dtype) const;
  /// numpy.clip(a, lo, hi); the result dtype follows numpy 1.x scalar rules (int bounds keep int arrays).
  Array Clip(std::optional<Scalar> lo, std::optional<Scalar> hi) const;

  // ---- reductions (axes: array order, negative counts from the end; nullopt = all axes) ---------
  Array Reduce(ReduceOp op, Axes axes = {}, bool keepdims = false, int ddof = 0) const;
  Array Sum(Axes axes = {}, bool keepdims = false) const;
  Array Mean(Axes axes = {}, bool keepdims = false) const;
  Array Min(Axes axes = {}, bool keepdims = false) const;
  Array Max(Axes axes = {}, bool keepdims = false) const;
  Array Var(Axes axes = {}, bool keepdims = false, int ddof = 0) const;
  Array Std(Axes axes = {}, bool keepdims = false, int ddof = 0) const;
  /// numpy.argmax: over one axis, or over the flattened array when axes is nullopt (C order).
  Array ArgMax(std::optional<int> axis = std::nullopt) const;
  Array ArgMin(std::optional<int> axis = std::nullopt) const;
  Array NanSum(Axes axes = {}, bool keepdims = false) const;
  Array NanMean(Axes axes = {}, bool keepdims = false) const;

  // ---- structure ---------------------------------------------------------------------------
  /// Basic indexing: integers drop their axis, slices keep it (steps and negatives as numpy).
  Array operator[](const std::vector<IndexItem>& items) const;
  Array GetItem(const std::vector<IndexItem>& items) const { return (*this)[items]; }
  /// Permutes the axes (empty: reverse them, as numpy.transpose).
  Array Transpose(std::vector<int> axes = {}) const;
  /// A new size-1 axis at `axis`.
  Array ExpandDims(int axis) const;
  Array Rechunk(const ChunkGrid& chunks) const;
  /// Regular chunks; entries <= 0 keep the whole axis.
  Array Rechunk(const Shape& chunk_shape) const;
  /// Block reduction by integer factors per axis (dask.array.coarsen): op is kSum, kMean, kMin or
  /// kMax. Without trim_excess every factor must divide its axis.
  Array Coarsen(ReduceOp op, const std::vector<Index>& factors, bool trim_excess = false) const;

  friend Array Concatenate(const std::vector<Array>& arrays, int axis);
  friend Array Stack(const std::vector<Array>& arrays, int axis);
  friend Array MapBlocks(const std::vector<Array>& inputs, DType out_dtype, std::string name, BlockFunction fn);

 private:
  std::shared_ptr<const internal::Node> node_;
  Status status_;
};

/// Elementwise with numpy broadcasting and type promotion.
Array Elementwise(BinaryOp op, const Array& a, const Array& b);
Array Elementwise(BinaryOp op, const Array& a, const Scalar& b);
Array Elementwise(BinaryOp op, const Scalar& a, const Array& b);
/// numpy.where(cond, a, b): cond is converted to bool; a and b promote.
Array Where(const Array& cond, const Array& a, const Array& b);
/// Joins arrays along an existing axis; dtypes promote; chunks of the other axes are refined.
Array Concatenate(const std::vector<Array>& arrays, int axis);
/// Joins arrays of equal shape along a new axis.
Array Stack(const std::vector<Array>& arrays, int axis);
/// A function per chunk; inputs are broadcast-free arrays of equal shape (chunks refined to agree).
Array MapBlocks(const std::vector<Array>& inputs, DType out_dtype, std::string name, BlockFunction fn);

/// A C++ arithmetic type (bool, integers, floating point).
template <typename T>
concept Arithmetic = std::is_arithmetic_v<T>;

/// A C++ number as a Python scalar operand: integers are ints, floating types floats.
template <Arithmetic T>
Scalar ToScalar(T v) {
  if constexpr (std::is_same_v<T, bool>) return Scalar::Bool(v);
  else if constexpr (std::is_unsigned_v<T> && sizeof(T) == 8) {
    Scalar s = Scalar::Int(static_cast<int64_t>(v));
    s.uint64_above_int64 = v > static_cast<uint64_t>(INT64_MAX);
    if (s.uint64_above_int64) s.float_value = static_cast<double>(v);
    return s;
  } else if constexpr (std::is_integral_v<T>) return Scalar::Int(static_cast<int64_t>(v));
  else return Scalar::Float(static_cast<double>(v));
}

Array operator+(const Array& a, const Array& b);
Array operator-(const Array& a, const Array& b);
Array operator*(const Array& a, const Array& b);
Array operator/(const Array& a, const Array& b);
Array operator-(const Array& a);

#define HC_SCALAR_OPERATOR(sym, op)         \
  template <Arithmetic T>                   \
  Array operator sym(const Array& a, T b) { \
    return Elementwise(op, a, ToScalar(b)); \
  }                                         \
  template <Arithmetic T>                   \
  Array operator sym(T a, const Array& b) { \
    return Elementwise(op, ToScalar(a), b); \
  }
HC_SCALAR_OPERATOR(+, BinaryOp::kAdd)
HC_SCALAR_OPERATOR(-, BinaryOp::kSubtract)
HC_SCALAR_OPERATOR(*, BinaryOp::kMultiply)
HC_SCALAR_OPERATOR(/, BinaryOp::kDivide)
#undef HC_SCALAR_OPERATOR

}  // namespace hyperchunk
