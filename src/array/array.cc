#include "hyperchunk/array/array.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_set>

#include <fmt/format.h>

#include "node.h"
#include "reduce_kernels.h"

namespace hyperchunk {

using internal::NodePtr;

std::string_view BinaryOpName(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "add";
    case BinaryOp::kSubtract: return "subtract";
    case BinaryOp::kMultiply: return "multiply";
    case BinaryOp::kDivide: return "true_divide";
    case BinaryOp::kFloorDivide: return "floor_divide";
    case BinaryOp::kMod: return "remainder";
    case BinaryOp::kPower: return "power";
    case BinaryOp::kMaximum: return "maximum";
    case BinaryOp::kMinimum: return "minimum";
    case BinaryOp::kEqual: return "equal";
    case BinaryOp::kNotEqual: return "not_equal";
    case BinaryOp::kLess: return "less";
    case BinaryOp::kLessEqual: return "less_equal";
    case BinaryOp::kGreater: return "greater";
    case BinaryOp::kGreaterEqual: return "greater_equal";
    case BinaryOp::kLogicalAnd: return "logical_and";
    case BinaryOp::kLogicalOr: return "logical_or";
  }
  return "?";
}

std::string_view UnaryOpName(UnaryOp op) {
  switch (op) {
    case UnaryOp::kNegative: return "negative";
    case UnaryOp::kAbs: return "absolute";
    case UnaryOp::kSquare: return "square";
    case UnaryOp::kSqrt: return "sqrt";
    case UnaryOp::kExp: return "exp";
    case UnaryOp::kLog: return "log";
    case UnaryOp::kLog10: return "log10";
    case UnaryOp::kLog1p: return "log1p";
    case UnaryOp::kSin: return "sin";
    case UnaryOp::kCos: return "cos";
    case UnaryOp::kTan: return "tan";
    case UnaryOp::kFloor: return "floor";
    case UnaryOp::kCeil: return "ceil";
    case UnaryOp::kRint: return "rint";
    case UnaryOp::kSign: return "sign";
    case UnaryOp::kIsNan: return "isnan";
    case UnaryOp::kIsFinite: return "isfinite";
    case UnaryOp::kLogicalNot: return "logical_not";
  }
  return "?";
}

std::string_view ReduceOpName(ReduceOp op) {
  switch (op) {
    case ReduceOp::kSum: return "sum";
    case ReduceOp::kMean: return "mean";
    case ReduceOp::kMin: return "min";
    case ReduceOp::kMax: return "max";
    case ReduceOp::kVar: return "var";
    case ReduceOp::kStd: return "std";
    case ReduceOp::kArgMin: return "argmin";
    case ReduceOp::kArgMax: return "argmax";
    case ReduceOp::kNanSum: return "nansum";
    case ReduceOp::kNanMean: return "nanmean";
  }
  return "?";
}

Index ChunkSource::StoredBytes(const ChunkIndex& chunk) const {
  return chunks().ChunkBox(chunk).num_elements() * ItemSize(dtype());
}

namespace {

// Values computed chunk by chunk by a function.
class GeneratorSource final : public ChunkSource {
 public:
  GeneratorSource(std::string name, DType dtype, ChunkGrid chunks, std::function<Status(const Box&, NdArray&)> fill)
      : name_(std::move(name)), dtype_(dtype), chunks_(std::move(chunks)), fill_(std::move(fill)) {}
  DType dtype() const override { return dtype_; }
  const ChunkGrid& chunks() const override { return chunks_; }
  std::string name() const override { return name_; }
  Status ReadChunk(const ChunkIndex& chunk, NdArray& out) const override { return fill_(chunks_.ChunkBox(chunk), out); }

