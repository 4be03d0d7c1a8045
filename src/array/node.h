// The nodes of a lazy array's expression graph (internal). Each node knows its dtype, shape and
// chunk grid, which part of each input a box of its output needs, and how to compute that box from
// those parts. Reductions are computed by the planner (partials folded per chunk); every other
// node is evaluated by pulling boxes through it.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hyperchunk/array/array.h"

namespace hyperchunk::internal {

class Node;
using NodePtr = std::shared_ptr<const Node>;

enum class NodeKind {
  kSource,       ///< chunks from a ChunkSource (files, generators): read whole chunks, cached
  kMemory,       ///< an in-memory array: any box is a view or a copy
  kElementwise,  ///< unary, binary, where, cast — with broadcasting
  kReduce,       ///< a reduction over axes: planned as partials per input chunk
  kSlice,        ///< basic indexing
  kTranspose,
  kExpandDims,
  kRechunk,  ///< same values, another chunk grid
  kCoarsen,
  kConcat,
  kMapBlocks,
};

class Node {
 public:
  Node(NodeKind kind, DType dtype, ChunkGrid chunks, std::vector<NodePtr> inputs);
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  NodeKind kind() const { return kind_; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  const ChunkGrid& chunks() const { return chunks_; }
  const std::vector<NodePtr>& inputs() const { return inputs_; }
  /// Unique per process; orders nodes deterministically.
  uint64_t id() const { return id_; }

  /// Short label for graphs: "ones", "add", "sum", "getitem".
  virtual std::string Label() const = 0;
  /// The box of input `i` needed to compute `out` (a box of this node); nullopt if none.
  virtual std::optional<Box> InputBox(size_t i, const Box& out) const;
  /// Computes box `out` from the input boxes' values (in input order; an unused input is invalid).
  virtual Result<NdArray> Eval(const Box& out, std::span<const NdArray> ins) const;
  /// True when the node can only be evaluated on whole chunks of its own grid.
  virtual bool chunk_exact() const { return false; }
  /// Tasks this node adds to a dask-style graph count.
  virtual Index TaskCount() const { return chunks_.num_chunks(); }

 private:
  NodeKind kind_;
  DType dtype_;
  ChunkGrid chunks_;
  Shape shape_;
  std::vector<NodePtr> inputs_;
  uint64_t id_;
};

class SourceNode final : public Node {
 public:
  explicit SourceNode(std::shared_ptr<const ChunkSource> source);
  std::string Label() const override { return source_->name(); }
  Index TaskCount() const override { return chunks().num_chunks() + 1; }
  const ChunkSource& source() const { return *source_; }
  const std::shared_ptr<const ChunkSource>& shared_source() const { return source_; }

 private:
  std::shared_ptr<const ChunkSource> source_;
};

class MemoryNode final : public Node {
 public:
  MemoryNode(NdArray data, ChunkGrid chunks);
  std::string Label() const override { return rank_zero() ? "scalar" : "array"; }
  Result<NdArray> Eval(const Box& out, std::span<const NdArray> ins) const override;
  Index TaskCount() const override { return chunks().num_chunks() + 1; }
  const NdArray& data() const { return data_; }

 private:
  bool rank_zero() const { return data_.rank() == 0; }
  NdArray data_;
};

/// What an elementwise node computes.
struct ElementwiseFn {
  enum class Kind { kUnary, kBinary, kWhere, kCast };
  Kind kind = Kind::kCast;
  UnaryOp unary = UnaryOp::kNegative;
  BinaryOp binary = BinaryOp::kAdd;
};

class ElementwiseNode final : public Node {
 public:
  /// Inputs are cast to `compute_dtype` (a where's condition to bool), then `fn` gives `dtype`.
  ElementwiseNode(ElementwiseFn fn, DType compute_dtype, DType out_dtype, ChunkGrid chunks,
                  std::vector<NodePtr> inputs);
  std::string Label() const override;
  std::optional<Box> InputBox(size_t i, const Box& out) const override;
  Result<NdArray> Eval(const Box& out, std::span<const NdArray> ins) const override;

