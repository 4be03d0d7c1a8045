#include "node.h"

#include <atomic>

#include <fmt/format.h>

#include "reduce_kernels.h"

namespace hyperchunk::internal {

namespace {
std::atomic<uint64_t> g_next_node_id{1};
}  // namespace

Node::Node(NodeKind kind, DType dtype, ChunkGrid chunks, std::vector<NodePtr> inputs)
    : kind_(kind),
      dtype_(dtype),
      chunks_(std::move(chunks)),
      shape_(chunks_.shape()),
      inputs_(std::move(inputs)),
      id_(g_next_node_id.fetch_add(1, std::memory_order_relaxed)) {}

std::optional<Box> Node::InputBox(size_t, const Box& out) const { return out; }

Result<NdArray> Node::Eval(const Box&, std::span<const NdArray>) const {
  return Internal(fmt::format("node '{}' cannot be evaluated by boxes", Label()));
}

// ---- sources ------------------------------------------------------------------------------

}  // namespace hyperchunk::internal

namespace hyperchunk {

Status ChunkSource::ReadChunkBox(const ChunkIndex& chunk, const Box& box_in_chunk, NdArray& out) const {
  NdArray whole = NdArray::Empty(dtype(), chunks().ChunkBox(chunk).shape());
  HC_RETURN_IF_ERROR(ReadChunk(chunk, whole));
  CopyBox(whole, box_in_chunk, out, Box::Full(out.shape()));
  return Status::Ok();
}

Index ChunkSource::StagedBytes(const ChunkIndex& chunk) const {
  return chunks().ChunkBox(chunk).num_elements() * ItemSize(dtype());
}

// The defaults stage the decoded chunk itself (sources that override CanReadStaged override these).
Status ChunkSource::ReadStaged(const ChunkIndex& chunk, std::span<std::byte> staged) const {
  NdArray whole = NdArray::Wrap(dtype(), chunks().ChunkBox(chunk).shape(), nullptr, staged.data());
  return ReadChunk(chunk, whole);
}

Status ChunkSource::ReadFromStaged(const ChunkIndex& chunk, std::span<const std::byte> staged, const Box& box_in_chunk,
                                   NdArray& out) const {
  const NdArray whole =
      NdArray::Wrap(dtype(), chunks().ChunkBox(chunk).shape(), nullptr, const_cast<std::byte*>(staged.data()));
  CopyBox(whole, box_in_chunk, out, Box::Full(out.shape()));
  return Status::Ok();
}

}  // namespace hyperchunk

