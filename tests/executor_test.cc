// The executor: memory budget (peak accounting never above the limit, impossible plans refused
// before any read), cancellation from another thread, errors from sources and generators with
// their context, determinism across thread counts, progress reports and inline mode.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "hyperchunk/array/array.h"
#include "hyperchunk/exec/compute.h"
#include "hyperchunk/exec/context.h"
#include "testing/compare.h"
#include "testing/eager.h"
#include "testing/lazy.h"
#include "testing/random.h"
#include "testing/sources.h"

namespace hyperchunk {
namespace {

using std::chrono::steady_clock;
using test::CountingSource;
using test::Rng;

constexpr int64_t kMiB = int64_t{1} << 20;

Context MakeContext(int threads, int64_t memory_limit) {
  ContextOptions options = test::TestContextOptions(threads);
  options.memory_limit = memory_limit;
  return Context(options);
}

/// A (256, 128, 128) float32 array (16 MiB) in 64 KiB chunks, generated: value = (7i + 3j + k) % 13.
struct BigArray {
  static constexpr Index kI = 256, kJ = 128, kK = 128;
  static float Value(Index i, Index j, Index k) { return static_cast<float>((7 * i + 3 * j + k) % 13); }

  std::shared_ptr<std::atomic<int64_t>> calls = std::make_shared<std::atomic<int64_t>>(0);
  Array array;

