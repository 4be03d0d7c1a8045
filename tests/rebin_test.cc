// Rebinning (HyperSpy 1.7 reference §6) against eager references: RebinSum against the eager
// coarsen over random dtypes, shapes and misaligned chunkings; RebinLinear against a plain
// transcription of hyperspy.misc.array_tools._linear_bin (bit for bit), against numbers printed by
// HyperSpy 1.7.3 itself, and for its single pass over the source under a small memory budget.
#include "hyperchunk/array/rebin.h"

#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
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

constexpr const char* kCollapse =
    "One of your dimensions collapses to zero. Re-adjust your scale values or run code with crop=False to avoid this "
    "error.";
constexpr const char* kNeedsFloat = "Linear interpolation requires float dtype, change the dtype argument.";

std::string DTypeText(std::optional<DType> dtype) { return dtype ? std::string(DTypeName(*dtype)) : "None"; }

std::string FactorsText(const std::vector<double>& factors) {
  std::string out = "(";
  for (size_t k = 0; k < factors.size(); ++k) out += (k ? ", " : "") + fmt::format("{}", factors[k]);
  return out + ")";
}

// ---- references ---------------------------------------------------------------------------------

/// numpy: a.reshape(n0, f0, n1, f1, ...).sum(axis=(1, 3, ...), dtype=dtype), via the eager coarsen
/// of the values converted to `dtype` (numpy converts each element, then adds in `dtype`).
Result<NdArray> EagerRebinSum(const NdArray& a, const std::vector<Index>& factors, std::optional<DType> dtype) {
  bool all_ones = true;
  for (Index f : factors) all_ones = all_ones && f == 1;
  if (all_ones) return a;  // HyperSpy returns a.copy()
  const NdArray src = dtype ? test::EagerAsType(a, *dtype) : a;
  Result<NdArray> sum = test::EagerCoarsen(ReduceOp::kSum, src, factors, false);
  if (!sum.ok() || !dtype) return sum;
  return test::EagerAsType(*sum, *dtype);
}

/// A plain transcription of hyperspy.misc.array_tools._linear_bin / _linear_bin_loop (HyperSpy
/// 1.7.3) over a whole in-memory array of T: axis after axis in array order, each bin accumulated
/// in T as the numba loop does (a product in double, then the sum rounded to T).
template <typename T>
NdArray EagerLinearBin(NdArray data, const std::vector<double>& factors, bool crop) {
  for (size_t axis = 0; axis < factors.size(); ++axis) {
    const double scale = factors[axis];
    const Shape in_shape = data.shape();
    const Index n = in_shape[axis];
    const Index dim = static_cast<Index>(crop ? std::floor(static_cast<double>(n) / scale)
                                              : std::ceil(static_cast<double>(n) / scale));
    Shape out_shape = in_shape;
    out_shape[axis] = dim;
    NdArray result = NdArray::Zeros(DTypeOf<T>(), out_shape);
    Index outer = 1, inner = 1;
    for (size_t d = 0; d < axis; ++d) outer *= in_shape[d];
    for (size_t d = axis + 1; d < in_shape.size(); ++d) inner *= in_shape[d];
    const T* src = data.data<T>();
    T* dst = result.data<T>();
    for (Index o = 0; o < outer; ++o) {
      for (Index k = 0; k < inner; ++k) {
        auto at = [&](double position) -> T {
          const Index i = static_cast<Index>(std::floor(position));
          return i < n ? src[(o * n + i) * inner + k] : T(0);  // numba reads past the end; never in these tests
        };
        for (Index j = 0; j < dim; ++j) {
          T& value = dst[(o * dim + j) * inner + k];
          auto add = [&](double position, double weight) {
            value = static_cast<T>(static_cast<double>(value) + static_cast<double>(at(position)) * weight);
          };
          double x1 = static_cast<double>(j) * scale;
          const double x2 = std::min(static_cast<double>(1 + j) * scale, static_cast<double>(n));
          if (x2 - x1 >= 1) {
            const double cx1 = std::ceil(x1);
            add(x1, cx1 - x1);
            x1 = cx1;
            while (x2 - x1 >= 1) {
              value = static_cast<T>(value + at(x1));
              x1 += 1;
            }
            if (x2 > x1) add(x1, x2 - x1);
          } else {
            const double fx1 = std::floor(x1), cx1 = std::ceil(x1);
            if (scale > cx1 - x1 && cx1 - x1 > 0) {
              add(fx1, cx1 - x1);
              x1 = cx1;
            }
            if (x1 < x2) add(x1, x2 - x1);
          }
        }
      }
    }
    data = result;
  }
  return data;
}

