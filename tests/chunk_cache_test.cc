// The Context's chunk cache: computations on the same source reuse decoded whole chunks, within a
// byte budget that counts in the memory limit; pinned chunks are never evicted; a pass larger than
// the budget leaves the cache alone; chunks of a source that is gone are never served.
#include <atomic>
#include <memory>
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

using test::CountingSource;

constexpr int64_t kKiB = 1024;
constexpr int64_t kMiB = kKiB * kKiB;

// (32, 16, 64) float64 = 256 KiB in 16 chunks (8, 8, 32) of 16 KiB; value = linear index.
NdArray Ramp(double offset = 0) {
  NdArray a = NdArray::Empty(DType::kFloat64, {32, 16, 64});
  double* p = a.data<double>();
  for (Index i = 0; i < a.size(); ++i) p[i] = static_cast<double>(i) + offset;
  return a;
}
const ChunkGrid kGrid = ChunkGrid::Regular({32, 16, 64}, {8, 8, 32});
constexpr int64_t kChunkBytes = 8 * 8 * 32 * 8;

Context MakeContext(int threads, int64_t cache_bytes, int64_t memory_limit = 64 * kMiB) {
  ContextOptions options = test::TestContextOptions(threads);
  options.memory_limit = memory_limit;
  options.tile_bytes = ContextOptions{}.tile_bytes;  // chunks too small to be streamed, even in torture runs
  options.chunk_cache_bytes = cache_bytes;
  return Context(options);
}

// The sum over the last axis of rows [r0, r0 + 2) x columns [c0, c0 + 3): one or two chunks.
Array Roi(const Array& x, Index r0, Index c0) {
  return x[{Slice{r0, r0 + 2, 1}, Slice{c0, c0 + 3, 1}, Slice{}}].Sum({0, 1});
}
NdArray EagerRoi(const NdArray& data, Index r0, Index c0) {
  return *test::EagerReduce(ReduceOp::kSum,
                            *test::EagerIndex(data, {Slice{r0, r0 + 2, 1}, Slice{c0, c0 + 3, 1}, Slice{}}),
                            std::vector<int>{0, 1});
}

::testing::AssertionResult RoiMatches(const NdArray& want, const NdArray& got) {
  return test::ArraysMatch(want, got, test::ReductionTolerance(ReduceOp::kSum, DType::kFloat64, 6, test::MaxAbs(want)));
}

TEST(ChunkCache, ARepeatedComputationReadsNothing) {
  for (int threads : {1, 2, 4}) {
    SCOPED_TRACE(threads);
    const NdArray data = Ramp();
    auto source = std::make_shared<CountingSource>(data, kGrid);
    const Array x = Array::FromSource(source);
    Context ctx = MakeContext(threads, 1 * kMiB);
    HC_ASSERT_OK_AND_ASSIGN(NdArray first, Compute(ctx, Roi(x, 2, 1)));
    EXPECT_EQ(source->total_reads(), 2);  // rows 2-3 lie in chunk row 0; columns 1-3 in chunk column 0
    EXPECT_EQ(ctx.chunk_cache_stats().chunks, 2);
    EXPECT_EQ(ctx.chunk_cache_stats().bytes, 2 * kChunkBytes);
    EXPECT_EQ(ctx.memory_stats().current_bytes, 2 * kChunkBytes);  // the cache counts in the budget

    HC_ASSERT_OK_AND_ASSIGN(NdArray again, Compute(ctx, Roi(x, 2, 1)));
    EXPECT_EQ(source->total_reads(), 2);
    EXPECT_EQ(ctx.chunk_cache_stats().hits, 2);
    EXPECT_TRUE(test::ArraysIdentical(first, again));
    EXPECT_TRUE(RoiMatches(EagerRoi(data, 2, 1), again));

    // Moved by one pixel: the same chunks; moved into the next chunk row: only its chunks are read.
    HC_ASSERT_OK_AND_ASSIGN(NdArray moved, Compute(ctx, Roi(x, 3, 1)));
    EXPECT_EQ(source->total_reads(), 2);
    EXPECT_TRUE(RoiMatches(EagerRoi(data, 3, 1), moved));
    HC_ASSERT_OK_AND_ASSIGN(NdArray across, Compute(ctx, Roi(x, 7, 1)));
    EXPECT_EQ(source->total_reads(), 4);
    EXPECT_TRUE(RoiMatches(EagerRoi(data, 7, 1), across));
    EXPECT_EQ(ctx.chunk_cache_stats().pinned, 0);
  }
}

