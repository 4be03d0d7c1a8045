// Reductions against the eager reference over all dtypes, random shapes, chunkings and axis sets;
// every result computed at 1, 2 and 4 threads (integers agree exactly, floats within the stated
// tolerance of testing/compare.h).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

#include "hyperchunk/array/array.h"
#include "hyperchunk/exec/compute.h"
#include "testing/compare.h"
#include "testing/eager.h"
#include "testing/lazy.h"
#include "testing/random.h"

namespace hyperchunk {
namespace {

using test::ForEachRandomCase;
using test::Rng;
using test::Values;

constexpr ReduceOp kAllReduceOps[] = {ReduceOp::kSum,    ReduceOp::kMean,   ReduceOp::kMin,    ReduceOp::kMax,
                                      ReduceOp::kVar,    ReduceOp::kStd,    ReduceOp::kArgMin, ReduceOp::kArgMax,
                                      ReduceOp::kNanSum, ReduceOp::kNanMean};

bool IsArg(ReduceOp op) { return op == ReduceOp::kArgMin || op == ReduceOp::kArgMax; }

std::string AxesString(const std::optional<std::vector<int>>& axes) {
  if (!axes) return "None";
  std::string out = "(";
  for (int axis : *axes) out += std::to_string(axis) + ",";
  return out + ")";
}

/// A random axis set for `rank`: None, or a shuffled subset (possibly empty) written with random signs.
std::optional<std::vector<int>> RandomAxes(Rng& rng, size_t rank) {
  if (rng.Chance(0.25)) return std::nullopt;
  std::vector<int> axes;
  for (size_t dim = 0; dim < rank; ++dim) {
    if (rng.Chance(0.5))
      axes.push_back(rng.Chance(0.3) ? static_cast<int>(dim) - static_cast<int>(rank) : static_cast<int>(dim));
  }
  std::shuffle(axes.begin(), axes.end(), rng.engine());
  return axes;
}

/// The lazy reduction as the API spells it.
Array LazyReduce(const Array& x, ReduceOp op, const std::optional<std::vector<int>>& axes, bool keepdims, int ddof) {
  if (IsArg(op)) {
    std::optional<int> axis;
    if (axes) axis = (*axes)[0];
    return op == ReduceOp::kArgMax ? x.ArgMax(axis) : x.ArgMin(axis);
  }
  return x.Reduce(op, axes, keepdims, ddof);
}

/// Checks one reduction at 1, 2 and 4 threads against the reference and against each other.
void CheckReduction(Rng& rng, ReduceOp op, const NdArray& data, std::optional<std::vector<int>> axes, bool keepdims,
                    int ddof) {
  std::string chunks;
  const Array x = test::LazyWithRandomChunks(rng, data, &chunks);
  SCOPED_TRACE(std::string(ReduceOpName(op)) + "(" + test::Describe(data) + " chunks " + chunks + ", axes " +
               AxesString(axes) + (keepdims ? ", keepdims" : "") + (ddof != 0 ? ", ddof " + std::to_string(ddof) : "") +
               ")\n  x = " + test::ValuesString(data, 24));
  const Array lazy = LazyReduce(x, op, axes, keepdims, ddof);
  Result<NdArray> want = IsArg(op)
                             ? test::EagerArgReduce(op, data, axes ? std::optional<int>((*axes)[0]) : std::nullopt)
                             : test::EagerReduce(op, data, axes, keepdims, ddof);
  if (!want.ok()) {
    EXPECT_TRUE(test::FailsToCompute(test::SharedContext(2), lazy)) << "numpy refuses: " << want.status().ToString();
    return;
  }
  const test::Tolerance tol =
      test::ReductionTolerance(op, want->dtype(), test::ReducedCount(data.shape(), axes), test::MaxAbs(data));
  std::optional<NdArray> first;
  for (int threads : test::kThreadCounts) {
    NdArray got;
    EXPECT_TRUE(test::ComputesTo(test::SharedContext(threads), lazy, *want, tol, &got));
    if (!got.valid()) continue;
    if (!first) {
      first = got;
    } else {
      EXPECT_TRUE(test::ArraysMatch(*first, got, tol)) << threads << " threads disagree with 1 thread";
    }
  }
}

Values RandomValues(Rng& rng, DType dtype) {
  if (rng.Chance(0.7)) return Values::kSmall;
  if (IsFloat(dtype) && rng.Chance(0.3)) return Values::kNaN;
  return Values::kFull;
}

TEST(Reduce, RandomReductions) {
  ForEachRandomCase(200, [](Rng& rng) {
    const ReduceOp op = kAllReduceOps[rng.Int(0, std::size(kAllReduceOps) - 1)];
    const DType dtype = test::RandomDType(rng);
    const NdArray data = test::RandomArray(rng, dtype, test::RandomShape(rng, 0, 4, 6, 0.05), RandomValues(rng, dtype));
    std::optional<std::vector<int>> axes = RandomAxes(rng, data.rank());
    if (IsArg(op) && axes) {
      if (data.rank() == 0) axes.reset();
      else axes = std::vector<int>{static_cast<int>(rng.Int(-static_cast<int64_t>(data.rank()), data.rank() - 1))};
    }
    const bool keepdims = !IsArg(op) && rng.Chance(0.3);
    const int ddof = (op == ReduceOp::kVar || op == ReduceOp::kStd) ? static_cast<int>(rng.Int(0, 1)) : 0;
    CheckReduction(rng, op, data, axes, keepdims, ddof);
  });
}

TEST(Reduce, EveryOpOnEveryDType) {
  Rng rng(test::SeedForCurrentTest());
  for (ReduceOp op : kAllReduceOps) {
    for (DType dtype : kAllDTypes) {
      const NdArray data = test::RandomArray(rng, dtype, test::RandomShape(rng, 1, 3, 6, 0.0));
      std::optional<std::vector<int>> axes;
      if (rng.Chance(0.6)) axes = std::vector<int>{static_cast<int>(rng.Int(0, data.rank() - 1))};
      CheckReduction(rng, op, data, axes, false, op == ReduceOp::kVar ? 1 : 0);
    }
  }
}

TEST(Reduce, NaNPropagationAndNanReductions) {
  ForEachRandomCase(100, [](Rng& rng) {
    const ReduceOp op = kAllReduceOps[rng.Int(0, std::size(kAllReduceOps) - 1)];
    const DType dtype = rng.Chance(0.5) ? DType::kFloat32 : DType::kFloat64;
    const NdArray data = test::RandomArray(rng, dtype, test::RandomShape(rng, 1, 3, 6, 0.0), Values::kNaN);
    std::optional<std::vector<int>> axes;
    if (rng.Chance(0.7)) axes = std::vector<int>{static_cast<int>(rng.Int(0, data.rank() - 1))};
    CheckReduction(rng, op, data, axes, false, 0);
  });
}

TEST(Reduce, ContinuousFloatsWithinTolerance) {
  // Order-dependent rounding: sums of many continuous values at every thread count.
  ForEachRandomCase(40, [](Rng& rng) {
    const ReduceOp op =
        rng.Pick(std::vector<ReduceOp>{ReduceOp::kSum, ReduceOp::kMean, ReduceOp::kVar, ReduceOp::kStd});
    const DType dtype = rng.Chance(0.5) ? DType::kFloat32 : DType::kFloat64;
    const NdArray data = test::RandomArray(rng, dtype, {rng.Int(20, 60), rng.Int(1, 30), rng.Int(1, 9)}, Values::kFull);
    CheckReduction(rng, op, data, rng.Chance(0.5) ? std::nullopt : std::optional<std::vector<int>>({0, 2}), false, 0);
  });
}

TEST(Reduce, NumpySpotChecks) {
  const double nan = std::nan("");
  Context& ctx = test::SharedContext(2);
  const NdArray v = NdArray::FromVector<double>({1, nan, 5, nan, -2}, {5});
  const Array x = Array::FromNdArray(v, Shape{2});
  EXPECT_TRUE(test::ComputesTo(ctx, x.ArgMax(), NdArray::FromVector<int64_t>({1}, {}))) << "the first NaN wins";
  EXPECT_TRUE(test::ComputesTo(ctx, x.ArgMin(), NdArray::FromVector<int64_t>({1}, {})));
  EXPECT_TRUE(test::ComputesTo(ctx, x.Max(), NdArray::FromVector<double>({nan}, {})));
  EXPECT_TRUE(test::ComputesTo(ctx, x.NanSum(), NdArray::FromVector<double>({4}, {})));
  EXPECT_TRUE(test::ComputesTo(ctx, x.NanMean(), NdArray::FromVector<double>({4.0 / 3.0}, {}),
                               test::ElementwiseTolerance(DType::kFloat64)));
  const Array ties = Array::FromNdArray(NdArray::FromVector<int32_t>({3, 7, 7, -1, -1}, {5}), Shape{1});
  EXPECT_TRUE(test::ComputesTo(ctx, ties.ArgMax(), NdArray::FromVector<int64_t>({1}, {}))) << "first occurrence";
  EXPECT_TRUE(test::ComputesTo(ctx, ties.ArgMin(), NdArray::FromVector<int64_t>({3}, {}))) << "first occurrence";
  const Array u16 = Array::FromNdArray(NdArray::FromVector<uint16_t>({65535, 65535, 2}, {3}), Shape{2});
  EXPECT_TRUE(test::ComputesTo(ctx, u16.Sum(), NdArray::FromVector<uint64_t>({131072}, {})))
      << "sum of uint16 is uint64";
  EXPECT_EQ(u16.Mean().dtype(), DType::kFloat64);
  EXPECT_EQ(u16.Max().dtype(), DType::kUInt16);
  EXPECT_EQ(u16.ArgMax().dtype(), DType::kInt64);
  const Array one = Array::FromNdArray(NdArray::FromVector<double>({3.0}, {1}), Shape{1});
  EXPECT_TRUE(test::ComputesTo(ctx, one.Var(std::nullopt, false, 1), NdArray::FromVector<double>({nan}, {})))
      << "numpy: ddof >= n gives nan (0/0)";
  const Array two = Array::FromNdArray(NdArray::FromVector<double>({1.0, 2.0}, {2}), Shape{1});
  EXPECT_TRUE(test::ComputesTo(ctx, two.Var(std::nullopt, false, 2), NdArray::FromVector<double>({HUGE_VAL}, {})))
      << "numpy: ddof = n with a non-zero sum of squares gives inf";
  EXPECT_TRUE(test::ComputesTo(ctx, two.Std(std::nullopt, false, 1), NdArray::FromVector<double>({std::sqrt(0.5)}, {}),
                               test::ElementwiseTolerance(DType::kFloat64)));
}

TEST(Reduce, EmptyInputs) {
  Context& ctx = test::SharedContext(2);
  const NdArray empty_rows = NdArray::Zeros(DType::kFloat64, {0, 3});
  const Array x = Array::FromNdArray(empty_rows, ChunkGrid::Regular({0, 3}, {1, 2}));
  EXPECT_TRUE(test::ComputesTo(ctx, x.Sum({0}), NdArray::Zeros(DType::kFloat64, {3})));
  EXPECT_TRUE(test::ComputesTo(ctx, x.Mean({0}), *test::EagerReduce(ReduceOp::kMean, empty_rows, std::vector<int>{0})))
      << "mean of nothing is nan";
  EXPECT_TRUE(test::ComputesTo(ctx, x.Max({1}), NdArray::Zeros(DType::kFloat64, {0})))
      << "no output elements: no error";
  EXPECT_TRUE(test::FailsToCompute(ctx, x.Max({0}))) << "numpy: zero-size array to reduction operation maximum";
  EXPECT_TRUE(test::FailsToCompute(ctx, x.Min()));
  EXPECT_TRUE(test::FailsToCompute(ctx, x.ArgMax()));
  EXPECT_TRUE(test::FailsToCompute(ctx, x.ArgMin(0)));
  const Array u8 = Array::FromNdArray(NdArray::Zeros(DType::kUInt8, {3, 0}), ChunkGrid::Regular({3, 0}, {2, 1}));
  EXPECT_TRUE(test::ComputesTo(ctx, u8.Sum({1}), NdArray::Zeros(DType::kUInt64, {3})));
  EXPECT_TRUE(
      test::ComputesTo(ctx, u8.Var({1}),
                       *test::EagerReduce(ReduceOp::kVar, NdArray::Zeros(DType::kUInt8, {3, 0}), std::vector<int>{1})));
}

TEST(Reduce, BadAxesAreErrors) {
  const Array x = Array::Ones(DType::kFloat32, {4, 5, 6}, {2, 2, 2});
  EXPECT_FALSE(x.Sum({3}).ok());
  EXPECT_FALSE(x.Sum({-4}).ok());
  EXPECT_FALSE(x.Sum({1, 1}).ok());
  EXPECT_FALSE(x.Sum({1, -2}).ok()) << "-2 is axis 1 again";
  EXPECT_FALSE(x.ArgMax(3).ok());
  EXPECT_FALSE(x.Coarsen(ReduceOp::kVar, {2, 1, 1}).ok()) << "coarsen takes sum, mean, min or max";
  EXPECT_TRUE(test::FailsToCompute(test::SharedContext(1), x.Sum({7}).Max()));
}

TEST(Reduce, WrappersEqualReduce) {
  Rng rng(test::SeedForCurrentTest());
  const NdArray data = test::RandomArray(rng, DType::kInt16, {4, 3, 5});
  const Array x = Array::FromNdArray(data, Shape{3, 2, 2});
  Context& ctx = test::SharedContext(2);
  const std::vector<int> axes{0, 2};
  const std::vector<std::pair<Array, ReduceOp>> cases = {
      {x.Sum(axes), ReduceOp::kSum},       {x.Mean(axes), ReduceOp::kMean},      {x.Min(axes), ReduceOp::kMin},
      {x.Max(axes), ReduceOp::kMax},       {x.Var(axes), ReduceOp::kVar},        {x.Std(axes), ReduceOp::kStd},
      {x.NanSum(axes), ReduceOp::kNanSum}, {x.NanMean(axes), ReduceOp::kNanMean}};
  for (const auto& [lazy, op] : cases) {
    SCOPED_TRACE(ReduceOpName(op));
    HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerReduce(op, data, axes));
    EXPECT_TRUE(test::ComputesTo(ctx, lazy, want, test::ReductionTolerance(op, want.dtype(), 20, 9)));
    HC_ASSERT_OK_AND_ASSIGN(const NdArray via_reduce, Compute(ctx, x.Reduce(op, axes)));
    HC_ASSERT_OK_AND_ASSIGN(const NdArray via_wrapper, Compute(ctx, lazy));
    EXPECT_TRUE(test::ArraysIdentical(via_reduce, via_wrapper));
  }
}

TEST(Reduce, KeptAxesKeepTheirChunks) {
  const ChunkGrid grid = test::MakeGrid({{2, 1, 3}, {4}, {1, 1, 3}});
  const Array x = Array::FromNdArray(NdArray::Zeros(DType::kFloat32, {6, 4, 5}), grid);
  const Array s = x.Sum({1});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s.chunks().lengths(0), grid.lengths(0));
  EXPECT_EQ(s.chunks().lengths(1), grid.lengths(2));
  const Array k = x.Max({0, 2}, true);
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k.shape(), (Shape{1, 4, 1}));
  EXPECT_EQ(k.chunks().lengths(1), grid.lengths(1));
  EXPECT_EQ(x.Sum().shape(), Shape{});
  EXPECT_EQ(x.ArgMax(2).shape(), (Shape{6, 4}));
}