/// HyperSpy's compute dtype of the linear path, or nullopt when it refuses.
std::optional<DType> LinearDType(DType input, std::optional<DType> requested) {
  if (requested && !IsFloat(*requested)) return std::nullopt;
  if (!IsFloat(input)) return DType::kFloat64;
  if (requested && *requested == DType::kFloat32 && input == DType::kFloat64) return std::nullopt;
  return requested.value_or(input);
}

NdArray EagerLinear(const NdArray& data, const std::vector<double>& factors, bool crop, DType compute) {
  const NdArray cast = test::EagerAsType(data, compute);
  return compute == DType::kFloat32 ? EagerLinearBin<float>(cast, factors, crop)
                                    : EagerLinearBin<double>(cast, factors, crop);
}

/// numpy: (arange(n) * 37 % 101) / 7.0 — rational values that round the same everywhere.
NdArray Ramp(Index n, DType dtype) {
  std::vector<double> values;
  for (Index i = 0; i < n; ++i) values.push_back(static_cast<double>(i * 37 % 101) / 7.0);
  return test::EagerAsType(NdArray::FromVector(values, {n}), dtype);
}

NdArray Reshaped(const NdArray& a, const Shape& shape) { return *a.Reshape(shape); }

// ---- RebinSum ---------------------------------------------------------------------------------

TEST(RebinSum, RandomAgainstEagerCoarsen) {
  ForEachRandomCase(200, [](Rng& rng) {
    const DType dtype = test::RandomDType(rng);
    const Shape shape = test::RandomShape(rng, 1, 3, 9, 0.0);
    const NdArray data = test::RandomArray(rng, dtype, shape, rng.Chance(0.5) ? Values::kSmall : Values::kFull);
    std::vector<Index> factors;
    for (Index extent : shape) {
      std::vector<Index> divisors;
      for (Index f = 1; f <= extent; ++f) {
        if (extent % f == 0) divisors.push_back(f);
      }
      factors.push_back(rng.Chance(0.2) ? 1 : rng.Pick(divisors));
    }
    const std::optional<DType> want_dtype =
        rng.Chance(0.5) ? std::nullopt : std::optional<DType>(test::RandomDType(rng));
    std::string chunks;
    const Array x = test::LazyWithRandomChunks(rng, data, &chunks);
    SCOPED_TRACE(test::Describe(data) + " chunks " + chunks + " by " + test::ShapeString(factors) + " dtype " +
                 DTypeText(want_dtype));
    HC_ASSERT_OK_AND_ASSIGN(const NdArray want, EagerRebinSum(data, factors, want_dtype));
    HC_ASSERT_OK_AND_ASSIGN(const Array got, RebinSum(x, factors, want_dtype));
    Index block = 1;
    for (Index f : factors) block *= f;
    const NdArray converted = want_dtype ? test::EagerAsType(data, *want_dtype) : data;
    EXPECT_TRUE(
        test::ComputesTo(test::RandomContext(rng), got, want,
                         test::ReductionTolerance(ReduceOp::kSum, want.dtype(), block, test::MaxAbs(converted))));
    EXPECT_EQ(x.chunks().ToString(), test::ChunksString(x.chunks())) << "the source keeps its chunks";
  });
}