  explicit BigArray(Shape chunk_shape = {2, 64, 128}) {
    auto counter = calls;
    array = Array::FromGenerator("big", DType::kFloat32, ChunkGrid::Regular({kI, kJ, kK}, chunk_shape),
                                 [counter](const Box& box, NdArray& out) {
                                   counter->fetch_add(1);
                                   float* dst = out.data<float>();
                                   for (Index i = box.start[0]; i < box.stop[0]; ++i)
                                     for (Index j = box.start[1]; j < box.stop[1]; ++j)
                                       for (Index k = box.start[2]; k < box.stop[2]; ++k) *dst++ = Value(i, j, k);
                                   return Status::Ok();
                                 });
  }
};

// ---- the memory budget --------------------------------------------------------------------------

TEST(MemoryBudget, ComputationManyTimesTheBudgetStaysUnderIt) {
  const BigArray big;
  const int64_t limit = 1 * kMiB;  // the data is 16 MiB
  ASSERT_GE(big.array.nbytes(), 16 * limit);
  // Expected values by plain loops.
  std::vector<float> sum0(static_cast<size_t>(BigArray::kJ * BigArray::kK), 0.0f);
  std::vector<float> sum12(static_cast<size_t>(BigArray::kI), 0.0f);
  for (Index i = 0; i < BigArray::kI; ++i)
    for (Index j = 0; j < BigArray::kJ; ++j)
      for (Index k = 0; k < BigArray::kK; ++k) {
        const float v = BigArray::Value(i, j, k);
        sum0[static_cast<size_t>(j * BigArray::kK + k)] += v;
        sum12[static_cast<size_t>(i)] += v;
      }
  for (int threads : test::kThreadCounts) {
    SCOPED_TRACE(std::to_string(threads) + " threads");
    Context ctx = MakeContext(threads, limit);
    ctx.ResetMemoryStats();
    Result<std::vector<NdArray>> got = Compute(ctx, {big.array.Sum({0}), big.array.Sum({1, 2}), big.array.Max()});
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_TRUE(test::ArraysMatch(NdArray::FromVector(sum0, {BigArray::kJ, BigArray::kK}), (*got)[0]));
    EXPECT_TRUE(test::ArraysMatch(NdArray::FromVector(sum12, {BigArray::kI}), (*got)[1]));
    EXPECT_TRUE(test::ArraysMatch(NdArray::FromVector<float>({12.0f}, {}), (*got)[2]));
    const MemoryStats stats = ctx.memory_stats();
    EXPECT_GT(stats.peak_bytes, 0) << "the engine accounts for what it holds";
    EXPECT_LE(stats.peak_bytes, limit) << "peak " << stats.peak_bytes << " bytes over the limit";
    EXPECT_EQ(stats.current_bytes, ctx.chunk_cache_stats().bytes) << "everything but the chunk cache was released";
  }
}

TEST(MemoryBudget, StreamingAnArrayLargerThanTheBudget) {
  const BigArray big;
  const int64_t limit = 1 * kMiB;
  for (int threads : {1, 4}) {
    Context ctx = MakeContext(threads, limit);
    ctx.ResetMemoryStats();
    std::atomic<int64_t> chunks{0};
    std::mutex mutex;
    double checksum = 0;
    const Status status =
        ComputeChunks(ctx, big.array * 2, [&](const ChunkIndex&, const Box& box, const NdArray& values) {
          double local = 0;
          for (Index n = 0; n < values.size(); ++n) local += values.data<float>()[n];
          std::lock_guard<std::mutex> lock(mutex);
          checksum += local;
          chunks.fetch_add(1);
          return box.num_elements() == values.size() ? Status::Ok() : Internal("box and values disagree");
        });
    HC_ASSERT_OK(status);
    EXPECT_EQ(chunks.load(), big.array.chunks().num_chunks());
    double want = 0;
    for (Index i = 0; i < BigArray::kI; ++i)
      for (Index j = 0; j < BigArray::kJ; ++j)
        for (Index k = 0; k < BigArray::kK; ++k) want += 2.0 * BigArray::Value(i, j, k);
    EXPECT_EQ(checksum, want);
    EXPECT_LE(ctx.memory_stats().peak_bytes, limit);
    EXPECT_EQ(test::HeldBeyondChunkCache(ctx), 0);
  }
}

TEST(MemoryBudget, TwoStagePlanUnderTheBudget) {
  // (x - mean(x)) summed per plane: a reduction feeding more work, over 16x the budget.
  const BigArray big;
  const int64_t limit = 1 * kMiB;
  double total = 0;
  std::vector<double> plane(static_cast<size_t>(BigArray::kI), 0.0);
  for (Index i = 0; i < BigArray::kI; ++i)
    for (Index j = 0; j < BigArray::kJ; ++j)
      for (Index k = 0; k < BigArray::kK; ++k) {
        plane[static_cast<size_t>(i)] += BigArray::Value(i, j, k);
        total += BigArray::Value(i, j, k);
      }
  const double mean = total / static_cast<double>(big.array.size());
  const Array x = big.array.AsType(DType::kFloat64);
  const Array centered = (x - x.Mean()).Sum({1, 2});
  for (int threads : {1, 4}) {
    Context ctx = MakeContext(threads, limit);
    ctx.ResetMemoryStats();
    HC_ASSERT_OK_AND_ASSIGN(const NdArray got, Compute(ctx, centered));
    ASSERT_EQ(got.size(), BigArray::kI);
    for (Index i = 0; i < BigArray::kI; ++i) {
      const double want = plane[static_cast<size_t>(i)] - mean * BigArray::kJ * BigArray::kK;
      EXPECT_NEAR(got.data<double>()[i], want, 1e-6 * BigArray::kJ * BigArray::kK) << "plane " << i;
    }
    EXPECT_LE(ctx.memory_stats().peak_bytes, limit);
    EXPECT_EQ(test::HeldBeyondChunkCache(ctx), 0);
  }
}

TEST(MemoryBudget, ImpossiblePlansAreRefusedBeforeAnyRead) {
  const int64_t limit = 1 * kMiB;
  Context ctx = MakeContext(2, limit);
  // The output alone (16 MiB) exceeds the budget.
  const BigArray big;
  const Array whole = big.array * 1.0f;
  Result<NdArray> got = Compute(ctx, whole);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kResourceExhausted) << got.status().ToString();
  EXPECT_FALSE(got.status().message().empty());
  EXPECT_EQ(big.calls->load(), 0) << "refused before it starts";
  HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(ctx, {whole}));
  EXPECT_GT(info.required_bytes, limit);

