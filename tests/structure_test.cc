// Structure operations against the eager reference: basic indexing, transpose, expand_dims,
// rechunk, coarsen, concatenate, stack, map_blocks, and the sources (zeros, ones, full, arange,
// generators).
#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

#include "hyperchunk/array/array.h"
#include "hyperchunk/exec/compute.h"
#include "testing/compare.h"
#include "testing/eager.h"
#include "testing/lazy.h"
#include "testing/random.h"
#include "testing/sources.h"

namespace hyperchunk {
namespace {

using test::ForEachRandomCase;
using test::Rng;
using test::Values;

std::string ItemsString(const std::vector<IndexItem>& items) {
  std::string out = "[";
  for (size_t k = 0; k < items.size(); ++k) {
    if (k > 0) out += ", ";
    if (const Index* i = std::get_if<Index>(&items[k])) {
      out += std::to_string(*i);
    } else if (const Slice* s = std::get_if<Slice>(&items[k])) {
      out += (s->start ? std::to_string(*s->start) : "") + ":" + (s->stop ? std::to_string(*s->stop) : "") + ":" +
             std::to_string(s->step);
    } else {
      out += "...";
    }
  }
  return out + "]";
}

std::optional<Index> RandomBound(Rng& rng, Index extent) {
  if (rng.Chance(0.25)) return std::nullopt;
  return rng.Int(-extent - 2, extent + 2);
}

/// Random basic-index items for `shape`: integers, slices (any step but 0), sometimes an ellipsis,
/// sometimes fewer items than axes.
std::vector<IndexItem> RandomItems(Rng& rng, const Shape& shape, bool unit_steps) {
  std::vector<IndexItem> items;
  for (Index extent : shape) {
    if (extent > 0 && rng.Chance(0.25)) {
      items.emplace_back(rng.Int(-extent, extent - 1));
    } else {
      Slice s{RandomBound(rng, extent), RandomBound(rng, extent), 1};
      if (!unit_steps) s.step = rng.Pick(std::vector<Index>{1, 1, 2, 3, -1, -2, -3, 7});
      items.emplace_back(s);
    }
  }
  if (!items.empty() && rng.Chance(0.3)) items.resize(static_cast<size_t>(rng.Int(0, items.size() - 1)));
  if (rng.Chance(0.2)) {
    // An ellipsis replaces a run of full slices.
    const size_t at = static_cast<size_t>(rng.Int(0, items.size()));
    const size_t run = static_cast<size_t>(rng.Int(0, items.size() - at));
    items.erase(items.begin() + static_cast<std::ptrdiff_t>(at), items.begin() + static_cast<std::ptrdiff_t>(at + run));
    items.insert(items.begin() + static_cast<std::ptrdiff_t>(at), Ellipsis{});
  }
  return items;
}

TEST(Structure, RandomBasicIndexing) {
  ForEachRandomCase(200, [](Rng& rng) {
    const NdArray data =
        test::RandomArray(rng, test::RandomDType(rng), test::RandomShape(rng, 0, 4, 7, 0.03), Values::kFull);
    const std::vector<IndexItem> items = RandomItems(rng, data.shape(), false);
    std::string chunks;
    const Array x = test::LazyWithRandomChunks(rng, data, &chunks);
    SCOPED_TRACE(test::Describe(data) + " chunks " + chunks + " indexed " + ItemsString(items));
    Result<NdArray> want = test::EagerIndex(data, items);
    if (!want.ok()) {  // an ellipsis moved an integer onto a shorter axis
      EXPECT_TRUE(test::FailsToCompute(test::SharedContext(1), x[items], want.status().code()))
          << "numpy: " << want.status().ToString();
      return;
    }
    EXPECT_TRUE(test::ComputesTo(test::RandomContext(rng), x[items], *want));
  });
}

/// Slices with step 1 keep the source's chunk boundaries (no implicit rechunk): each chunk cut to the slice.
TEST(Structure, UnitStepSlicesKeepChunkBoundaries) {
  ForEachRandomCase(100, [](Rng& rng) {
    const Shape shape = test::RandomShape(rng, 1, 3, 9, 0.0);
    const NdArray data = test::RandomArray(rng, DType::kInt32, shape);
    const ChunkGrid grid = test::RandomChunks(rng, shape);
    std::vector<IndexItem> items;
    for (Index extent : shape) items.emplace_back(Slice{RandomBound(rng, extent), RandomBound(rng, extent), 1});
    SCOPED_TRACE(test::Describe(data) + " chunks " + test::ChunksString(grid) + " indexed " + ItemsString(items));
    const Array sliced = Array::FromNdArray(data, grid)[items];
    ASSERT_TRUE(sliced.ok()) << sliced.status().ToString();
    for (size_t dim = 0; dim < shape.size(); ++dim) {
      HC_ASSERT_OK_AND_ASSIGN(const test::SliceIndices s,
                              test::NormalizeSlice(std::get<Slice>(items[dim]), shape[dim]));
      std::vector<Index> want;
      const std::vector<Index> bounds = grid.boundaries(dim);
      for (size_t c = 0; c + 1 < bounds.size(); ++c) {
        const Index overlap = std::min(bounds[c + 1], s.start + s.length) - std::max(bounds[c], s.start);
        if (overlap > 0) want.push_back(overlap);
      }
      if (want.empty()) want.push_back(0);
      EXPECT_EQ(sliced.chunks().lengths(dim), want) << "axis " << dim;
    }
  });
}

TEST(Structure, IndexingErrors) {
  const Array x = Array::Ones(DType::kInt16, {4, 5}, {2, 2});
  const Array past_end = x[{Index{4}}];
  EXPECT_EQ(past_end.status().code(), StatusCode::kOutOfRange) << past_end.status().ToString();
  const Array before_start = x[{Index{0}, Index{-6}}];
  EXPECT_EQ(before_start.status().code(), StatusCode::kOutOfRange) << before_start.status().ToString();
  EXPECT_FALSE((x[{Index{0}, Index{0}, Index{0}}]).ok()) << "too many indices";
  EXPECT_FALSE((x[{Slice{std::nullopt, std::nullopt, 0}}]).ok()) << "slice step cannot be zero";
  EXPECT_FALSE((x[{Ellipsis{}, Ellipsis{}}]).ok()) << "a single ellipsis only";
  EXPECT_TRUE((x[{Ellipsis{}, Index{-1}}]).ok());
  EXPECT_EQ((x[{Ellipsis{}, Index{-1}}]).shape(), Shape{4});
  EXPECT_EQ((x[{}]).shape(), (Shape{4, 5}));
}

TEST(Structure, RandomTranspose) {
  ForEachRandomCase(100, [](Rng& rng) {
    const NdArray data = test::RandomArray(rng, test::RandomDType(rng), test::RandomShape(rng), Values::kFull);
    std::vector<int> axes;
    if (rng.Chance(0.8)) {
      axes.resize(data.rank());
      std::iota(axes.begin(), axes.end(), 0);
      std::shuffle(axes.begin(), axes.end(), rng.engine());
      for (int& axis : axes) {
        if (rng.Chance(0.3)) axis -= static_cast<int>(data.rank());
      }
    }
    std::string chunks;
    const Array x = test::LazyWithRandomChunks(rng, data, &chunks);
    const Array t = x.Transpose(axes);
    SCOPED_TRACE(test::Describe(data) + " chunks " + chunks + " transposed");
    HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerTranspose(data, axes));
    EXPECT_TRUE(test::ComputesTo(test::RandomContext(rng), t, want));
    if (!t.ok()) return;
    for (size_t k = 0; k < data.rank(); ++k) {
      const int axis = axes.empty() ? static_cast<int>(data.rank() - 1 - k) : axes[k];
      const size_t src = static_cast<size_t>(axis < 0 ? axis + static_cast<int>(data.rank()) : axis);
      EXPECT_EQ(t.chunks().lengths(k), x.chunks().lengths(src)) << "transposed chunks are permuted chunks";
    }
  });
}

TEST(Structure, TransposeAndExpandDimsErrors) {
  const Array x = Array::Zeros(DType::kFloat32, {2, 3, 4}, {1, 1, 1});
  EXPECT_FALSE(x.Transpose({0, 1}).ok());
  EXPECT_FALSE(x.Transpose({0, 1, 1}).ok());
  EXPECT_FALSE(x.Transpose({0, 1, 3}).ok());
  EXPECT_FALSE(x.Transpose({0, -2, 1}).ok()) << "-2 is axis 1 again";
  EXPECT_FALSE(x.ExpandDims(4).ok());
  EXPECT_FALSE(x.ExpandDims(-5).ok());
  EXPECT_EQ(x.ExpandDims(3).shape(), (Shape{2, 3, 4, 1}));
  EXPECT_EQ(x.ExpandDims(-4).shape(), (Shape{1, 2, 3, 4}));
  EXPECT_EQ(x.ExpandDims(-1).shape(), (Shape{2, 3, 4, 1}));
}

TEST(Structure, RandomExpandDims) {
  ForEachRandomCase(60, [](Rng& rng) {
    const NdArray data = test::RandomArray(rng, test::RandomDType(rng), test::RandomShape(rng, 0, 3), Values::kFull);
    const int rank = static_cast<int>(data.rank());
    const int axis = static_cast<int>(rng.Int(-rank - 1, rank));
    std::string chunks;
    const Array e = test::LazyWithRandomChunks(rng, data, &chunks).ExpandDims(axis);
    SCOPED_TRACE(test::Describe(data) + " chunks " + chunks + " expand_dims " + std::to_string(axis));
    HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerExpandDims(data, axis));
    EXPECT_TRUE(test::ComputesTo(test::RandomContext(rng), e, want));
  });
}