TEST(RebinSum, DefaultDTypesAreNumpySumTypes) {
  const Shape shape{4, 6};
  const std::vector<std::pair<DType, DType>> cases = {
      {DType::kUInt16, DType::kUInt64},  {DType::kUInt8, DType::kUInt64}, {DType::kInt8, DType::kInt64},
      {DType::kInt32, DType::kInt64},    {DType::kBool, DType::kInt64},   {DType::kFloat32, DType::kFloat32},
      {DType::kFloat64, DType::kFloat64}};
  for (const auto& [in, out] : cases) {
    SCOPED_TRACE(std::string(DTypeName(in)));
    const Array x = Array::Ones(in, shape, {3, 4});
    HC_ASSERT_OK_AND_ASSIGN(const Array got, RebinSum(x, {2, 3}));
    EXPECT_EQ(got.dtype(), out);
    EXPECT_TRUE(test::ComputesTo(test::SharedContext(2), got, test::EagerFull(6, out, {2, 2})));
  }
}

TEST(RebinSum, ExplicitDTypeAccumulatesInIt) {
  // numpy: np.array([[200, 100]], np.uint16).reshape(1, 1, 1, 2).sum(axis=(1, 3), dtype=np.int8) == 44
  const NdArray wraps = NdArray::FromVector<uint16_t>({200, 100, 7, 9}, {2, 2});
  HC_ASSERT_OK_AND_ASSIGN(const Array to_int8, RebinSum(Array::FromNdArray(wraps, {1, 1}), {1, 2}, DType::kInt8));
  EXPECT_TRUE(test::ComputesTo(test::SharedContext(1), to_int8, NdArray::FromVector<int8_t>({44, 16}, {2, 1})));
  // np.sum([1.5, 2.5, -1.7, 0.9], dtype=np.int64) == 2: each element truncated first.
  const NdArray floats = NdArray::FromVector<double>({1.5, 2.5, -1.7, 0.9}, {4});
  HC_ASSERT_OK_AND_ASSIGN(const Array to_int, RebinSum(Array::FromNdArray(floats, {3}), {4}, DType::kInt64));
  EXPECT_TRUE(test::ComputesTo(test::SharedContext(1), to_int, NdArray::FromVector<int64_t>({2}, {1})));
  // dtype=bool: numpy's add over bool is a logical or.
  const NdArray counts = NdArray::FromVector<uint16_t>({0, 0, 0, 3}, {4});
  HC_ASSERT_OK_AND_ASSIGN(const Array to_bool, RebinSum(Array::FromNdArray(counts, {4}), {2}, DType::kBool));
  EXPECT_TRUE(test::ComputesTo(test::SharedContext(1), to_bool, NdArray::FromVector<bool>({false, true}, {2})));
  // An explicit float dtype of an integer input: the sums are float32.
  HC_ASSERT_OK_AND_ASSIGN(const Array to_f32, RebinSum(Array::FromNdArray(wraps, {2, 2}), {2, 1}, DType::kFloat32));
  EXPECT_TRUE(test::ComputesTo(test::SharedContext(1), to_f32, NdArray::FromVector<float>({207, 109}, {1, 2})));
}

TEST(RebinSum, AllFactorsOneIsTheSameArray) {
  // HyperSpy 1.7.3: Signal2D(np.arange(12, dtype=np.uint16).reshape(3, 4)).rebin(scale=(1, 1),
  // dtype=np.float32).data.dtype == uint16 (array_tools.rebin returns a.copy() before any sum).
  const NdArray data = test::EagerArange(0, 12, 1, DType::kUInt16);
  const Array x = Array::FromNdArray(Reshaped(data, {3, 4}), {2, 3});
  for (const std::optional<DType> dtype : {std::optional<DType>(), std::optional<DType>(DType::kFloat32)}) {
    HC_ASSERT_OK_AND_ASSIGN(const Array got, RebinSum(x, {1, 1}, dtype));
    EXPECT_EQ(got.dtype(), DType::kUInt16);
    EXPECT_TRUE(test::ComputesTo(test::SharedContext(1), got, Reshaped(data, {3, 4})));
  }
}