 private:
  std::string name_;
  DType dtype_;
  ChunkGrid chunks_;
  std::function<Status(const Box&, NdArray&)> fill_;
};

const Shape& EmptyShape() {
  static const Shape kEmpty;
  return kEmpty;
}
const ChunkGrid& EmptyGrid() {
  static const ChunkGrid kEmpty = ChunkGrid::Single({});
  return kEmpty;
}

Status CheckShape(const Shape& shape) {
  for (Index e : shape) {
    if (e < 0) return InvalidArgument(fmt::format("negative dimensions are not allowed: {}", ShapeToString(shape)));
  }
  return Status::Ok();
}

Array Constant(std::string name, double value, DType dtype, const Shape& shape, const Shape& chunk_shape) {
  if (auto st = CheckShape(shape); !st.ok()) return Array(st);
  return Array::FromGenerator(std::move(name), dtype, ChunkGrid::Regular(shape, chunk_shape),
                              [value, dtype](const Box&, NdArray& out) {
                                VisitDType(dtype, [&]<typename T>() {
                                  const T v = CastValue<T>(value);
                                  T* p = out.data<T>();
                                  std::fill(p, p + out.size(), v);
                                });
                                return Status::Ok();
                              });
}

}  // namespace

Array::Array() : status_(InvalidArgument("empty array")) {}
Array::Array(std::shared_ptr<const internal::Node> node) : node_(std::move(node)) {}
Array::Array(Status error) : status_(error.ok() ? Internal("Array built from an OK status") : std::move(error)) {}

Array Array::Zeros(DType dtype, const Shape& shape, const Shape& chunk_shape) {
  return Constant("zeros", 0, dtype, shape, chunk_shape);
}
Array Array::Ones(DType dtype, const Shape& shape, const Shape& chunk_shape) {
  return Constant("ones", 1, dtype, shape, chunk_shape);
}
Array Array::Full(double value, DType dtype, const Shape& shape, const Shape& chunk_shape) {
  return Constant("full", value, dtype, shape, chunk_shape);
}

Array Array::Arange(double start, double stop, double step, DType dtype, Index chunk) {
  if (step == 0 || !std::isfinite(start) || !std::isfinite(stop) || !std::isfinite(step))
    return Array(InvalidArgument(
        fmt::format("arange({}, {}, {}): the step must be non-zero and all finite", start, stop, step)));
  const Index n = std::max<Index>(0, static_cast<Index>(std::ceil((stop - start) / step)));
  return FromGenerator("arange", dtype, ChunkGrid::Regular({n}, {chunk}),
                       [start, step, dtype](const Box& box, NdArray& out) {
                         VisitDType(dtype, [&]<typename T>() {
                           T* p = out.data<T>();
                           for (Index i = 0; i < out.size(); ++i)
                             p[i] = CastValue<T>(start + static_cast<double>(box.start[0] + i) * step);
                         });
                         return Status::Ok();
                       });
}

Array Array::FromNdArray(NdArray data, const ChunkGrid& chunks) {
  if (chunks.shape() != data.shape())
    return Array(InvalidArgument(
        fmt::format("chunks {} do not match the array's shape {}", chunks.ToString(), ShapeToString(data.shape()))));
  return Array(std::make_shared<internal::MemoryNode>(std::move(data), chunks));
}

Array Array::FromNdArray(NdArray data, const Shape& chunk_shape) {
  ChunkGrid grid = ChunkGrid::Regular(data.shape(), chunk_shape);
  return FromNdArray(std::move(data), grid);
}

Array Array::FromGenerator(std::string name, DType dtype, const ChunkGrid& chunks,
                           std::function<Status(const Box& box, NdArray& out)> fill) {
  return FromSource(std::make_shared<GeneratorSource>(std::move(name), dtype, chunks, std::move(fill)));
}

Array Array::FromSource(std::shared_ptr<const ChunkSource> source) {
  if (!source) return Array(InvalidArgument("null chunk source"));
  return Array(std::make_shared<internal::SourceNode>(std::move(source)));
}