TEST(Structure, RandomRechunk) {
  ForEachRandomCase(100, [](Rng& rng) {
    const NdArray data = test::RandomArray(rng, test::RandomDType(rng), test::RandomShape(rng), Values::kFull);
    std::string chunks;
    const Array x = test::LazyWithRandomChunks(rng, data, &chunks);
    const ChunkGrid target = test::RandomChunks(rng, data.shape());
    SCOPED_TRACE(test::Describe(data) + " chunks " + chunks + " rechunked to " + test::ChunksString(target));
    const Array r = x.Rechunk(target);
    EXPECT_TRUE(test::ComputesTo(test::RandomContext(rng), r, data));
    if (r.ok()) {
      EXPECT_EQ(r.chunks(), target);
    }
    Shape chunk_shape;
    for (Index extent : data.shape()) chunk_shape.push_back(rng.Int(-1, extent + 1));
    const Array regular = x.Rechunk(chunk_shape);
    EXPECT_TRUE(test::ComputesTo(test::RandomContext(rng), regular, data));
    if (regular.ok()) {
      EXPECT_EQ(regular.chunks(), ChunkGrid::Regular(data.shape(), chunk_shape));
    }
  });
}

TEST(Structure, RechunkToAnotherShapeIsAnError) {
  const Array x = Array::Zeros(DType::kInt8, {4, 4}, {2, 2});
  EXPECT_FALSE(x.Rechunk(ChunkGrid::Regular({4, 5}, {2, 2})).ok());
  EXPECT_FALSE(x.Rechunk(ChunkGrid::Regular({4}, {2})).ok());
}