namespace hyperchunk::internal {

SourceNode::SourceNode(std::shared_ptr<const ChunkSource> source)
    : Node(NodeKind::kSource, source->dtype(), source->chunks(), {}), source_(std::move(source)) {}

MemoryNode::MemoryNode(NdArray data, ChunkGrid chunks)
    : Node(NodeKind::kMemory, data.dtype(), std::move(chunks), {}), data_(std::move(data)) {}

Result<NdArray> MemoryNode::Eval(const Box& out, std::span<const NdArray>) const { return data_.Sub(out); }

// ---- elementwise ---------------------------------------------------------------------------

ElementwiseNode::ElementwiseNode(ElementwiseFn fn, DType compute_dtype, DType out_dtype, ChunkGrid chunks,
                                 std::vector<NodePtr> inputs)
    : Node(NodeKind::kElementwise, out_dtype, std::move(chunks), std::move(inputs)),
      fn_(fn),
      compute_dtype_(compute_dtype) {}

std::string ElementwiseNode::Label() const {
  switch (fn_.kind) {
    case ElementwiseFn::Kind::kUnary: return std::string(UnaryOpName(fn_.unary));
    case ElementwiseFn::Kind::kBinary: return std::string(BinaryOpName(fn_.binary));
    case ElementwiseFn::Kind::kWhere: return "where";
    case ElementwiseFn::Kind::kCast: return fmt::format("astype({})", DTypeName(dtype()));
  }
  return "elementwise";
}

std::optional<Box> ElementwiseNode::InputBox(size_t i, const Box& out) const {
  const Shape& in_shape = inputs()[i]->shape();
  const size_t lead = shape().size() - in_shape.size();
  Box b;
  b.start.resize(in_shape.size());
  b.stop.resize(in_shape.size());
  for (size_t d = 0; d < in_shape.size(); ++d) {
    if (in_shape[d] == 1 && shape()[lead + d] != 1) {
      b.start[d] = 0;
      b.stop[d] = 1;
    } else {
      b.start[d] = out.start[lead + d];
      b.stop[d] = out.stop[lead + d];
    }
  }
  return b;
}

Result<NdArray> ElementwiseNode::Eval(const Box& out, std::span<const NdArray> ins) const {
  return ApplyElementwise(fn_, compute_dtype_, dtype(), out.shape(), ins);
}

// ---- reduce --------------------------------------------------------------------------------

namespace {
ChunkGrid ReducedGrid(const ChunkGrid& in, const std::vector<bool>& reduced, bool keepdims) {
  std::vector<std::vector<Index>> chunks;
  for (size_t d = 0; d < in.rank(); ++d) {
    if (!reduced[d]) chunks.push_back(in.lengths(d));
    else if (keepdims) chunks.push_back({1});
  }
  return *ChunkGrid::Make(std::move(chunks));
}
}  // namespace

ReduceNode::ReduceNode(ReduceOp op, NodePtr input, std::vector<bool> reduced, bool keepdims, int ddof, DType out_dtype)
    : Node(NodeKind::kReduce, out_dtype, ReducedGrid(input->chunks(), reduced, keepdims), {input}),
      op_(op),
      reduced_(std::move(reduced)),
      keepdims_(keepdims),
      ddof_(ddof) {}

std::string ReduceNode::Label() const { return std::string(ReduceOpName(op_)); }

Shape ReduceNode::keep_shape() const {
  Shape s = inputs()[0]->shape();
  for (size_t d = 0; d < s.size(); ++d) {
    if (reduced_[d]) s[d] = 1;
  }
  return s;
}

ChunkIndex ReduceNode::OutputChunkOf(const ChunkIndex& input_chunk) const {
  ChunkIndex out;
  for (size_t d = 0; d < input_chunk.size(); ++d) {
    if (!reduced_[d]) out.push_back(input_chunk[d]);
    else if (keepdims_) out.push_back(0);
  }
  return out;
}

Box ReduceNode::OutputBoxOf(const Box& input_box) const {
  Box out;
  for (size_t d = 0; d < input_box.rank(); ++d) {
    if (!reduced_[d]) {
      out.start.push_back(input_box.start[d]);
      out.stop.push_back(input_box.stop[d]);
    } else if (keepdims_) {
      out.start.push_back(0);
      out.stop.push_back(1);
    }
  }
  return out;
}

// ---- slice ---------------------------------------------------------------------------------

SliceNode::SliceNode(NodePtr input, std::vector<AxisSelection> selection, ChunkGrid chunks)
    : Node(NodeKind::kSlice, input->dtype(), std::move(chunks), {input}), sel_(std::move(selection)) {
  for (size_t d = 0; d < sel_.size(); ++d) {
    if (!sel_[d].drop) out_to_in_.push_back(static_cast<int>(d));
  }
}

std::optional<Box> SliceNode::InputBox(size_t, const Box& out) const {
  Box b;
  b.start.resize(sel_.size());
  b.stop.resize(sel_.size());
  size_t o = 0;
  for (size_t d = 0; d < sel_.size(); ++d) {
    const AxisSelection& s = sel_[d];
    if (s.drop) {
      b.start[d] = s.start;
      b.stop[d] = s.start + 1;
      continue;
    }
    const Index first = s.start + out.start[o] * s.step;
    const Index last = s.start + (out.stop[o] - 1) * s.step;
    b.start[d] = std::min(first, last);
    b.stop[d] = std::max(first, last) + 1;
    ++o;
  }
  return b;
}

Result<NdArray> SliceNode::Eval(const Box& out, std::span<const NdArray> ins) const {
  const NdArray& in = ins[0];
  bool unit_steps = true;
  for (const auto& s : sel_) unit_steps = unit_steps && (s.drop || s.step == 1);
  if (unit_steps) return in.Reshape(out.shape());
  // Strided gather: output axis o reads input axis out_to_in_[o] from its first element by step.
  NdArray res = NdArray::Empty(dtype(), out.shape());
  if (res.size() == 0) return res;
  const auto in_str = ContiguousStrides(in.shape());
  const Box in_box = *InputBox(0, out);
  const size_t rank = out.rank();
  std::vector<Index> step(rank), base_pos(rank);
  Index base = 0;
  for (size_t o = 0; o < rank; ++o) {
    const size_t d = static_cast<size_t>(out_to_in_[o]);
    step[o] = sel_[d].step * in_str[d];
    base += (sel_[d].start + out.start[o] * sel_[d].step - in_box.start[d]) * in_str[d];
  }
  const Index item = ItemSize(dtype());
  const char* src = static_cast<const char*>(in.raw());
  char* dst = static_cast<char*>(res.raw());
  const Index n = res.size();
  const Shape oshape = out.shape();
  std::vector<Index> pos(rank, 0);
  Index off = base;
  for (Index i = 0; i < n; ++i) {
    std::memcpy(dst + i * item, src + off * item, static_cast<size_t>(item));
    for (size_t o = rank; o-- > 0;) {
      off += step[o];
      if (++pos[o] < oshape[o]) break;
      off -= step[o] * pos[o];
      pos[o] = 0;
    }
  }
  return res;
}

// ---- transpose, expand_dims, rechunk --------------------------------------------------------

namespace {
ChunkGrid PermutedGrid(const ChunkGrid& in, const std::vector<int>& perm) {
  std::vector<std::vector<Index>> chunks;
  for (int p : perm) chunks.push_back(in.lengths(static_cast<size_t>(p)));
  return *ChunkGrid::Make(std::move(chunks));
}
ChunkGrid ExpandedGrid(const ChunkGrid& in, int axis) {
  auto chunks = in.all_lengths();
  chunks.insert(chunks.begin() + axis, std::vector<Index>{1});
  return *ChunkGrid::Make(std::move(chunks));
}
}  // namespace

TransposeNode::TransposeNode(NodePtr input, std::vector<int> perm)
    : Node(NodeKind::kTranspose, input->dtype(), PermutedGrid(input->chunks(), perm), {input}),
      perm_(std::move(perm)) {}

std::optional<Box> TransposeNode::InputBox(size_t, const Box& out) const {
  Box b = out;
  for (size_t j = 0; j < perm_.size(); ++j) {
    b.start[static_cast<size_t>(perm_[j])] = out.start[j];
    b.stop[static_cast<size_t>(perm_[j])] = out.stop[j];
  }
  return b;
}

Result<NdArray> TransposeNode::Eval(const Box& out, std::span<const NdArray> ins) const {
  const NdArray& in = ins[0];
  if (perm_.empty()) return in;
  NdArray res = NdArray::Empty(dtype(), out.shape());
  if (res.size() == 0) return res;
  const auto in_str = ContiguousStrides(in.shape());
  const size_t rank = perm_.size();
  std::vector<Index> step(rank);
  for (size_t j = 0; j < rank; ++j) step[j] = in_str[static_cast<size_t>(perm_[j])];
  const Shape oshape = out.shape();
  VisitDType(dtype(), [&]<typename T>() {
    const T* src = in.data<T>();
    T* dst = res.data<T>();
    std::vector<Index> pos(rank, 0);
    Index off = 0;
    const Index n = res.size();
    const Index inner_n = rank ? oshape[rank - 1] : 1;
    const Index inner_step = rank ? step[rank - 1] : 0;
    for (Index i = 0; i < n; i += inner_n) {
      for (Index k = 0; k < inner_n; ++k) dst[i + k] = src[off + k * inner_step];
      for (size_t o = rank - 1; o-- > 0;) {
        off += step[o];
        if (++pos[o] < oshape[o]) break;
        off -= step[o] * pos[o];
        pos[o] = 0;
      }
    }
  });
  return res;
}

ExpandDimsNode::ExpandDimsNode(NodePtr input, int axis)
    : Node(NodeKind::kExpandDims, input->dtype(), ExpandedGrid(input->chunks(), axis), {input}), axis_(axis) {}

std::optional<Box> ExpandDimsNode::InputBox(size_t, const Box& out) const {
  Box b = out;
  b.start.erase(b.start.begin() + axis_);
  b.stop.erase(b.stop.begin() + axis_);
  return b;
}

Result<NdArray> ExpandDimsNode::Eval(const Box& out, std::span<const NdArray> ins) const {
  return ins[0].Reshape(out.shape());
}

RechunkNode::RechunkNode(NodePtr input, ChunkGrid chunks)
    : Node(NodeKind::kRechunk, input->dtype(), std::move(chunks), {input}) {}

Result<NdArray> RechunkNode::Eval(const Box&, std::span<const NdArray> ins) const { return ins[0]; }

// ---- coarsen -------------------------------------------------------------------------------

CoarsenNode::CoarsenNode(ReduceOp op, NodePtr input, std::vector<Index> factors, DType out_dtype, ChunkGrid chunks)
    : Node(NodeKind::kCoarsen, out_dtype, std::move(chunks), {input}), op_(op), factors_(std::move(factors)) {}

std::string CoarsenNode::Label() const { return fmt::format("coarsen-{}", ReduceOpName(op_)); }

std::optional<Box> CoarsenNode::InputBox(size_t, const Box& out) const {
  Box b = out;
  for (size_t d = 0; d < factors_.size(); ++d) {
    b.start[d] = out.start[d] * factors_[d];
    b.stop[d] = out.stop[d] * factors_[d];
  }
  return b;
}

Result<NdArray> CoarsenNode::Eval(const Box& out, std::span<const NdArray> ins) const {
  // (n0*f0, n1*f1, ...) viewed as (n0, f0, n1, f1, ...): reduce the factor axes.
  const Shape oshape = out.shape();
  Shape split;
  std::vector<bool> reduced;
  for (size_t d = 0; d < oshape.size(); ++d) {
    split.push_back(oshape[d]);
    split.push_back(factors_[d]);
    reduced.push_back(false);
    reduced.push_back(true);
  }
  HC_ASSIGN_OR_RETURN(NdArray view, ins[0].Reshape(split));
  Reducer reducer(op_, ins[0].dtype());
  Shape keep = split;
  for (size_t d = 0; d < keep.size(); ++d) {
    if (reduced[d]) keep[d] = 1;
  }
  ReduceState state = reducer.Init(keep);
  reducer.Accumulate(view, reduced, {}, {}, {}, state);
  Index count = 1;
  for (Index f : factors_) count *= f;
  NdArray res = reducer.Finalize(std::move(state), count);
  return res.Reshape(oshape);
}

// ---- concatenate -----------------------------------------------------------------------------

ConcatNode::ConcatNode(std::vector<NodePtr> inputs, int axis, DType out_dtype, ChunkGrid chunks)
    : Node(NodeKind::kConcat, out_dtype, std::move(chunks), std::move(inputs)), axis_(axis) {
  offsets_.push_back(0);
  for (const auto& in : this->inputs()) offsets_.push_back(offsets_.back() + in->shape()[static_cast<size_t>(axis_)]);
}

std::optional<Box> ConcatNode::InputBox(size_t i, const Box& out) const {
  const size_t a = static_cast<size_t>(axis_);
  const Index lo = std::max(out.start[a], offsets_[i]);
  const Index hi = std::min(out.stop[a], offsets_[i + 1]);
  if (lo >= hi) return std::nullopt;
  Box b = out;
  b.start[a] = lo - offsets_[i];
  b.stop[a] = hi - offsets_[i];
  return b;
}

Result<NdArray> ConcatNode::Eval(const Box& out, std::span<const NdArray> ins) const {
  const size_t a = static_cast<size_t>(axis_);
  NdArray res = NdArray::Empty(dtype(), out.shape());
  for (size_t i = 0; i < ins.size(); ++i) {
    const auto in_box = InputBox(i, out);
    if (!in_box) continue;
    NdArray part = ins[i].dtype() == dtype() ? ins[i] : ins[i].AsType(dtype());
    Box dst = Box::Full(res.shape());
    dst.start[a] = in_box->start[a] + offsets_[i] - out.start[a];
    dst.stop[a] = in_box->stop[a] + offsets_[i] - out.start[a];
    res.CopyFrom(part, dst);
  }
  return res;
}

// ---- map_blocks -----------------------------------------------------------------------------

MapBlocksNode::MapBlocksNode(std::vector<NodePtr> inputs, DType out_dtype, ChunkGrid chunks, std::string name,
                             BlockFunction fn)
    : Node(NodeKind::kMapBlocks, out_dtype, std::move(chunks), std::move(inputs)),
      name_(std::move(name)),
      fn_(std::move(fn)) {}

Result<NdArray> MapBlocksNode::Eval(const Box& out, std::span<const NdArray> ins) const {
  BlockInfo info;
  info.box = out;
  std::vector<Index> first, last;
  chunks().Overlapping(out, first, last);
  info.chunk = first;
  NdArray res = NdArray::Empty(dtype(), out.shape());
  Status st = fn_(ins, info, res);
  if (!st.ok()) return st.WithContext(fmt::format("map_blocks '{}' on chunk {}", name_, ShapeToString(info.chunk)));
  if (res.shape() != out.shape() || res.dtype() != dtype())
    return InvalidArgument(fmt::format("map_blocks '{}' on chunk {} returned {} {} instead of {} {}", name_,
                                       ShapeToString(info.chunk), DTypeName(res.dtype()), ShapeToString(res.shape()),
                                       DTypeName(dtype()), ShapeToString(out.shape())));
  return res;
}

}  // namespace hyperchunk::internal