TEST(ChunkCache, ZeroBytesTurnsItOff) {
  const NdArray data = Ramp();
  auto source = std::make_shared<CountingSource>(data, kGrid);
  const Array x = Array::FromSource(source);
  Context ctx = MakeContext(2, 0);
  HC_ASSERT_OK(Compute(ctx, Roi(x, 2, 1)).status());
  HC_ASSERT_OK(Compute(ctx, Roi(x, 2, 1)).status());
  EXPECT_EQ(source->total_reads(), 4);
  EXPECT_EQ(ctx.chunk_cache_stats().chunks, 0);
  EXPECT_EQ(ctx.memory_stats().current_bytes, 0);
}

TEST(ChunkCache, DefaultBudgetIsHalfTheMemoryLimit) {
  Context ctx = MakeContext(1, -1, 10 * kMiB);
  EXPECT_EQ(ctx.chunk_cache_stats().budget_bytes, 5 * kMiB);
  Context capped = MakeContext(1, 100 * kMiB, 10 * kMiB);
  EXPECT_EQ(capped.chunk_cache_stats().budget_bytes, 10 * kMiB);
}

TEST(ChunkCache, StaysWithinItsBudgetLeastRecentlyUsedFirst) {
  const NdArray data = Ramp();
  auto source = std::make_shared<CountingSource>(data, kGrid);
  const Array x = Array::FromSource(source);
  Context ctx = MakeContext(1, 3 * kChunkBytes);
  const Array a = x[{Slice{0, 8, 1}, Slice{0, 8, 1}, Slice{}}].Sum();   // chunks (0,0,0) (0,0,1)
  const Array b = x[{Slice{8, 16, 1}, Slice{0, 8, 1}, Slice{}}].Sum();  // (1,0,0) (1,0,1)
  HC_ASSERT_OK(Compute(ctx, a).status());
  HC_ASSERT_OK(Compute(ctx, b).status());  // 4 chunks do not fit 3: a's first chunk goes
  ChunkCacheStats st = ctx.chunk_cache_stats();
  EXPECT_EQ(st.chunks, 3);
  EXPECT_LE(st.bytes, 3 * kChunkBytes);
  EXPECT_EQ(st.evictions, 1);
  source->ResetCounts();
  HC_ASSERT_OK(Compute(ctx, b).status());
  EXPECT_EQ(source->total_reads(), 0);
  HC_ASSERT_OK(Compute(ctx, x[{Slice{0, 8, 1}, Slice{0, 8, 1}, Slice{32, 64, 1}}].Sum()).status());
  EXPECT_EQ(source->total_reads(), 0);  // a's second chunk stayed
  HC_ASSERT_OK(Compute(ctx, x[{Slice{0, 8, 1}, Slice{0, 8, 1}, Slice{0, 32, 1}}].Sum()).status());
  EXPECT_EQ(source->reads({0, 0, 0}), 1);  // the evicted one
  EXPECT_LE(ctx.chunk_cache_stats().bytes, 3 * kChunkBytes);
}

TEST(ChunkCache, APassLargerThanTheBudgetLeavesItAlone) {
  const NdArray data = Ramp();
  auto source = std::make_shared<CountingSource>(data, kGrid);
  const Array x = Array::FromSource(source);
  Context ctx = MakeContext(2, 4 * kChunkBytes);
  HC_ASSERT_OK(Compute(ctx, Roi(x, 2, 1)).status());
  const ChunkCacheStats before = ctx.chunk_cache_stats();
  HC_ASSERT_OK_AND_ASSIGN(NdArray total, Compute(ctx, x.Sum({2})));  // all 16 chunks
  EXPECT_TRUE(test::ArraysMatch(*test::EagerReduce(ReduceOp::kSum, data, std::vector<int>{2}), total,
                                test::ReductionTolerance(ReduceOp::kSum, DType::kFloat64, 64, 1e5)));
  const ChunkCacheStats after = ctx.chunk_cache_stats();
  EXPECT_EQ(after.insertions, before.insertions);
  EXPECT_EQ(after.chunks, 2);
  source->ResetCounts();
  HC_ASSERT_OK(Compute(ctx, Roi(x, 2, 1)).status());
  EXPECT_EQ(source->total_reads(), 0);
}

TEST(ChunkCache, AComputationThatNeedsTheMemoryEvictsIt) {
  // The cache may hold all but a sliver of the limit; a later computation still runs in the limit.
  const NdArray data = Ramp();
  auto source = std::make_shared<CountingSource>(data, kGrid);
  const Array x = Array::FromSource(source);
  const int64_t limit = 12 * kChunkBytes;
  Context ctx = MakeContext(1, 10 * kChunkBytes, limit);
  HC_ASSERT_OK(Compute(ctx, x[{Slice{0, 16, 1}, Slice{}, Slice{}}].Sum()).status());  // 8 chunks kept
  EXPECT_EQ(ctx.chunk_cache_stats().bytes, 8 * kChunkBytes);
  EXPECT_LE(ctx.memory_stats().peak_bytes, limit);
  ctx.ResetMemoryStats();
  HC_ASSERT_OK_AND_ASSIGN(NdArray copy, Compute(ctx, x[{Slice{24, 32, 1}, Slice{}, Slice{}}] + 1.0));
  EXPECT_LE(ctx.memory_stats().peak_bytes, limit);
  EXPECT_GT(ctx.chunk_cache_stats().evictions, 0);
  EXPECT_EQ(copy.shape(), (Shape{8, 16, 64}));
}