TEST(Reduce, ReductionsOfReductions) {
  ForEachRandomCase(40, [](Rng& rng) {
    const DType dtype = rng.Pick(std::vector<DType>{DType::kInt32, DType::kUInt8, DType::kFloat64, DType::kFloat32});
    const NdArray data = test::RandomArray(rng, dtype, {rng.Int(1, 6), rng.Int(1, 6), rng.Int(1, 6)});
    std::string chunks;
    const Array x = test::LazyWithRandomChunks(rng, data, &chunks);
    SCOPED_TRACE(test::Describe(data) + " chunks " + chunks);
    HC_ASSERT_OK_AND_ASSIGN(const NdArray s1, test::EagerReduce(ReduceOp::kSum, data, std::vector<int>{1}));
    HC_ASSERT_OK_AND_ASSIGN(const NdArray m2, test::EagerReduce(ReduceOp::kMax, s1, std::vector<int>{0}));
    HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerReduce(ReduceOp::kMean, m2));
    EXPECT_TRUE(
        test::ComputesTo(test::RandomContext(rng), x.Sum({1}).Max({0}).Mean(), want,
                         test::ReductionTolerance(ReduceOp::kSum, want.dtype(), data.size(), test::MaxAbs(data))));
  });
}

}  // namespace
}  // namespace hyperchunk