TEST(Structure, RandomCoarsen) {
  ForEachRandomCase(120, [](Rng& rng) {
    const ReduceOp op =
        rng.Pick(std::vector<ReduceOp>{ReduceOp::kSum, ReduceOp::kMean, ReduceOp::kMin, ReduceOp::kMax});
    const DType dtype = test::RandomDType(rng);
    const Shape shape = test::RandomShape(rng, 1, 3, 8, 0.0);
    const NdArray data = test::RandomArray(rng, dtype, shape);
    const bool trim = rng.Chance(0.4);
    std::vector<Index> factors;
    for (Index extent : shape) {
      if (trim) {
        factors.push_back(rng.Int(1, extent));
      } else {
        std::vector<Index> divisors;
        for (Index f = 1; f <= extent; ++f) {
          if (extent % f == 0) divisors.push_back(f);
        }
        factors.push_back(rng.Pick(divisors));
      }
    }
    std::string chunks;
    const Array x = test::LazyWithRandomChunks(rng, data, &chunks);
    SCOPED_TRACE(std::string(ReduceOpName(op)) + " coarsen of " + test::Describe(data) + " chunks " + chunks + " by " +
                 test::ShapeString(factors) + (trim ? " trim_excess" : ""));
    HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerCoarsen(op, data, factors, trim));
    Index block = 1;
    for (Index f : factors) block *= f;
    EXPECT_TRUE(test::ComputesTo(test::RandomContext(rng), x.Coarsen(op, factors, trim), want,
                                 test::ReductionTolerance(op, want.dtype(), block, test::MaxAbs(data))));
  });
}