const Shape& Array::shape() const { return node_ ? node_->shape() : EmptyShape(); }
DType Array::dtype() const { return node_ ? node_->dtype() : DType::kFloat64; }
const ChunkGrid& Array::chunks() const { return node_ ? node_->chunks() : EmptyGrid(); }

Index Array::graph_task_count() const {
  if (!node_) return 0;
  Index total = 0;
  std::unordered_set<const internal::Node*> seen;
  std::vector<const internal::Node*> stack{node_.get()};
  while (!stack.empty()) {
    const internal::Node* n = stack.back();
    stack.pop_back();
    if (!seen.insert(n).second) continue;
    total += n->TaskCount();
    for (const auto& in : n->inputs()) stack.push_back(in.get());
  }
  return total;
}

std::string Array::label() const { return node_ ? node_->Label() : "invalid"; }

// ---- elementwise ---------------------------------------------------------------------------

namespace {

Result<Shape> BroadcastShapes(const std::vector<Shape>& shapes) {
  size_t rank = 0;
  for (const auto& s : shapes) rank = std::max(rank, s.size());
  Shape out(rank, 1);
  for (const auto& s : shapes) {
    const size_t lead = rank - s.size();
    for (size_t d = 0; d < s.size(); ++d) {
      Index& o = out[lead + d];
      if (s[d] == o || s[d] == 1) continue;
      if (o == 1) {
        o = s[d];
        continue;
      }
      std::vector<std::string> txt;
      for (const auto& t : shapes) txt.push_back(ShapeToString(t));
      return InvalidArgument(
          fmt::format("operands could not be broadcast together with shapes {}", fmt::join(txt, " ")));
    }
  }
  return out;
}

// Chunks of a broadcast result: each axis cut at every boundary of the inputs that span it.
ChunkGrid BroadcastGrid(const Shape& out, const std::vector<NodePtr>& ins) {
  std::vector<std::vector<Index>> chunks(out.size());
  for (size_t a = 0; a < out.size(); ++a) {
    std::vector<Index> acc;
    for (const auto& in : ins) {
      const size_t lead = out.size() - in->shape().size();
      if (a < lead) continue;
      const size_t d = a - lead;
      if (in->shape()[d] != out[a]) continue;
      acc = acc.empty() ? in->chunks().lengths(d) : RefineChunks(acc, in->chunks().lengths(d));
    }
    if (acc.empty()) acc = {out[a]};
    chunks[a] = std::move(acc);
  }
  return *ChunkGrid::Make(std::move(chunks));
}

NodePtr ScalarNode(const Scalar& s, DType dtype) {
  NdArray v = NdArray::Empty(dtype, {});
  VisitDType(dtype, [&]<typename T>() {
    if (s.kind == Scalar::Kind::kFloat) v.data<T>()[0] = CastValue<T>(s.float_value);
    else if (s.uint64_above_int64) v.data<T>()[0] = CastValue<T>(static_cast<uint64_t>(s.int_value));
    else v.data<T>()[0] = CastValue<T>(s.int_value);
  });
  return std::make_shared<internal::MemoryNode>(std::move(v), ChunkGrid::Single({}));
}

bool IsComparison(BinaryOp op) {
  switch (op) {
    case BinaryOp::kEqual:
    case BinaryOp::kNotEqual:
    case BinaryOp::kLess:
    case BinaryOp::kLessEqual:
    case BinaryOp::kGreater:
    case BinaryOp::kGreaterEqual:
    case BinaryOp::kLogicalAnd:
    case BinaryOp::kLogicalOr: return true;
    default: return false;
  }
}

Array MakeBinary(BinaryOp op, NodePtr a, NodePtr b, DType promoted) {
  auto shape = BroadcastShapes({a->shape(), b->shape()});
  if (!shape.ok()) return Array(shape.status());
  DType compute = promoted, out = promoted;
  if (IsComparison(op)) {
    out = DType::kBool;
  } else if (op == BinaryOp::kDivide) {
    compute = out = IsFloat(promoted) ? promoted : DType::kFloat64;
  } else if (promoted == DType::kBool) {
    if (op == BinaryOp::kSubtract)
      return Array(InvalidArgument("numpy boolean subtract, the `-` operator, is not supported; use logical_xor"));
    if (op == BinaryOp::kPower || op == BinaryOp::kFloorDivide || op == BinaryOp::kMod) compute = out = DType::kInt8;
  }
  std::vector<NodePtr> ins{std::move(a), std::move(b)};
  ChunkGrid grid = BroadcastGrid(*shape, ins);
  internal::ElementwiseFn fn{internal::ElementwiseFn::Kind::kBinary, UnaryOp::kNegative, op};
  return Array(std::make_shared<internal::ElementwiseNode>(fn, compute, out, std::move(grid), std::move(ins)));
}

}  // namespace