TEST(RebinSum, ChunksMisalignedWithFactors) {
  // Chunk edges at 5 and 10 cut blocks of 3; at 3, 6, 9 blocks of 2: every output chunk but the
  // first straddles two source chunks on each axis.
  Rng rng(test::SeedForCurrentTest());
  const NdArray data = test::RandomArray(rng, DType::kInt32, {12, 10}, Values::kFull);
  const ChunkGrid grid = test::MakeGrid({{5, 5, 2}, {3, 3, 3, 1}});
  auto source = std::make_shared<test::CountingSource>(data, grid, "counted");
  const Array x = Array::FromSource(source);
  HC_ASSERT_OK_AND_ASSIGN(const NdArray want, EagerRebinSum(data, {3, 2}, std::nullopt));
  HC_ASSERT_OK_AND_ASSIGN(const Array got, RebinSum(x, {3, 2}));
  for (int threads : test::kThreadCounts) {
    source->ResetCounts();
    EXPECT_TRUE(test::ComputesTo(test::SharedContext(threads), got, want)) << threads << " threads";
    if (!test::TortureMode()) {
      EXPECT_EQ(source->total_reads(), grid.num_chunks()) << "each chunk read once";
    }
  }
  EXPECT_EQ(x.chunks(), grid) << "the source is not rechunked";
}

TEST(RebinSum, Errors) {
  const Array x = Array::Ones(DType::kUInt16, {6, 4}, {4, 4});
  const auto message = [](const Result<Array>& r) { return r.ok() ? std::string("ok") : r.status().message(); };
  HC_EXPECT_CODE(RebinSum(x, {2}), StatusCode::kInvalidArgument);
  HC_EXPECT_CODE(RebinSum(x, {0, 1}), StatusCode::kInvalidArgument);
  const Result<Array> not_divisor = RebinSum(x, {4, 2});
  HC_EXPECT_CODE(not_divisor, StatusCode::kInvalidArgument);
  EXPECT_NE(message(not_divisor).find("does not divide axis 0 of length 6"), std::string::npos) << message(not_divisor);
  EXPECT_EQ(message(RebinSum(Array::Zeros(DType::kFloat32, {0, 4}, {1, 4}), {1, 2})), kCollapse);
  HC_EXPECT_CODE(RebinSum(Array(InvalidArgument("upstream")), {1}), StatusCode::kInvalidArgument);
}

// ---- RebinLinear --------------------------------------------------------------------------------

TEST(RebinLinear, Lengths) {
  EXPECT_EQ(RebinLinearLength(10, 1.5, true), 6);
  EXPECT_EQ(RebinLinearLength(10, 1.5, false), 7);
  EXPECT_EQ(RebinLinearLength(4, 0.5, true), 8);
  EXPECT_EQ(RebinLinearLength(10, 3, true), 3);
  EXPECT_EQ(RebinLinearLength(10, 3, false), 4);
  EXPECT_EQ(RebinLinearLength(2, 2.5, true), 0);
  EXPECT_EQ(RebinLinearLength(2, 2.5, false), 1);
}