TEST(Structure, CoarsenErrors) {
  const Array x = Array::Ones(DType::kUInt16, {6, 4}, {4, 4});
  EXPECT_FALSE(x.Coarsen(ReduceOp::kSum, {4, 2}).ok()) << "4 does not divide 6 without trim_excess";
  EXPECT_TRUE(x.Coarsen(ReduceOp::kSum, {4, 2}, true).ok());
  EXPECT_FALSE(x.Coarsen(ReduceOp::kSum, {2}).ok()) << "one factor per axis";
  EXPECT_FALSE(x.Coarsen(ReduceOp::kSum, {0, 1}).ok());
  EXPECT_EQ(x.Coarsen(ReduceOp::kSum, {3, 2}).dtype(), DType::kUInt64);
  EXPECT_EQ(x.Coarsen(ReduceOp::kMean, {3, 2}).dtype(), DType::kFloat64);
  EXPECT_EQ(x.Coarsen(ReduceOp::kMax, {3, 2}).dtype(), DType::kUInt16);
  EXPECT_TRUE(test::ComputesTo(test::SharedContext(2), x.Coarsen(ReduceOp::kSum, {3, 2}),
                               test::EagerFull(6, DType::kUInt64, {2, 2})));
}

TEST(Structure, RandomConcatenate) {
  ForEachRandomCase(120, [](Rng& rng) {
    Shape shape = test::RandomShape(rng, 1, 3, 5, 0.0);
    const int rank = static_cast<int>(shape.size());
    const int axis = static_cast<int>(rng.Int(-rank, rank - 1));
    const size_t dim = static_cast<size_t>(axis < 0 ? axis + rank : axis);
    const int count = static_cast<int>(rng.Int(1, 4));
    std::vector<NdArray> parts;
    std::vector<Array> lazy_parts;
    std::string text;
    for (int k = 0; k < count; ++k) {
      shape[dim] = rng.Int(rng.Chance(0.1) ? 0 : 1, 4);
      parts.push_back(
          test::RandomArray(rng, rng.Chance(0.6) ? DType::kInt32 : test::RandomDType(rng), shape, Values::kFull));
      std::string chunks;
      lazy_parts.push_back(test::LazyWithRandomChunks(rng, parts.back(), &chunks));
      text += " " + test::Describe(parts.back()) + " " + chunks;
    }
    SCOPED_TRACE("concatenate along " + std::to_string(axis) + ":" + text);
    HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerConcatenate(parts, axis));
    const Array joined = Concatenate(lazy_parts, axis);
    EXPECT_TRUE(test::ComputesTo(test::RandomContext(rng), joined, want));
    if (!joined.ok()) return;
    // Other axes: the common refinement of the parts' chunks.
    for (size_t d = 0; d < shape.size(); ++d) {
      if (d == dim) continue;
      std::vector<Index> refined = lazy_parts[0].chunks().lengths(d);
      for (const Array& part : lazy_parts) refined = RefineChunks(refined, part.chunks().lengths(d));
      EXPECT_EQ(joined.chunks().lengths(d), refined) << "axis " << d;
    }
  });
}