  // One chunk (2 MiB) is larger than the budget, though the result is tiny.
  const BigArray huge_chunks(Shape{16, 128, 128});
  Result<NdArray> sum = Compute(ctx, huge_chunks.array.Sum());
  ASSERT_FALSE(sum.ok());
  EXPECT_EQ(sum.status().code(), StatusCode::kResourceExhausted) << sum.status().ToString();
  EXPECT_EQ(huge_chunks.calls->load(), 0);
  const Status streamed =
      ComputeChunks(ctx, huge_chunks.array, [](const ChunkIndex&, const Box&, const NdArray&) { return Status::Ok(); });
  EXPECT_EQ(streamed.code(), StatusCode::kResourceExhausted) << streamed.ToString();
  EXPECT_EQ(huge_chunks.calls->load(), 0);
  EXPECT_EQ(test::HeldBeyondChunkCache(ctx), 0);
}

// For random plans, a budget of exactly Explain's required_bytes runs them, and the engine's
// accounting never goes above it.
TEST(MemoryBudget, RandomPlansRunWithinTheirStatedRequirement) {
  test::ForEachRandomCase(40, [](Rng& rng) {
    const DType dtype = rng.Pick(std::vector<DType>{DType::kFloat64, DType::kFloat32, DType::kUInt16, DType::kInt64});
    const Shape shape{rng.Int(5, 40), rng.Int(5, 30), rng.Int(1, 20)};
    const NdArray data = test::RandomArray(rng, dtype, shape);
    const ChunkGrid grid = test::RandomChunks(rng, shape);
    const Array x = Array::FromNdArray(data, grid);
    std::vector<Array> outputs;
    std::vector<NdArray> want;
    const int count = static_cast<int>(rng.Int(1, 4));
    for (int k = 0; k < count; ++k) {
      switch (rng.Int(0, 4)) {
        case 0:
          outputs.push_back(x.Sum({0}));
          want.push_back(*test::EagerReduce(ReduceOp::kSum, data, std::vector<int>{0}));
          break;
        case 1:
          outputs.push_back(x.Max({1, 2}));
          want.push_back(*test::EagerReduce(ReduceOp::kMax, data, std::vector<int>{1, 2}));
          break;
        case 2:
          outputs.push_back(x[{Slice{0, 3, 1}}] * 2);
          want.push_back(
              *test::EagerBinary(BinaryOp::kMultiply, *test::EagerIndex(data, {Slice{0, 3, 1}}), Scalar::Int(2)));
          break;
        case 3:
          outputs.push_back((x - x.Mean({0}, true)).Max());
          want.push_back(*test::EagerReduce(
              ReduceOp::kMax,
              *test::EagerBinary(BinaryOp::kSubtract, data,
                                 *test::EagerReduce(ReduceOp::kMean, data, std::vector<int>{0}, true))));
          break;
        default:
          outputs.push_back(x.Coarsen(ReduceOp::kMean, {1, 1, shape[2]}));
          want.push_back(*test::EagerCoarsen(ReduceOp::kMean, data, {1, 1, shape[2]}, false));
          break;
      }
    }
    SCOPED_TRACE(test::Describe(data) + " chunks " + test::ChunksString(grid) + ", " + std::to_string(count) +
                 " outputs");
    const int threads = rng.Pick(std::vector<int>{1, 2, 4});
    Context roomy = MakeContext(threads, 1024 * kMiB);
    HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(roomy, outputs));
    Context tight = MakeContext(threads, info.required_bytes);
    tight.ResetMemoryStats();
    Result<std::vector<NdArray>> got = Compute(tight, outputs);
    ASSERT_TRUE(got.ok()) << "memory_limit = required_bytes = " << info.required_bytes << " (" << info.Summary()
                          << "), " << threads << " threads: " << got.status().ToString();
    EXPECT_LE(tight.memory_stats().peak_bytes, info.required_bytes);
    EXPECT_EQ(test::HeldBeyondChunkCache(tight), 0);
    for (size_t k = 0; k < outputs.size(); ++k) {
      EXPECT_TRUE(
          test::ArraysMatch(want[k], (*got)[k],
                            test::ReductionTolerance(ReduceOp::kVar, want[k].dtype(), data.size(), test::MaxAbs(data))))
          << "output " << k;
    }
    // One byte less than the requirement is refused up front, or still runs within it.
    Context tighter = MakeContext(threads, info.required_bytes - 1);
    tighter.ResetMemoryStats();
    Result<std::vector<NdArray>> squeezed = Compute(tighter, outputs);
    if (squeezed.ok()) {
      EXPECT_LE(tighter.memory_stats().peak_bytes, info.required_bytes - 1);
    } else {
      EXPECT_EQ(squeezed.status().code(), StatusCode::kResourceExhausted) << squeezed.status().ToString();
    }
  });
}