TEST(RebinLinear, RandomAgainstEagerTranscription) {
  const std::vector<double> scales = {1.5, 0.5, 2.5, 3.0, 1.7, 0.3, 0.77, 1.0, 2.0, 4.25};
  ForEachRandomCase(250, [&](Rng& rng) {
    const DType dtype = rng.Pick(std::vector<DType>{DType::kFloat64, DType::kFloat64, DType::kFloat32, DType::kInt16,
                                                    DType::kUInt8, DType::kInt64});
    const Shape shape = test::RandomShape(rng, 1, 3, 12, 0.0);
    const NdArray data = test::RandomArray(rng, dtype, shape, Values::kFull);
    std::vector<double> factors;
    for (size_t d = 0; d < shape.size(); ++d) factors.push_back(rng.Pick(scales));
    const bool crop = rng.Chance(0.5);
    // Keep the result small (the torture budget is 256 KiB): up-sample at most ~4096 elements.
    for (size_t d = 0; d < shape.size(); ++d) {
      Index elements = 1;
      for (size_t k = 0; k < shape.size(); ++k) elements *= RebinLinearLength(shape[k], factors[k], false);
      if (elements > 4096 && factors[d] < 1) factors[d] = 1.5;
    }
    const std::optional<DType> requested =
        rng.Pick(std::vector<std::optional<DType>>{std::nullopt, std::nullopt, DType::kFloat64, DType::kFloat32});
    std::string chunks;
    const Array x = test::LazyWithRandomChunks(rng, data, &chunks);
    SCOPED_TRACE(test::Describe(data) + " chunks " + chunks + " by " + FactorsText(factors) +
                 (crop ? " crop" : " no crop") + " dtype " + DTypeText(requested));
    const Result<Array> got = RebinLinear(x, factors, crop, requested);
    const std::optional<DType> compute = LinearDType(dtype, requested);
    if (!compute) {
      EXPECT_FALSE(got.ok());
      return;
    }
    bool collapses = false;
    for (size_t d = 0; d < shape.size(); ++d)
      collapses = collapses || RebinLinearLength(shape[d], factors[d], crop) == 0;
    if (collapses) {
      ASSERT_FALSE(got.ok());
      EXPECT_EQ(got.status().message(), kCollapse);
      return;
    }
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    NdArray values;
    ASSERT_TRUE(
        test::ComputesTo(test::RandomContext(rng), *got, EagerLinear(data, factors, crop, *compute), {}, &values));
    // Bit for bit: the same operations in the same order.
    EXPECT_TRUE(test::ArraysIdentical(EagerLinear(data, factors, crop, *compute), values));
  });
}

TEST(RebinLinear, OutputBinsStraddlingInputChunks) {
  // 1-D: chunks of 3 with factor 2.5 — bins [2.5, 5), [5, 7.5), ... cross every chunk edge.
  const NdArray ramp = Ramp(20, DType::kFloat64);
  for (const auto& [chunk, scale, crop] : std::vector<std::tuple<Index, double, bool>>{
           {3, 2.5, true}, {3, 2.5, false}, {1, 1.5, false}, {4, 0.5, true}, {7, 3.0, false}, {2, 0.3, false}}) {
    SCOPED_TRACE(fmt::format("chunks of {} by {} crop {}", chunk, scale, crop));
    HC_ASSERT_OK_AND_ASSIGN(const Array got, RebinLinear(Array::FromNdArray(ramp, {chunk}), {scale}, crop));
    const NdArray want = EagerLinear(ramp, {scale}, crop, DType::kFloat64);
    NdArray values;
    ASSERT_TRUE(test::ComputesTo(test::SharedContext(2), got, want, {}, &values));
    EXPECT_TRUE(test::ArraysIdentical(want, values));
  }
  // 3-D, ragged chunks, every axis rebinned at once (down, up, down).
  Rng rng(test::SeedForCurrentTest());
  const NdArray cube = test::RandomArray(rng, DType::kFloat64, {11, 7, 13}, Values::kFull);
  const ChunkGrid grid = test::MakeGrid({{4, 4, 3}, {2, 3, 2}, {5, 1, 5, 2}});
  const std::vector<double> factors = {2.5, 0.6, 1.5};
  HC_ASSERT_OK_AND_ASSIGN(const Array got, RebinLinear(Array::FromNdArray(cube, grid), factors, false));
  const NdArray want = EagerLinear(cube, factors, false, DType::kFloat64);
  for (int threads : test::kThreadCounts) {
    NdArray values;
    ASSERT_TRUE(test::ComputesTo(test::SharedContext(threads), got, want, {}, &values)) << threads << " threads";
    EXPECT_TRUE(test::ArraysIdentical(want, values)) << threads << " threads";
  }
}