TEST(Structure, ConcatenateErrors) {
  const Array a = Array::Ones(DType::kFloat32, {2, 3}, {1, 1});
  const Array b = Array::Ones(DType::kFloat32, {2, 4}, {1, 1});
  EXPECT_FALSE(Concatenate({a, b}, 0).ok()) << "axis 1 differs";
  EXPECT_TRUE(Concatenate({a, b}, 1).ok());
  EXPECT_EQ(Concatenate({a, b}, -1).shape(), (Shape{2, 7}));
  EXPECT_FALSE(Concatenate({a, Array::Ones(DType::kFloat32, {2}, {1})}, 0).ok()) << "ranks differ";
  EXPECT_FALSE(Concatenate({}, 0).ok());
  EXPECT_FALSE(Concatenate({a, b}, 2).ok());
  EXPECT_FALSE(Concatenate({Array::Ones(DType::kInt8, {}, {}), Array::Ones(DType::kInt8, {}, {})}, 0).ok());
  EXPECT_EQ(Concatenate({a, Array::Ones(DType::kInt64, {1, 3}, {1, 1})}, 0).dtype(), DType::kFloat64);
  EXPECT_FALSE(Concatenate({a, Array()}, 0).ok()) << "an error operand";
}

TEST(Structure, RandomStack) {
  ForEachRandomCase(100, [](Rng& rng) {
    const Shape shape = test::RandomShape(rng, 0, 3, 5, 0.03);
    const int rank = static_cast<int>(shape.size());
    const int axis = static_cast<int>(rng.Int(-rank - 1, rank));
    std::vector<NdArray> parts;
    std::vector<Array> lazy_parts;
    std::string text;
    for (int k = 0, count = static_cast<int>(rng.Int(1, 4)); k < count; ++k) {
      parts.push_back(
          test::RandomArray(rng, rng.Chance(0.6) ? DType::kUInt16 : test::RandomDType(rng), shape, Values::kFull));
      std::string chunks;
      lazy_parts.push_back(test::LazyWithRandomChunks(rng, parts.back(), &chunks));
      text += " " + test::Describe(parts.back()) + " " + chunks;
    }
    SCOPED_TRACE("stack along " + std::to_string(axis) + ":" + text);
    HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerStack(parts, axis));
    EXPECT_TRUE(test::ComputesTo(test::RandomContext(rng), Stack(lazy_parts, axis), want));
  });
}

TEST(Structure, StackErrors) {
  const Array a = Array::Ones(DType::kFloat32, {2, 3}, {1, 1});
  EXPECT_FALSE(Stack({a, Array::Ones(DType::kFloat32, {3, 2}, {1, 1})}, 0).ok());
  EXPECT_FALSE(Stack({}, 0).ok());
  EXPECT_FALSE(Stack({a, a}, 3).ok());
  EXPECT_EQ(Stack({a, a, a}, 2).shape(), (Shape{2, 3, 3}));
  EXPECT_EQ(Stack({a, a, a}, -3).shape(), (Shape{3, 2, 3}));
}