TEST(MemoryBudget, PartialReadsRunWithinTheirStatedRequirement) {
  // Selections of a source that reads parts of chunks: the cache holds only the parts, the
  // requirement says so, and a budget of exactly that suffices.
  test::ForEachRandomCase(40, [](Rng& rng) {
    const DType dtype = rng.Pick(std::vector<DType>{DType::kFloat64, DType::kUInt16});
    const Shape shape{rng.Int(4, 24), rng.Int(4, 24), rng.Int(2, 40)};
    const NdArray data = test::RandomArray(rng, dtype, shape);
    const ChunkGrid grid = test::RandomChunks(rng, shape);
    auto source = std::make_shared<CountingSource>(data, grid, "partial");
    source->set_partial_reads(true);
    const Array x = Array::FromSource(source);
    std::vector<IndexItem> roi;
    for (Index extent : shape) {
      const Index start = rng.Int(0, extent - 1);
      roi.emplace_back(Slice{start, rng.Int(start + 1, extent), 1});
    }
    const std::vector<Array> outputs = {x[roi], x[roi].Sum({2}), x[{Slice{}, Index{0}}].Max()};
    const std::vector<NdArray> want = {
        *test::EagerIndex(data, roi),
        *test::EagerReduce(ReduceOp::kSum, *test::EagerIndex(data, roi), std::vector<int>{2}),
        *test::EagerReduce(ReduceOp::kMax, *test::EagerIndex(data, {Slice{}, Index{0}}))};
    SCOPED_TRACE(test::Describe(data) + " chunks " + test::ChunksString(grid));
    const int threads = rng.Pick(std::vector<int>{1, 2, 4});
    Context roomy = MakeContext(threads, 1024 * kMiB);
    HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(roomy, outputs));
    EXPECT_LE(info.read_bytes, data.nbytes());
    Context tight = MakeContext(threads, info.required_bytes);
    tight.ResetMemoryStats();
    Result<std::vector<NdArray>> got = Compute(tight, outputs);
    ASSERT_TRUE(got.ok()) << "memory_limit = required_bytes = " << info.required_bytes << " (" << info.Summary()
                          << "), " << threads << " threads: " << got.status().ToString();
    EXPECT_LE(tight.memory_stats().peak_bytes, info.required_bytes);
    EXPECT_EQ(test::HeldBeyondChunkCache(tight), 0);
    if (info.streamed_chunk_reads == 0) {
      EXPECT_EQ(source->total_bytes_read(), info.read_bytes);
      for (Index linear = 0; linear < grid.num_chunks(); ++linear) EXPECT_LE(source->reads(grid.Unravel(linear)), 1);
    } else {  // tiny tiles (HC_TEST_TORTURE): streamed chunks are read tile by tile, never more bytes
      EXPECT_LE(source->total_bytes_read(), info.read_bytes);
    }
    for (size_t k = 0; k < outputs.size(); ++k) {
      EXPECT_TRUE(test::ArraysMatch(want[k], (*got)[k],
                                    test::ReductionTolerance(ReduceOp::kSum, want[k].dtype(), 40, test::MaxAbs(data))))
          << "output " << k;
    }
  });
}

TEST(MemoryBudget, AccountingHooks) {
  Context ctx = MakeContext(1, kMiB);
  ctx.ResetMemoryStats();
  EXPECT_EQ(test::HeldBeyondChunkCache(ctx), 0);
  EXPECT_EQ(ctx.memory_stats().peak_bytes, 0);
  ctx.AccountAcquire(100);
  ctx.AccountAcquire(50);
  ctx.AccountRelease(100);
  EXPECT_EQ(ctx.memory_stats().current_bytes, 50);
  EXPECT_EQ(ctx.memory_stats().peak_bytes, 150);
  ctx.AccountRelease(50);
  ctx.ResetMemoryStats();
  EXPECT_EQ(ctx.memory_stats().peak_bytes, 0);
}

// ---- cancellation -------------------------------------------------------------------------------