TEST(RebinLinear, OutputChunksFollowInputChunks) {
  const Array x = Array::Zeros(DType::kFloat64, {20, 8}, {6, 4});
  HC_ASSERT_OK_AND_ASSIGN(const Array down, RebinLinear(x, {2.5, 1.0}, false));
  EXPECT_EQ(test::ChunksString(down.chunks()), "((2, 2, 3, 1), (4, 4))");  // cuts at floor(6/2.5), floor(12/2.5), ...
  HC_ASSERT_OK_AND_ASSIGN(const Array up, RebinLinear(x, {0.25, 0.5}, true));
  // Up-sampled pieces are cut to at most the input chunk length (6 and 4).
  EXPECT_EQ(up.shape(), (Shape{80, 16}));
  for (Index len : up.chunks().lengths(0)) EXPECT_LE(len, 6);
  for (Index len : up.chunks().lengths(1)) EXPECT_LE(len, 4);
}

TEST(RebinLinear, ReadsEachChunkOnceWithinAMemoryBudget) {
  // 1 MiB of float64 in 16 KiB chunks, rebinned through a 256 KiB budget and streamed chunk by chunk.
  Rng rng(test::SeedForCurrentTest());
  const NdArray data = test::RandomArray(rng, DType::kFloat64, {256, 512}, Values::kFull);
  const ChunkGrid grid = ChunkGrid::Regular({256, 512}, {32, 64});
  auto source = std::make_shared<test::CountingSource>(data, grid, "counted");
  const std::vector<double> factors = {2.5, 1.5};
  HC_ASSERT_OK_AND_ASSIGN(const Array got, RebinLinear(Array::FromSource(source), factors, true));
  const NdArray want = EagerLinear(data, factors, true, DType::kFloat64);
  ContextOptions options;
  options.threads = 2;
  options.memory_limit = int64_t{256} << 10;
  Context ctx(options);
  std::mutex mutex;
  NdArray assembled = NdArray::Zeros(DType::kFloat64, want.shape());
  const Status status = ComputeChunks(ctx, got, [&](const ChunkIndex&, const Box& box, const NdArray& values) {
    std::lock_guard<std::mutex> lock(mutex);
    assembled.CopyFrom(values, box);
    return Status::Ok();
  });
  HC_ASSERT_OK(status);
  EXPECT_TRUE(test::ArraysIdentical(want, assembled));
  EXPECT_LE(ctx.memory_stats().peak_bytes, options.memory_limit);
  EXPECT_EQ(source->bad_calls(), 0);
  EXPECT_LE(source->total_reads(), grid.num_chunks() + grid.num_chunks() / 4) << "about one read per chunk";
  // With room to spare every chunk is read exactly once.
  source->ResetCounts();
  if (!test::TortureMode()) {
    HC_ASSERT_OK_AND_ASSIGN(const NdArray full, Compute(test::SharedContext(4), got));
    EXPECT_TRUE(test::ArraysIdentical(want, full));
    EXPECT_EQ(source->total_reads(), grid.num_chunks());
  }
}

TEST(RebinLinear, DTypes) {
  const Array ints = Array::FromNdArray(test::EagerArange(0, 10, 1, DType::kUInt16), {4});
  const Array f32 = Array::FromNdArray(Ramp(10, DType::kFloat32), {4});
  const Array f64 = Array::FromNdArray(Ramp(10, DType::kFloat64), {4});
  const Array bools = Array::Ones(DType::kBool, {10}, {4});
  const auto dtype_of = [](const Result<Array>& r) { return r.ok() ? r->dtype() : DType::kBool; };
  EXPECT_EQ(dtype_of(RebinLinear(ints, {1.5})), DType::kFloat64);
  // HyperSpy turns integer input into float64 whatever float dtype is asked for.
  EXPECT_EQ(dtype_of(RebinLinear(ints, {1.5}, true, DType::kFloat32)), DType::kFloat64);
  EXPECT_EQ(dtype_of(RebinLinear(bools, {1.5})), DType::kFloat64);
  EXPECT_EQ(dtype_of(RebinLinear(f32, {1.5})), DType::kFloat32);
  EXPECT_EQ(dtype_of(RebinLinear(f32, {1.5}, true, DType::kFloat64)), DType::kFloat64);
  EXPECT_EQ(dtype_of(RebinLinear(f64, {1.5}, true, DType::kFloat64)), DType::kFloat64);
  for (DType bad : {DType::kInt64, DType::kUInt16, DType::kBool}) {
    const Result<Array> r = RebinLinear(f64, {1.5}, true, bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), kNeedsFloat);
  }
  // dtype="same" on integer data reaches here as the integer dtype: the same refusal.
  EXPECT_EQ(RebinLinear(ints, {1.5}, true, DType::kUInt16).status().message(), kNeedsFloat);
  // numpy's safe cast refuses float64 -> float32 (HyperSpy raises TypeError).
  const Result<Array> narrowing = RebinLinear(f64, {1.5}, true, DType::kFloat32);
  ASSERT_FALSE(narrowing.ok());
  EXPECT_EQ(narrowing.status().message(),
            "Cannot cast array data from dtype('float64') to dtype('float32') according to the rule 'safe'");
}