TEST(Structure, RandomMapBlocks) {
  ForEachRandomCase(80, [](Rng& rng) {
    const Shape shape = test::RandomShape(rng, 0, 3, 6, 0.03);
    const int count = static_cast<int>(rng.Int(1, 3));
    std::vector<NdArray> inputs;
    std::vector<Array> lazy_inputs;
    std::string text;
    for (int k = 0; k < count; ++k) {
      inputs.push_back(test::RandomArray(rng, test::RandomDType(rng), shape));
      std::string chunks;
      lazy_inputs.push_back(test::LazyWithRandomChunks(rng, inputs.back(), &chunks));
      text += " " + test::Describe(inputs.back()) + " " + chunks;
    }
    SCOPED_TRACE("map_blocks (sum as float64) over" + text);
    // Expected: the sum of the inputs as float64.
    NdArray want = test::EagerFull(0, DType::kFloat64, shape);
    for (const NdArray& input : inputs)
      want = *test::EagerBinary(BinaryOp::kAdd, want, test::EagerAsType(input, DType::kFloat64));

    auto calls = std::make_shared<std::map<ChunkIndex, int>>();
    auto mutex = std::make_shared<std::mutex>();
    auto bad = std::make_shared<std::string>();
    const Array mapped =
        MapBlocks(lazy_inputs, DType::kFloat64, "sum-blocks",
                  [calls, mutex, bad](std::span<const NdArray> blocks, const BlockInfo& info, NdArray& out) {
                    std::lock_guard<std::mutex> lock(*mutex);
                    if (out.shape() != info.box.shape() || out.dtype() != DType::kFloat64)
                      *bad = "out not shaped as the box";
                    double* dst = out.data<double>();
                    for (Index i = 0; i < out.size(); ++i) dst[i] = 0;
                    for (const NdArray& block : blocks) {
                      if (block.shape() != out.shape()) *bad = "a block not shaped as the box";
                      const NdArray as_double = test::EagerAsType(block, DType::kFloat64);
                      for (Index i = 0; i < out.size(); ++i) dst[i] += as_double.data<double>()[i];
                    }
                    ++(*calls)[info.chunk];
                    return Status::Ok();
                  });
    ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
    for (size_t d = 0; d < shape.size(); ++d) {
      std::vector<Index> refined = lazy_inputs[0].chunks().lengths(d);
      for (const Array& input : lazy_inputs) refined = RefineChunks(refined, input.chunks().lengths(d));
      EXPECT_EQ(mapped.chunks().lengths(d), refined) << "inputs' chunks are refined to agree, axis " << d;
    }
    EXPECT_TRUE(test::ComputesTo(test::RandomContext(rng), mapped, want));
    EXPECT_EQ(*bad, "");
    for (const auto& [chunk, n] : *calls)
      EXPECT_EQ(n, 1) << "chunk " << test::ShapeString(chunk) << " computed more than once";
    if (NumElements(shape) > 0) {
      EXPECT_EQ(static_cast<Index>(calls->size()), mapped.chunks().num_chunks()) << "one call per output chunk";
    }
  });
}

TEST(Structure, MapBlocksSeesItsBlockInfo) {
  const ChunkGrid grid = test::MakeGrid({{2, 3}, {1, 4}});
  const Array x = Array::Zeros(DType::kInt32, {5, 5}, {5, 5}).Rechunk(grid);
  // Each output element is 100 * chunk[0] + 10 * chunk[1] + (row offset of the box).
  const Array y =
      MapBlocks({x}, DType::kInt64, "where-am-i", [](std::span<const NdArray>, const BlockInfo& info, NdArray& out) {
        for (Index i = 0; i < out.size(); ++i)
          out.data<int64_t>()[i] = 100 * info.chunk[0] + 10 * info.chunk[1] + info.box.start[0];
        return Status::Ok();
      });
  NdArray want = NdArray::Empty(DType::kInt64, {5, 5});
  for (Index r = 0; r < 5; ++r) {
    for (Index c = 0; c < 5; ++c) {
      const Index cr = r < 2 ? 0 : 1;
      const Index cc = c < 1 ? 0 : 1;
      want.data<int64_t>()[r * 5 + c] = 100 * cr + 10 * cc + (cr == 0 ? 0 : 2);
    }
  }
  EXPECT_TRUE(test::ComputesTo(test::SharedContext(4), y, want));
  EXPECT_EQ(y.chunks(), grid);
}

TEST(Structure, MapBlocksErrorsReachCompute) {
  const Array x = Array::Ones(DType::kFloat64, {6}, {2});
  const Array y =
      MapBlocks({x}, DType::kFloat64, "fails", [](std::span<const NdArray>, const BlockInfo& info, NdArray&) {
        if (info.chunk[0] == 1) return DataLoss("block function gave up");
        return Status::Ok();
      });
  for (int threads : test::kThreadCounts) {
    Result<NdArray> got = Compute(test::SharedContext(threads), y);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), StatusCode::kDataLoss) << got.status().ToString();
    EXPECT_NE(got.status().message().find("block function gave up"), std::string::npos) << got.status().ToString();
  }
  EXPECT_FALSE(MapBlocks({x, Array::Ones(DType::kFloat64, {5}, {5})}, DType::kFloat64, "bad",
                         [](std::span<const NdArray>, const BlockInfo&, NdArray&) { return Status::Ok(); })
                   .ok())
      << "inputs of unequal shapes";
}

// ---- sources ------------------------------------------------------------------------------------