Array Elementwise(BinaryOp op, const Array& a, const Array& b) {
  if (!a.ok()) return a;
  if (!b.ok()) return b;
  return MakeBinary(op, a.node(), b.node(), PromoteTypes(a.dtype(), b.dtype()));
}

Array Elementwise(BinaryOp op, const Array& a, const Scalar& b) {
  if (!a.ok()) return a;
  const DType t = ResultTypeWithScalar(a.dtype(), b);
  return MakeBinary(op, a.node(), ScalarNode(b, t), t);
}

Array Elementwise(BinaryOp op, const Scalar& a, const Array& b) {
  if (!b.ok()) return b;
  const DType t = ResultTypeWithScalar(b.dtype(), a);
  return MakeBinary(op, ScalarNode(a, t), b.node(), t);
}

Array Where(const Array& cond, const Array& a, const Array& b) {
  for (const Array* x : {&cond, &a, &b}) {
    if (!x->ok()) return *x;
  }
  auto shape = BroadcastShapes({cond.shape(), a.shape(), b.shape()});
  if (!shape.ok()) return Array(shape.status());
  const DType t = PromoteTypes(a.dtype(), b.dtype());
  std::vector<NodePtr> ins{cond.node(), a.node(), b.node()};
  ChunkGrid grid = BroadcastGrid(*shape, ins);
  internal::ElementwiseFn fn{internal::ElementwiseFn::Kind::kWhere, UnaryOp::kNegative, BinaryOp::kAdd};
  return Array(std::make_shared<internal::ElementwiseNode>(fn, t, t, std::move(grid), std::move(ins)));
}

Array Array::Map(UnaryOp op) const {
  if (!ok()) return *this;
  DType compute = dtype(), out = dtype();
  switch (op) {
    case UnaryOp::kNegative:
    case UnaryOp::kSign:
      if (dtype() == DType::kBool)
        return Array(InvalidArgument(fmt::format("numpy {} is not supported for bool arrays", UnaryOpName(op))));
      break;
    case UnaryOp::kAbs: break;
    case UnaryOp::kSquare:
      if (dtype() == DType::kBool) compute = out = DType::kInt8;
      break;
    case UnaryOp::kIsNan:
    case UnaryOp::kIsFinite:
    case UnaryOp::kLogicalNot: out = DType::kBool; break;
    default: compute = out = FloatUfuncResultType(dtype()); break;
  }
  internal::ElementwiseFn fn{internal::ElementwiseFn::Kind::kUnary, op, BinaryOp::kAdd};
  return Array(std::make_shared<internal::ElementwiseNode>(fn, compute, out, chunks(), std::vector<NodePtr>{node_}));
}

Array Array::AsType(DType dtype) const {
  if (!ok()) return *this;
  internal::ElementwiseFn fn{internal::ElementwiseFn::Kind::kCast, UnaryOp::kNegative, BinaryOp::kAdd};
  return Array(std::make_shared<internal::ElementwiseNode>(fn, dtype, dtype, chunks(), std::vector<NodePtr>{node_}));
}