TEST(RebinLinear, Errors) {
  const Array x = Array::Ones(DType::kFloat64, {2, 5}, {2, 2});
  EXPECT_EQ(RebinLinear(x, {2.5, 1.5}, true).status().message(), kCollapse);
  EXPECT_TRUE(RebinLinear(x, {2.5, 1.5}, false).ok()) << "crop=False keeps a partial bin";
  EXPECT_EQ(RebinLinear(Array::Ones(DType::kFloat64, {0}, {1}), {1.5}, false).status().message(), kCollapse);
  HC_EXPECT_CODE(RebinLinear(x, {1.5}), StatusCode::kInvalidArgument);
  HC_EXPECT_CODE(RebinLinear(x, {1.5, 0.0}), StatusCode::kInvalidArgument);
  HC_EXPECT_CODE(RebinLinear(x, {1.5, -2.0}), StatusCode::kInvalidArgument);
  HC_EXPECT_CODE(RebinLinear(x, {1.5, std::nan("")}), StatusCode::kInvalidArgument);
  HC_EXPECT_CODE(RebinLinear(x, {1.5, 1e-300}), StatusCode::kInvalidArgument);
  HC_EXPECT_CODE(RebinLinear(Array(InvalidArgument("upstream")), {1.5}), StatusCode::kInvalidArgument);
}

TEST(RebinLinear, InfinityTimesZeroWeightIsNaNAsInHyperSpy) {
  // A whole-pixel bin start adds data[x1] * 0 first: an infinity there makes the bin NaN.
  // HyperSpy 1.7.3: array_tools._linear_bin(np.array([1., 2., np.inf, 3.]), np.array([2.0])) == [3., nan]
  const NdArray data = NdArray::FromVector<double>({1, 2, INFINITY, 3}, {4});
  HC_ASSERT_OK_AND_ASSIGN(const Array got, RebinLinear(Array::FromNdArray(data, {3}), {2.0}));
  HC_ASSERT_OK_AND_ASSIGN(const NdArray values, Compute(test::SharedContext(1), got));
  ASSERT_EQ(values.shape(), (Shape{2}));
  EXPECT_EQ(values.data<double>()[0], 3.0);
  EXPECT_TRUE(std::isnan(values.data<double>()[1]));
}