TEST(Sources, ZerosOnesFullForEveryDType) {
  Rng rng(test::SeedForCurrentTest());
  for (DType dtype : kAllDTypes) {
    const Shape shape = test::RandomShape(rng, 0, 3, 6, 0.05);
    Shape chunk_shape;
    for (Index extent : shape) chunk_shape.push_back(rng.Int(0, extent + 1));
    SCOPED_TRACE(std::string(DTypeName(dtype)) + " " + test::ShapeString(shape) + " chunk shape " +
                 test::ShapeString(chunk_shape));
    Context& ctx = test::RandomContext(rng);
    const Array zeros = Array::Zeros(dtype, shape, chunk_shape);
    EXPECT_TRUE(test::ComputesTo(ctx, zeros, test::EagerFull(0, dtype, shape)));
    EXPECT_EQ(zeros.chunks(), ChunkGrid::Regular(shape, chunk_shape));
    EXPECT_TRUE(test::ComputesTo(ctx, Array::Ones(dtype, shape, chunk_shape), test::EagerFull(1, dtype, shape)));
    const double value = rng.Pick(std::vector<double>{-2.5, 7.0, 300.0, 0.25});
    EXPECT_TRUE(
        test::ComputesTo(ctx, Array::Full(value, dtype, shape, chunk_shape), test::EagerFull(value, dtype, shape)));
  }
}

TEST(Sources, ArangeMatchesNumpy) {
  struct Case {
    double start, stop, step;
    DType dtype;
    Index chunk;
  };
  const std::vector<Case> cases = {
      {0, 10, 3, DType::kInt8, 2},         {0, 10, 1, DType::kInt64, 4},        {5, 0, -1.5, DType::kFloat64, 3},
      {0.1, 0.4, 0.1, DType::kFloat64, 1}, {0.5, 2.0, 0.5, DType::kFloat32, 2}, {3, 3, 1, DType::kInt32, 2},
      {5, 0, 1, DType::kUInt16, 2},        {-4, 4, 2, DType::kInt16, 10},       {0, 1000, 7, DType::kFloat32, 13},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("arange(" + std::to_string(c.start) + ", " + std::to_string(c.stop) + ", " + std::to_string(c.step) +
                 ", " + std::string(DTypeName(c.dtype)) + ") chunk " + std::to_string(c.chunk));
    const NdArray want = test::EagerArange(c.start, c.stop, c.step, c.dtype);
    EXPECT_TRUE(test::ComputesTo(test::SharedContext(2), Array::Arange(c.start, c.stop, c.step, c.dtype, c.chunk), want,
                                 test::ElementwiseTolerance(c.dtype)));
  }
  EXPECT_EQ(Array::Arange(0.1, 0.4, 0.1, DType::kFloat64, 2).shape(), Shape{4}) << "numpy: ceil(3.0000000000000004)";
}

TEST(Sources, FromGeneratorFillsEachBox) {
  ForEachRandomCase(40, [](Rng& rng) {
    const Shape shape = test::RandomShape(rng, 0, 3, 7, 0.05);
    const ChunkGrid grid = test::RandomChunks(rng, shape);
    const DType dtype = test::RandomDType(rng);
    const NdArray data = test::RandomArray(rng, dtype, shape, Values::kFull);
    auto calls = std::make_shared<std::atomic<int>>(0);
    auto bad = std::make_shared<std::atomic<int>>(0);
    const Array x = Array::FromGenerator("random-data", dtype, grid, [data, calls, bad](const Box& box, NdArray& out) {
      calls->fetch_add(1);
      if (out.shape() != box.shape() || out.dtype() != data.dtype()) bad->fetch_add(1);
      test::CopyBoxForTest(data, box, out);
      return Status::Ok();
    });
    SCOPED_TRACE(test::Describe(data) + " chunks " + test::ChunksString(grid));
    EXPECT_EQ(x.chunks(), grid);
    EXPECT_TRUE(test::ComputesTo(test::RandomContext(rng), x, data));
    EXPECT_EQ(bad->load(), 0) << "`out` must be shaped as the box";
    if (NumElements(shape) > 0) {
      EXPECT_EQ(calls->load(), grid.num_chunks()) << "one call per chunk";
    }
  });
}

}  // namespace
}  // namespace hyperchunk