TEST(ChunkCache, ChunksOfASourceThatIsGoneAreNeverServed) {
  Context ctx = MakeContext(2, 1 * kMiB);
  for (int round = 0; round < 20; ++round) {
    const NdArray data = Ramp(1000.0 * round);
    auto source = std::make_shared<CountingSource>(data, kGrid);
    const Array x = Array::FromSource(source);
    HC_ASSERT_OK_AND_ASSIGN(NdArray got, Compute(ctx, Roi(x, 2, 1)));
    ASSERT_TRUE(RoiMatches(EagerRoi(data, 2, 1), got)) << "round " << round;
    EXPECT_EQ(source->total_reads(), 2);
  }
  EXPECT_EQ(ctx.chunk_cache_stats().hits, 0);
}

TEST(ChunkCache, PartialReadsAreNotKeptButCachedChunksServeThem) {
  const NdArray data = Ramp();
  auto source = std::make_shared<CountingSource>(data, kGrid);
  source->set_partial_reads(true);
  const Array x = Array::FromSource(source);
  Context ctx = MakeContext(2, 1 * kMiB);
  HC_ASSERT_OK(Compute(ctx, Roi(x, 2, 1)).status());
  EXPECT_EQ(source->partial_reads(), 2);
  EXPECT_EQ(ctx.chunk_cache_stats().chunks, 0);
  // A whole-chunk pass that fits the budget keeps its chunks; the ROI then reads nothing.
  HC_ASSERT_OK(Compute(ctx, x[{Slice{0, 8, 1}, Slice{0, 8, 1}, Slice{}}] * 2.0).status());
  EXPECT_EQ(ctx.chunk_cache_stats().chunks, 2);
  source->ResetCounts();
  HC_ASSERT_OK_AND_ASSIGN(NdArray got, Compute(ctx, Roi(x, 3, 2)));
  EXPECT_EQ(source->total_reads(), 0);
  EXPECT_TRUE(RoiMatches(EagerRoi(data, 3, 2), got));
}

TEST(ChunkCache, AFailedReadIsNotCached) {
  const NdArray data = Ramp();
  auto source = std::make_shared<CountingSource>(data, kGrid);
  source->FailOn({0, 0, 1}, DataLoss("bad bytes"));
  const Array x = Array::FromSource(source);
  Context ctx = MakeContext(1, 1 * kMiB);
  EXPECT_FALSE(Compute(ctx, Roi(x, 2, 1)).ok());
  EXPECT_FALSE(Compute(ctx, Roi(x, 2, 1)).ok());
  EXPECT_EQ(source->reads({0, 0, 1}), 2);
  EXPECT_EQ(ctx.chunk_cache_stats().pinned, 0);
}

TEST(ChunkCache, ClearFreesEverything) {
  const NdArray data = Ramp();
  auto source = std::make_shared<CountingSource>(data, kGrid);
  const Array x = Array::FromSource(source);
  Context ctx = MakeContext(2, 1 * kMiB);
  HC_ASSERT_OK(Compute(ctx, Roi(x, 2, 1)).status());
  EXPECT_EQ(ctx.ClearChunkCache(), 2 * kChunkBytes);
  EXPECT_EQ(ctx.chunk_cache_stats().chunks, 0);
  EXPECT_EQ(ctx.memory_stats().current_bytes, 0);
  HC_ASSERT_OK(Compute(ctx, Roi(x, 2, 1)).status());
  EXPECT_EQ(source->total_reads(), 4);
}

TEST(ChunkCache, ComputationsFromSeveralThreads) {
  // One Context runs one computation at a time, but several Contexts share nothing: here each
  // thread uses its own Context on a shared source, and the cached values stay right.
  const NdArray data = Ramp();
  auto source = std::make_shared<CountingSource>(data, kGrid);
  const Array x = Array::FromSource(source);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Context ctx = MakeContext(2, 4 * kChunkBytes);
      for (int i = 0; i < 30; ++i) {
        const Index r = (i * 7 + t) % 30, c = (i * 5 + t) % 13;
        auto got = Compute(ctx, Roi(x, r, c));
        if (!got.ok() || !RoiMatches(EagerRoi(data, r, c), *got)) wrong += 1;
      }
      if (ctx.chunk_cache_stats().bytes > 4 * kChunkBytes) wrong += 100;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace hyperchunk