TEST(Cancellation, CancelFromAnotherThreadStopsPromptly) {
  for (int threads : test::kThreadCounts) {
    SCOPED_TRACE(std::to_string(threads) + " threads");
    Context ctx = MakeContext(threads, 256 * kMiB);
    auto calls = std::make_shared<std::atomic<int64_t>>(0);
    // 4000 chunks of 1 ms each: seconds of work at any thread count.
    const Array slow = Array::FromGenerator("slow", DType::kFloat64, ChunkGrid::Regular({4000, 64}, {1, 64}),
                                            [calls](const Box&, NdArray& out) {
                                              calls->fetch_add(1);
                                              std::this_thread::sleep_for(std::chrono::milliseconds(1));
                                              for (Index i = 0; i < out.size(); ++i) out.data<double>()[i] = 1.0;
                                              return Status::Ok();
                                            });
    auto result = std::async(std::launch::async, [&] { return Compute(ctx, slow.Sum({1})); });
    while (calls->load() < 5) std::this_thread::sleep_for(std::chrono::microseconds(200));
    const auto cancelled_at = steady_clock::now();
    ctx.cancel_token().Cancel();
    ASSERT_EQ(result.wait_for(std::chrono::seconds(30)), std::future_status::ready) << "Compute did not return";
    const double seconds = std::chrono::duration<double>(steady_clock::now() - cancelled_at).count();
    Result<NdArray> got = result.get();
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), StatusCode::kCancelled) << got.status().ToString();
    EXPECT_LT(seconds, 1.0) << "cancellation took " << seconds << " s";
    EXPECT_LT(calls->load(), 4000) << "work went on after the cancel";
    EXPECT_EQ(test::HeldBeyondChunkCache(ctx), 0) << "everything held was released";
    // The Context is usable again once the token is reset.
    ctx.cancel_token().Reset();
    HC_ASSERT_OK_AND_ASSIGN(const NdArray ones, Compute(ctx, Array::Ones(DType::kInt32, {4, 4}, {2, 2}).Sum()));
    EXPECT_EQ(ones.data<int64_t>()[0], 16);
  }
}

TEST(Cancellation, CancelStopsComputeChunks) {
  Context ctx = MakeContext(2, 256 * kMiB);
  std::atomic<int64_t> delivered{0};
  const Array slow =
      Array::FromGenerator("slow", DType::kUInt8, ChunkGrid::Regular({2000, 8}, {1, 8}), [](const Box&, NdArray& out) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        std::memset(out.raw(), 1, static_cast<size_t>(out.nbytes()));
        return Status::Ok();
      });
  auto result = std::async(std::launch::async, [&] {
    return ComputeChunks(ctx, slow, [&](const ChunkIndex&, const Box&, const NdArray&) {
      delivered.fetch_add(1);
      return Status::Ok();
    });
  });
  while (delivered.load() < 3) std::this_thread::sleep_for(std::chrono::microseconds(200));
  ctx.cancel_token().Cancel();
  ASSERT_EQ(result.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  const Status status = result.get();
  EXPECT_EQ(status.code(), StatusCode::kCancelled) << status.ToString();
  EXPECT_LT(delivered.load(), 2000);
}

// ---- errors ---------------------------------------------------------------------------------------

bool MentionsChunk(const std::string& message, const std::string& spaced, const std::string& compact) {
  return message.find(spaced) != std::string::npos || message.find(compact) != std::string::npos;
}

TEST(Errors, FailingChunkSourceReturnsItsErrorWithContext) {
  Rng rng(test::SeedForCurrentTest());
  const NdArray data = test::RandomArray(rng, DType::kUInt16, {6, 8});
  for (int threads : test::kThreadCounts) {
    SCOPED_TRACE(std::to_string(threads) + " threads");
    auto source = std::make_shared<CountingSource>(data, ChunkGrid::Regular({6, 8}, {2, 2}), "scan.hspy:/data");
    source->FailOn({2, 1}, DataLoss("bad sector"));
    Context ctx = MakeContext(threads, 64 * kMiB);
    const Array x = Array::FromSource(source);
    Result<std::vector<NdArray>> got = Compute(ctx, {x.Sum({0}), x.Max(), x * 2});
    ASSERT_FALSE(got.ok());
    const Status& status = got.status();
    EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
    EXPECT_NE(status.message().find("bad sector"), std::string::npos) << status.ToString();
    EXPECT_NE(status.message().find("scan.hspy:/data"), std::string::npos) << "names the source: " << status.ToString();
    EXPECT_TRUE(MentionsChunk(status.message(), "(2, 1)", "(2,1)")) << "names the chunk: " << status.ToString();
    EXPECT_EQ(test::HeldBeyondChunkCache(ctx), 0) << "everything held was released";
  }
}