Array Array::Clip(std::optional<Scalar> lo, std::optional<Scalar> hi) const {
  Array r = *this;
  if (lo) r = Elementwise(BinaryOp::kMaximum, r, *lo);
  if (hi) r = Elementwise(BinaryOp::kMinimum, r, *hi);
  return r;
}

Array operator+(const Array& a, const Array& b) { return Elementwise(BinaryOp::kAdd, a, b); }
Array operator-(const Array& a, const Array& b) { return Elementwise(BinaryOp::kSubtract, a, b); }
Array operator*(const Array& a, const Array& b) { return Elementwise(BinaryOp::kMultiply, a, b); }
Array operator/(const Array& a, const Array& b) { return Elementwise(BinaryOp::kDivide, a, b); }
Array operator-(const Array& a) { return a.Map(UnaryOp::kNegative); }

// ---- reductions ------------------------------------------------------------------------------

Array Array::Reduce(ReduceOp op, Axes axes, bool keepdims, int ddof) const {
  if (!ok()) return *this;
  const int rank = static_cast<int>(this->rank());
  std::vector<bool> reduced(static_cast<size_t>(rank), axes.all());
  if (!axes.all()) {
    for (int a : axes.list()) {
      const int d = a < 0 ? a + rank : a;
      if (d < 0 || d >= rank)
        return Array(OutOfRange(fmt::format("axis {} is out of bounds for an array of dimension {}", a, rank)));
      if (reduced[static_cast<size_t>(d)])
        return Array(InvalidArgument(fmt::format("duplicate value in 'axis': {}", a)));
      reduced[static_cast<size_t>(d)] = true;
    }
  }
  const bool needs_identity =
      op == ReduceOp::kMin || op == ReduceOp::kMax || op == ReduceOp::kArgMin || op == ReduceOp::kArgMax;
  if (needs_identity) {
    for (int d = 0; d < rank; ++d) {
      if (reduced[static_cast<size_t>(d)] && shape()[static_cast<size_t>(d)] == 0)
        return Array(InvalidArgument(
            fmt::format("zero-size array to reduction operation {} which has no identity", ReduceOpName(op))));
    }
  }
  if (ddof < 0) return Array(InvalidArgument(fmt::format("ddof must be >= 0, got {}", ddof)));
  return Array(std::make_shared<internal::ReduceNode>(op, node_, std::move(reduced), keepdims, ddof,
                                                      internal::ReduceResultType(op, dtype())));
}

Array Array::Sum(Axes axes, bool keepdims) const { return Reduce(ReduceOp::kSum, std::move(axes), keepdims); }
Array Array::Mean(Axes axes, bool keepdims) const { return Reduce(ReduceOp::kMean, std::move(axes), keepdims); }
Array Array::Min(Axes axes, bool keepdims) const { return Reduce(ReduceOp::kMin, std::move(axes), keepdims); }
Array Array::Max(Axes axes, bool keepdims) const { return Reduce(ReduceOp::kMax, std::move(axes), keepdims); }
Array Array::Var(Axes axes, bool keepdims, int ddof) const {
  return Reduce(ReduceOp::kVar, std::move(axes), keepdims, ddof);
}
Array Array::Std(Axes axes, bool keepdims, int ddof) const {
  return Reduce(ReduceOp::kStd, std::move(axes), keepdims, ddof);
}
Array Array::ArgMax(std::optional<int> axis) const { return Reduce(ReduceOp::kArgMax, axis ? Axes{*axis} : Axes{}); }
Array Array::ArgMin(std::optional<int> axis) const { return Reduce(ReduceOp::kArgMin, axis ? Axes{*axis} : Axes{}); }
Array Array::NanSum(Axes axes, bool keepdims) const { return Reduce(ReduceOp::kNanSum, std::move(axes), keepdims); }
Array Array::NanMean(Axes axes, bool keepdims) const { return Reduce(ReduceOp::kNanMean, std::move(axes), keepdims); }

}  // namespace hyperchunk