 private:
  ElementwiseFn fn_;
  DType compute_dtype_;
};

class ReduceNode final : public Node {
 public:
  /// `reduced[d]` marks the input axes reduced. `flat_arg` makes argmax/argmin index the flattened
  /// reduced axes (numpy's axis=None).
  ReduceNode(ReduceOp op, NodePtr input, std::vector<bool> reduced, bool keepdims, int ddof, DType out_dtype);
  std::string Label() const override;
  Index TaskCount() const override { return inputs()[0]->chunks().num_chunks() + chunks().num_chunks(); }
  ReduceOp op() const { return op_; }
  const std::vector<bool>& reduced() const { return reduced_; }
  bool keepdims() const { return keepdims_; }
  int ddof() const { return ddof_; }
  /// Shape of the result with reduced axes kept as length 1.
  Shape keep_shape() const;
  /// Output chunk (in this node's grid) that an input chunk contributes to.
  ChunkIndex OutputChunkOf(const ChunkIndex& input_chunk) const;
  /// The output box (this node's coordinates) for the keep-dims box of an input chunk.
  Box OutputBoxOf(const Box& input_box) const;

 private:
  ReduceOp op_;
  std::vector<bool> reduced_;
  bool keepdims_;
  int ddof_;
};

/// One axis of a basic index, normalised: an integer keeps one element and drops the axis.
struct AxisSelection {
  bool drop = false;  ///< an integer index
  Index start = 0;    ///< first input position
  Index step = 1;     ///< non-zero; negative walks backwards
  Index length = 0;   ///< selected elements (1 for an integer)
};

class SliceNode final : public Node {
 public:
  SliceNode(NodePtr input, std::vector<AxisSelection> selection, ChunkGrid chunks);
  std::string Label() const override { return "getitem"; }
  std::optional<Box> InputBox(size_t i, const Box& out) const override;
  Result<NdArray> Eval(const Box& out, std::span<const NdArray> ins) const override;

 private:
  std::vector<AxisSelection> sel_;
  std::vector<int> out_to_in_;  // input axis of each output axis
};

class TransposeNode final : public Node {
 public:
  TransposeNode(NodePtr input, std::vector<int> perm);
  std::string Label() const override { return "transpose"; }
  std::optional<Box> InputBox(size_t i, const Box& out) const override;
  Result<NdArray> Eval(const Box& out, std::span<const NdArray> ins) const override;

 private:
  std::vector<int> perm_;
};

class ExpandDimsNode final : public Node {
 public:
  ExpandDimsNode(NodePtr input, int axis);
  std::string Label() const override { return "expand_dims"; }
  std::optional<Box> InputBox(size_t i, const Box& out) const override;
  Result<NdArray> Eval(const Box& out, std::span<const NdArray> ins) const override;

 private:
  int axis_;
};

class RechunkNode final : public Node {
 public:
  RechunkNode(NodePtr input, ChunkGrid chunks);
  std::string Label() const override { return "rechunk"; }
  Result<NdArray> Eval(const Box& out, std::span<const NdArray> ins) const override;
};

class CoarsenNode final : public Node {
 public:
  CoarsenNode(ReduceOp op, NodePtr input, std::vector<Index> factors, DType out_dtype, ChunkGrid chunks);
  std::string Label() const override;
  std::optional<Box> InputBox(size_t i, const Box& out) const override;
  Result<NdArray> Eval(const Box& out, std::span<const NdArray> ins) const override;

 private:
  ReduceOp op_;
  std::vector<Index> factors_;
};

class ConcatNode final : public Node {
 public:
  ConcatNode(std::vector<NodePtr> inputs, int axis, DType out_dtype, ChunkGrid chunks);
  std::string Label() const override { return "concatenate"; }
  std::optional<Box> InputBox(size_t i, const Box& out) const override;
  Result<NdArray> Eval(const Box& out, std::span<const NdArray> ins) const override;

 private:
  int axis_;
  std::vector<Index> offsets_;  // start of each input along axis_, plus the total
};

class MapBlocksNode final : public Node {
 public:
  MapBlocksNode(std::vector<NodePtr> inputs, DType out_dtype, ChunkGrid chunks, std::string name, BlockFunction fn);
  std::string Label() const override { return name_; }
  Result<NdArray> Eval(const Box& out, std::span<const NdArray> ins) const override;
  bool chunk_exact() const override { return true; }

 private:
  std::string name_;
  BlockFunction fn_;
};

/// Kernels shared by nodes and the planner (elementwise.cc, reduce_kernels.cc).
Result<NdArray> ApplyElementwise(const ElementwiseFn& fn, DType compute_dtype, DType out_dtype, const Shape& out_shape,
                                 std::span<const NdArray> ins);

}  // namespace hyperchunk::internal