TEST(Errors, AccountingIsReleasedAfterAFailure) {
  // Chunk 0 is slow, so later chunks' partial sums finish first and wait for their turn to be
  // folded (the engine folds in plan order); then chunk 5 fails. Every byte must be released.
  for (int threads : {2, 4}) {
    for (int rep = 0; rep < 10; ++rep) {
      SCOPED_TRACE(std::to_string(threads) + " threads, repetition " + std::to_string(rep));
      Context ctx = MakeContext(threads, 64 * kMiB);
      const Array x = Array::FromGenerator("slow-then-failing", DType::kFloat64, ChunkGrid::Regular({8, 16}, {1, 16}),
                                           [](const Box& box, NdArray& out) {
                                             if (box.start[0] == 0)
                                               std::this_thread::sleep_for(std::chrono::milliseconds(20));
                                             if (box.start[0] == 5) {
                                               std::this_thread::sleep_for(std::chrono::milliseconds(5));
                                               return DataLoss("bad sector");
                                             }
                                             std::memset(out.raw(), 0, static_cast<size_t>(out.nbytes()));
                                             return Status::Ok();
                                           });
      Result<NdArray> got = Compute(ctx, x.Sum());
      ASSERT_FALSE(got.ok());
      EXPECT_EQ(got.status().code(), StatusCode::kDataLoss);
      ASSERT_EQ(test::HeldBeyondChunkCache(ctx), 0) << "bytes still accounted after a failed Compute";
    }
  }
}

TEST(Errors, FailingGeneratorReturnsItsError) {
  for (int threads : test::kThreadCounts) {
    Context ctx = MakeContext(threads, 64 * kMiB);
    const Array x = Array::FromGenerator("flaky", DType::kFloat32, ChunkGrid::Regular({9, 9}, {3, 3}),
                                         [](const Box& box, NdArray& out) {
                                           if (box.start[0] == 3 && box.start[1] == 6)
                                             return DataLoss("checksum mismatch");
                                           std::memset(out.raw(), 0, static_cast<size_t>(out.nbytes()));
                                           return Status::Ok();
                                         });
    Result<NdArray> got = Compute(ctx, x.Mean({1}));
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), StatusCode::kDataLoss) << got.status().ToString();
    EXPECT_NE(got.status().message().find("checksum mismatch"), std::string::npos) << got.status().ToString();
    EXPECT_NE(got.status().message().find("flaky"), std::string::npos) << got.status().ToString();
    EXPECT_TRUE(MentionsChunk(got.status().message(), "(1, 2)", "(1,2)")) << got.status().ToString();
  }
}

TEST(Errors, EveryChunkFailingAtOnce) {
  for (int threads : test::kThreadCounts) {
    Context ctx = MakeContext(threads, 64 * kMiB);
    const Array x = Array::FromGenerator("broken", DType::kInt8, ChunkGrid::Regular({40, 4}, {1, 4}),
                                         [](const Box&, NdArray&) { return IoError("device gone"); });
    Result<NdArray> got = Compute(ctx, x.Sum());
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), StatusCode::kIoError) << got.status().ToString();
    EXPECT_EQ(test::HeldBeyondChunkCache(ctx), 0);
    // And the context still works afterwards.
    HC_ASSERT_OK_AND_ASSIGN(const NdArray ok, Compute(ctx, Array::Ones(DType::kInt8, {3}, {1}).Sum()));
    EXPECT_EQ(ok.data<int64_t>()[0], 3);
  }
}

// ---- determinism ----------------------------------------------------------------------------------