// Values printed by HyperSpy 1.7.3 (/usr/bin/python3, numpy 1.24.2, numba 0.56.4) with
//   d = (np.arange(n) * 37 % 101) / 7.0
// and the expressions quoted; Signal2D's natural-order scale (sx, sy) is array order (sy, sx).
TEST(RebinLinear, MatchesHyperSpy) {
  struct Case {
    std::string expression;
    NdArray data;
    std::vector<double> factors;  // array order
    bool crop;
    Shape shape;
    std::vector<double> values;
  };
  const std::vector<Case> cases = {
      {"Signal1D(d[:10]).rebin(scale=(1.5,), crop=True)",
       Ramp(10, DType::kFloat64),
       {1.5},
       true,
       {6},
       {2.642857142857143, 13.214285714285714, 4.785714285714286, 15.357142857142858, 6.928571428571429, 17.5}},
      {"Signal1D(d[:10]).rebin(scale=(1.5,), crop=False)",
       Ramp(10, DType::kFloat64),
       {1.5},
       false,
       {7},
       {2.642857142857143, 13.214285714285714, 4.785714285714286, 15.357142857142858, 6.928571428571429, 17.5,
        4.285714285714286}},
      {"Signal1D(d[:4]).rebin(scale=(0.5,))",
       Ramp(4, DType::kFloat64),
       {0.5},
       true,
       {8},
       {0.0, 0.0, 2.642857142857143, 2.642857142857143, 5.285714285714286, 5.285714285714286, 0.7142857142857143,
        0.7142857142857143}},
      {"Signal1D(d[:3]).rebin(scale=(0.3,), crop=False)",
       Ramp(3, DType::kFloat64),
       {0.3},
       false,
       {10},
       {0.0, 0.0, 0.0, 1.057142857142857, 1.5857142857142859, 1.5857142857142847, 2.114285714285716, 3.1714285714285695,
        3.1714285714285695, 3.1714285714285744}},
      {"Signal1D(np.arange(10, dtype=np.uint16)).rebin(scale=(2.5,), crop=False)",
       test::EagerArange(0, 10, 1, DType::kUInt16),
       {2.5},
       false,
       {4},
       {2.0, 8.0, 14.5, 20.5}},
      {"Signal2D(d[:20].reshape(4, 5)).rebin(scale=(1.5, 2.5), crop=False)",
       Reshaped(Ramp(20, DType::kFloat64), {4, 5}),
       {2.5, 1.5},
       false,
       {2, 4},
       {20.96428571428571, 25.75, 26.321428571428573, 5.964285714285714, 18.25, 12.464285714285714, 21.464285714285715,
        7.392857142857143}},
      {"Signal1D(d[:9].astype(np.float32)).rebin(scale=(1.7,))",
       Ramp(9, DType::kFloat32),
       {1.7},
       true,
       {5},
       {3.6999998092651367, 12.728570938110352, 8.771429061889648, 13.085714340209961, 15.428571701049805}},
      {"Signal2D(d[:30].astype(np.float32).reshape(5, 6)).rebin(scale=(1.7, 0.6))",
       Reshaped(Ramp(30, DType::kFloat32), {5, 6}),
       {0.6, 1.7},
       true,
       {8, 3},
       {2.2199997901916504, 7.637142658233643,  5.262856960296631, 3.1914286613464355, 8.60857105255127,
        5.945714473724365,  5.134285926818848,  10.55142879486084, 7.311428546905518,  7.07714319229126,
        6.722857475280762,  9.254286766052246,  8.048571586608887, 4.8085713386535645, 10.225713729858398,
        10.96285629272461,  7.7228569984436035, 4.482856750488281, 9.914285659790039,  7.828571319580078,
        5.454285621643066,  7.817142963409424,  8.039999961853027, 7.39714241027832}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.expression);
    for (Index chunk : {Index{1}, Index{2}, Index{3}, Index{0}}) {
      Shape chunk_shape(c.data.rank(), chunk);
      HC_ASSERT_OK_AND_ASSIGN(const Array got, RebinLinear(Array::FromNdArray(c.data, chunk_shape), c.factors, c.crop));
      HC_ASSERT_OK_AND_ASSIGN(const NdArray values, Compute(test::SharedContext(2), got));
      ASSERT_EQ(values.shape(), c.shape);
      ASSERT_EQ(static_cast<size_t>(values.size()), c.values.size());
      for (Index i = 0; i < values.size(); ++i) {
        EXPECT_EQ(values.GetAsDouble(i), c.values[static_cast<size_t>(i)]) << "element " << i << " chunks of " << chunk;
      }
    }
  }
}

}  // namespace
}  // namespace hyperchunk