TEST(Determinism, FloatReductionsAreBitIdenticalAtEveryThreadCount) {
  Rng rng(test::SeedForCurrentTest());
  for (DType dtype : {DType::kFloat32, DType::kFloat64}) {
    SCOPED_TRACE(DTypeName(dtype));
    const NdArray data = test::RandomArray(rng, dtype, {37, 23, 11}, test::Values::kFull);
    const ChunkGrid grid = test::RandomChunks(rng, data.shape());
    SCOPED_TRACE("chunks " + test::ChunksString(grid));
    const Array x = Array::FromNdArray(data, grid);
    const std::vector<Array> outputs = {x.Sum(), x.Sum({0}), x.Mean({1, 2}), x.Var({0}), x.Std(), x.NanSum({2})};
    const std::vector<std::pair<ReduceOp, std::optional<std::vector<int>>>> ops = {
        {ReduceOp::kSum, std::nullopt},
        {ReduceOp::kSum, std::vector<int>{0}},
        {ReduceOp::kMean, std::vector<int>{1, 2}},
        {ReduceOp::kVar, std::vector<int>{0}},
        {ReduceOp::kStd, std::nullopt},
        {ReduceOp::kNanSum, std::vector<int>{2}}};
    std::vector<NdArray> reference;
    for (int run = 0; run < 4; ++run) {
      const int threads = run == 3 ? 4 : test::kThreadCounts[run];
      Context ctx = MakeContext(threads, 256 * kMiB);
      Result<std::vector<NdArray>> got = Compute(ctx, outputs);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      for (size_t k = 0; k < outputs.size(); ++k) {
        if (run == 0) {
          reference.push_back((*got)[k]);
          HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerReduce(ops[k].first, data, ops[k].second));
          EXPECT_TRUE(test::ArraysMatch(
              want, (*got)[k],
              test::ReductionTolerance(ops[k].first, want.dtype(), test::ReducedCount(data.shape(), ops[k].second),
                                       test::MaxAbs(data))))
              << "output " << k;
        } else {
          EXPECT_TRUE(test::ArraysIdentical(reference[k], (*got)[k]))
              << "output " << k << " at " << threads << " threads (run " << run << ")";
        }
      }
    }
  }
}

// ---- progress, threads, inline mode -------------------------------------------------------------

class RecordingProgress : public ProgressSink {
 public:
  void Start(const std::string& name, int64_t tasks, int64_t bytes) override {
    Enter();
    ++starts;
    label = name;
    total_tasks = tasks;
    total_bytes = bytes;
    Leave();
  }
  void Update(int64_t done_tasks, int64_t done_bytes) override {
    Enter();
    if (done_tasks < last_done || done_bytes < last_bytes) ++regressions;
    if (done_tasks > total_tasks) ++overshoots;
    last_done = done_tasks;
    last_bytes = done_bytes;
    ++updates;
    Leave();
  }
  void Finish(bool ok) override {
    Enter();
    ++finishes;
    finished_ok = ok;
    Leave();
  }

  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  int starts = 0, updates = 0, finishes = 0, regressions = 0, overshoots = 0;
  bool finished_ok = false;
  std::string label;
  int64_t total_tasks = 0, total_bytes = 0, last_done = 0, last_bytes = 0;

 private:
  void Enter() {
    if (inside.fetch_add(1) != 0) overlaps.fetch_add(1);
  }
  void Leave() { inside.fetch_sub(1); }
};

TEST(Progress, ReportsStartUpdatesAndFinish) {
  for (int threads : test::kThreadCounts) {
    SCOPED_TRACE(std::to_string(threads) + " threads");
    auto sink = std::make_shared<RecordingProgress>();
    ContextOptions options = test::TestContextOptions(threads);
    options.progress = sink;
    Context ctx(options);
    const Array x = Array::Ones(DType::kFloat64, {64, 64}, {8, 8});
    HC_ASSERT_OK_AND_ASSIGN(const NdArray total, Compute(ctx, x.Sum()));
    EXPECT_EQ(total.data<double>()[0], 4096.0);
    EXPECT_EQ(sink->starts, 1);
    EXPECT_EQ(sink->finishes, 1);
    EXPECT_TRUE(sink->finished_ok);
    EXPECT_GE(sink->total_tasks, 64);
    EXPECT_GT(sink->updates, 0);
    EXPECT_EQ(sink->last_done, sink->total_tasks) << "the last update reports all tasks done";
    EXPECT_EQ(sink->regressions, 0) << "counts are cumulative";
    EXPECT_EQ(sink->overshoots, 0);
    EXPECT_EQ(sink->overlaps.load(), 0) << "sink calls never overlap";

    // Two stages report as one computation.
    auto two_stage_sink = std::make_shared<RecordingProgress>();
    options.progress = two_stage_sink;
    Context two_stage_ctx(options);
    EXPECT_TRUE(Compute(two_stage_ctx, (x - x.Mean()).Max()).ok());
    EXPECT_EQ(two_stage_sink->starts, 1);
    EXPECT_EQ(two_stage_sink->finishes, 1);
    EXPECT_EQ(two_stage_sink->last_done, two_stage_sink->total_tasks);
    EXPECT_EQ(two_stage_sink->regressions, 0);

    auto failing_sink = std::make_shared<RecordingProgress>();
    options.progress = failing_sink;
    Context failing_ctx(options);
    const Array broken = Array::FromGenerator("broken", DType::kInt8, ChunkGrid::Regular({8}, {2}),
                                              [](const Box&, NdArray&) { return IoError("gone"); });
    EXPECT_FALSE(Compute(failing_ctx, broken.Sum()).ok());
    EXPECT_EQ(failing_sink->finishes, 1);
    EXPECT_FALSE(failing_sink->finished_ok);
  }
}

TEST(Threads, ResolvedThreadCounts) {
  auto with_threads = [](int threads) {
    ContextOptions options;
    options.threads = threads;
    return options;
  };
  EXPECT_EQ(Context(with_threads(3)).threads(), 3);
  EXPECT_EQ(Context(with_threads(1)).threads(), 1);
  const int hardware = static_cast<int>(std::thread::hardware_concurrency());
  EXPECT_EQ(Context(with_threads(0)).threads(), std::max(hardware, 1));
}

TEST(Threads, InlineModeRunsOnTheCallerInOrder) {
  Context ctx = MakeContext(1, 64 * kMiB);
  auto mutex = std::make_shared<std::mutex>();
  auto order = std::make_shared<std::vector<Index>>();
  auto thread_ids = std::make_shared<std::vector<std::thread::id>>();
  const ChunkGrid grid = ChunkGrid::Regular({6, 6}, {2, 3});
  const Array x = Array::FromGenerator("ordered", DType::kInt32, grid, [=](const Box& box, NdArray& out) {
    std::lock_guard<std::mutex> lock(*mutex);
    order->push_back(box.start[0] * 100 + box.start[1]);
    thread_ids->push_back(std::this_thread::get_id());
    std::memset(out.raw(), 0, static_cast<size_t>(out.nbytes()));
    return Status::Ok();
  });
  HC_ASSERT_OK(Compute(ctx, x.Sum()).status());
  ASSERT_EQ(order->size(), 6u);
  EXPECT_TRUE(std::is_sorted(order->begin(), order->end())) << "chunks in C order";
  for (const auto& id : *thread_ids) EXPECT_EQ(id, std::this_thread::get_id()) << "threads = 1 runs on the caller";
}

TEST(Threads, ReadsRunInParallelButNeverBeyondTheThreadCount) {
  Rng rng(test::SeedForCurrentTest());
  const NdArray data = test::RandomArray(rng, DType::kInt32, {64, 4});
  for (int threads : {2, 4}) {
    auto source = std::make_shared<CountingSource>(data, ChunkGrid::Regular({64, 4}, {1, 4}), "parallel");
    source->set_delay(std::chrono::microseconds(2000));
    Context ctx = MakeContext(threads, 64 * kMiB);
    HC_ASSERT_OK_AND_ASSIGN(const NdArray sum, Compute(ctx, Array::FromSource(source).Sum({0})));
    EXPECT_TRUE(test::ArraysMatch(*test::EagerReduce(ReduceOp::kSum, data, std::vector<int>{0}), sum));
    EXPECT_LE(source->max_concurrent_reads(), threads);
    EXPECT_GE(source->max_concurrent_reads(), 2) << "no parallelism at " << threads << " threads";
  }
}

}  // namespace
}  // namespace hyperchunk
