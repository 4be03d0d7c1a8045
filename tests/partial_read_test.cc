// Partial reads of uncompressed chunks: the planner gives each source chunk the bounding box of
// what a stage pulls from it, the executor reads just that box (ChunkSource::ReadChunkBox) once,
// and the HDF5 source reads only those bytes (chunked and contiguous datasets, big-endian files,
// unallocated chunks). Results must equal whole-chunk reads bit for bit at any thread count.
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <hdf5.h>

#include "hyperchunk/array/array.h"
#include "hyperchunk/exec/compute.h"
#include "hyperchunk/store/hspy.h"
#include "store/hdf5_source.h"
#include "testing/compare.h"
#include "testing/eager.h"
#include "testing/lazy.h"
#include "testing/random.h"
#include "testing/sources.h"

namespace hyperchunk {
namespace {

using test::CountingSource;
using test::Rng;

std::shared_ptr<CountingSource> Counting(const NdArray& data, const ChunkGrid& grid, bool partial) {
  auto source = std::make_shared<CountingSource>(data, grid, partial ? "partial" : "whole");
  source->set_partial_reads(partial);
  return source;
}

Index Bytes(const Shape& shape, DType dtype) { return NumElements(shape) * ItemSize(dtype); }

// ---- the engine, over a source that reads parts of chunks ----------------------------------------

TEST(PartialRead, RoiAndSpectrumReadOnlyTheirBytes) {
  Rng rng(test::SeedForCurrentTest());
  const NdArray data = test::RandomArray(rng, DType::kFloat64, {16, 12, 30}, test::Values::kFull);
  auto source = Counting(data, ChunkGrid::Regular({16, 12, 30}, {8, 12, 30}), true);
  const Array x = Array::FromSource(source);
  struct Case {
    std::string name;
    std::vector<IndexItem> items;
    Index bytes;
    int64_t partial_reads;
  };
  const std::vector<Case> cases = {
      {"4x4 pixel ROI", {Slice{3, 7, 1}, Slice{2, 6, 1}}, 4 * 4 * 30 * 8, 1},
      {"one pixel's spectrum", {Index{10}, Index{5}}, 30 * 8, 1},
      {"ROI across two chunks", {Slice{6, 10, 1}, Slice{2, 6, 1}}, 4 * 4 * 30 * 8, 2},
      {"a channel range of one row", {Index{9}, Slice{}, Slice{4, 9, 1}}, 12 * 5 * 8, 1},
      {"every other channel of a pixel", {Index{2}, Index{3}, Slice{1, 29, 2}}, 27 * 8, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Array roi = x[c.items];
    HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerIndex(data, c.items));
    HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(test::SharedContext(1), {roi}));
    EXPECT_EQ(info.read_bytes, c.bytes);
    EXPECT_EQ(info.partial_chunk_reads, c.partial_reads);
    EXPECT_NE(info.Summary().find("partial"), std::string::npos) << info.Summary();
    for (int threads : test::kThreadCounts) {
      source->ResetCounts();
      EXPECT_TRUE(test::ComputesTo(test::SharedContext(threads), roi, want)) << threads << " threads";
      EXPECT_EQ(source->total_bytes_read(), c.bytes) << threads << " threads";
      if (info.streamed_chunk_reads == 0) {
        EXPECT_EQ(source->partial_reads(), c.partial_reads);
        EXPECT_EQ(source->total_reads(), c.partial_reads) << "each chunk is read once";
      } else {  // tiny tiles (HC_TEST_TORTURE): read tile by tile, each byte once
        EXPECT_GE(source->total_reads(), c.partial_reads);
      }
      EXPECT_EQ(source->bad_calls(), 0);
    }
  }
}

TEST(PartialRead, SignalSliceAndCoarsenReadOnlyTheChannelsKept) {
  // The tutorial's isig[:15.0].rebin(scale=(4, 4, 1)) in miniature: 22 of 30 channels.
  Rng rng(test::SeedForCurrentTest());
  const Shape shape{16, 12, 30};
  const NdArray data = test::RandomArray(rng, DType::kFloat64, shape, test::Values::kFull);
  const ChunkGrid grid = ChunkGrid::Regular(shape, {8, 12, 30});
  auto partial = Counting(data, grid, true);
  auto whole = Counting(data, grid, false);
  const std::vector<IndexItem> channels{Ellipsis{}, Slice{std::nullopt, 22, 1}};
  auto binned = [&](const std::shared_ptr<CountingSource>& s) {
    return Array::FromSource(s)[channels].Coarsen(ReduceOp::kSum, {4, 4, 1});
  };
  HC_ASSERT_OK_AND_ASSIGN(const NdArray sliced, test::EagerIndex(data, channels));
  HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerCoarsen(ReduceOp::kSum, sliced, {4, 4, 1}, false));
  HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(test::SharedContext(1), {binned(partial)}));
  EXPECT_EQ(info.read_bytes, Bytes({16, 12, 22}, DType::kFloat64));
  EXPECT_EQ(info.source_bytes, data.nbytes()) << "source_bytes still counts the chunks touched";
  EXPECT_EQ(info.partial_chunk_reads, 2);
  HC_ASSERT_OK_AND_ASSIGN(const PlanInfo whole_info, Explain(test::SharedContext(1), {binned(whole)}));
  EXPECT_EQ(whole_info.read_bytes, data.nbytes());
  EXPECT_LT(info.max_task_bytes, whole_info.max_task_bytes) << "tasks hold the smaller parts";
  for (int threads : test::kThreadCounts) {
    partial->ResetCounts();
    whole->ResetCounts();
    NdArray got_partial, got_whole;
    EXPECT_TRUE(test::ComputesTo(test::SharedContext(threads), binned(partial), want, {1e-12, 1e-9}, &got_partial));
    EXPECT_TRUE(test::ComputesTo(test::SharedContext(threads), binned(whole), want, {1e-12, 1e-9}, &got_whole));
    EXPECT_TRUE(test::ArraysIdentical(got_whole, got_partial)) << threads << " threads";
    EXPECT_EQ(partial->total_bytes_read(), info.read_bytes);
    if (info.streamed_chunk_reads == 0) {
      EXPECT_EQ(partial->total_reads(), 2);
    }
    EXPECT_EQ(whole->total_bytes_read(), data.nbytes());
  }
}

// Large chunks of a source that reads partially, walked by one task, are streamed: each tile's part
// is read as the tile is processed (every byte once, straight into the CPU's cache), and the
// results are those of whole-chunk reads, for every consumer of the tile.
TEST(PartialRead, LargeChunksAreStreamedTileByTile) {
  Rng rng(test::SeedForCurrentTest());
  const NdArray data = test::RandomArray(rng, DType::kFloat64, {16, 12, 40}, test::Values::kFull);
  const ChunkGrid grid = ChunkGrid::Regular({16, 12, 40}, {8, 12, 40});  // 2 chunks of 30 KiB
  auto partial = Counting(data, grid, true);
  auto whole = Counting(data, grid, false);
  auto outputs_of = [](const std::shared_ptr<CountingSource>& s) {
    const Array x = Array::FromSource(s);
    // The navigator, the sum spectrum and the max navigator: three consumers of each tile.
    return std::vector<Array>{x.Sum({2}), x.Sum({0, 1}), x.Max({2})};
  };
  for (int threads : test::kThreadCounts) {
    SCOPED_TRACE(std::to_string(threads) + " threads");
    ContextOptions options = test::TestContextOptions(threads);
    options.tile_bytes = 1024;  // chunks of 30 tiles: streamed
    Context ctx(options);
    HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(ctx, outputs_of(partial)));
    EXPECT_EQ(info.streamed_chunk_reads, 2) << info.Summary();
    EXPECT_NE(info.Summary().find("streamed"), std::string::npos) << info.Summary();
    partial->ResetCounts();
    HC_ASSERT_OK_AND_ASSIGN(const std::vector<NdArray> got, Compute(ctx, outputs_of(partial)));
    EXPECT_EQ(partial->total_bytes_read(), data.nbytes()) << "each byte read once";
    EXPECT_GT(partial->total_reads(), 2 * 10) << "tile by tile";
    EXPECT_EQ(partial->bad_calls(), 0);
    EXPECT_EQ(ctx.chunk_cache_stats().chunks, 0) << "streamed chunks are never held whole";
    EXPECT_EQ(test::HeldBeyondChunkCache(ctx), 0);
    Context plain(test::TestContextOptions(threads));
    HC_ASSERT_OK_AND_ASSIGN(const std::vector<NdArray> want, Compute(plain, outputs_of(whole)));
    for (size_t k = 0; k < want.size(); ++k) {
      EXPECT_TRUE(test::ArraysMatch(want[k], got[k],
                                    test::ReductionTolerance(ReduceOp::kSum, DType::kFloat64, 480, test::MaxAbs(data))))
          << "output " << k;
    }
  }
  // Two consumers of disjoint row ranges of each chunk: each walk reads its own rows, streamed.
  {
    ContextOptions o = test::TestContextOptions(2);
    o.tile_bytes = 1024;
    Context c(o);
    const Array y = Array::FromSource(partial);
    const std::vector<Array> halves{y[{Slice{0, 4, 1}}].Sum({2}), y[{Slice{4, 8, 1}}].Sum({2}),
                                    y[{Slice{8, 12, 1}}].Sum({2}), y[{Slice{12, 16, 1}}].Sum({2})};
    HC_ASSERT_OK_AND_ASSIGN(const PlanInfo halves_info, Explain(c, halves));
    EXPECT_EQ(halves_info.streamed_chunk_reads, 2) << halves_info.Summary();
    partial->ResetCounts();
    HC_ASSERT_OK_AND_ASSIGN(const std::vector<NdArray> got_halves, Compute(c, halves));
    EXPECT_EQ(partial->total_bytes_read(), data.nbytes());
    for (Index h = 0; h < 4; ++h) {
      HC_ASSERT_OK_AND_ASSIGN(const NdArray rows, test::EagerIndex(data, {Slice{4 * h, 4 * h + 4, 1}}));
      HC_ASSERT_OK_AND_ASSIGN(const NdArray want_h, test::EagerReduce(ReduceOp::kSum, rows, std::vector<int>{2}));
      EXPECT_TRUE(test::ArraysMatch(want_h, got_halves[static_cast<size_t>(h)],
                                    test::ReductionTolerance(ReduceOp::kSum, DType::kFloat64, 40, test::MaxAbs(data))))
          << "rows " << 4 * h;
    }
    // Overlapping row ranges are read whole instead.
    const std::vector<Array> overlapping{y[{Slice{0, 6, 1}}].Sum({2}), y[{Slice{2, 8, 1}}].Sum({2})};
    HC_ASSERT_OK_AND_ASSIGN(const PlanInfo overlap_info, Explain(c, overlapping));
    EXPECT_EQ(overlap_info.streamed_chunk_reads, 0) << overlap_info.Summary();
  }
  // Two consumers walk different boxes of the first chunk (all of it, a part of it): not streamed.
  ContextOptions options = test::TestContextOptions(2);
  options.tile_bytes = 1024;
  Context ctx(options);
  const Array x = Array::FromSource(partial);
  const std::vector<Array> mixed{x.Sum({2}), x[{Slice{0, 4, 1}}].Coarsen(ReduceOp::kSum, {2, 1, 1})};
  HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(ctx, mixed));
  EXPECT_EQ(info.streamed_chunk_reads, 1) << info.Summary();  // the second chunk only
  HC_ASSERT_OK_AND_ASSIGN(const std::vector<NdArray> got, Compute(ctx, mixed));
  HC_ASSERT_OK_AND_ASSIGN(const NdArray sum2, test::EagerReduce(ReduceOp::kSum, data, std::vector<int>{2}));
  EXPECT_TRUE(test::ArraysMatch(sum2, got[0],
                                test::ReductionTolerance(ReduceOp::kSum, DType::kFloat64, 40, test::MaxAbs(data))));
}

// Narrow parts of the same rows (the channel windows of two line maps) are streamed in bands: each
// band of rows of their union is read once and serves both windows' tiles of those rows.
TEST(PartialRead, WindowsOfTheSameRowsAreStreamedInBands) {
  Rng rng(test::SeedForCurrentTest());
  const NdArray data = test::RandomArray(rng, DType::kFloat64, {16, 12, 40}, test::Values::kFull);
  const ChunkGrid grid = ChunkGrid::Regular({16, 12, 40}, {8, 12, 40});  // 2 chunks of 30 KiB
  auto partial = Counting(data, grid, true);
  const Array x = Array::FromSource(partial);
  const std::vector<IndexItem> first{Ellipsis{}, Slice{2, 10, 1}}, second{Ellipsis{}, Slice{20, 30, 1}};
  const std::vector<Array> windows{x[first].Sum({2}), x[second].Sum({2}), x[second].Max({2})};
  std::vector<NdArray> want;
  for (const auto& [items, op] :
       {std::pair{first, ReduceOp::kSum}, std::pair{second, ReduceOp::kSum}, std::pair{second, ReduceOp::kMax}}) {
    HC_ASSERT_OK_AND_ASSIGN(const NdArray part, test::EagerIndex(data, items));
    HC_ASSERT_OK_AND_ASSIGN(NdArray w, test::EagerReduce(op, part, std::vector<int>{2}));
    want.push_back(std::move(w));
  }
  const Index union_bytes = 16 * 12 * (30 - 2) * 8;  // channels 2..29 of every row, once
  for (int threads : test::kThreadCounts) {
    SCOPED_TRACE(std::to_string(threads) + " threads");
    ContextOptions options = test::TestContextOptions(threads);
    options.tile_bytes = 1024;  // tiles of one row (12 x 8 and 12 x 10 elements)
    Context ctx(options);
    HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(ctx, windows));
    EXPECT_EQ(info.streamed_chunk_reads, 2) << info.Summary();
    EXPECT_EQ(info.banded_chunk_reads, 2) << info.Summary();
    EXPECT_NE(info.Summary().find("2 streamed, 2 in bands"), std::string::npos) << info.Summary();
    partial->ResetCounts();
    HC_ASSERT_OK_AND_ASSIGN(const std::vector<NdArray> got, Compute(ctx, windows));
    EXPECT_EQ(partial->total_bytes_read(), union_bytes) << "each band read once";
    EXPECT_EQ(partial->total_reads(), 16) << "one band per row";
    EXPECT_EQ(partial->bad_calls(), 0);
    EXPECT_EQ(test::HeldBeyondChunkCache(ctx), 0);
    for (size_t k = 0; k < want.size(); ++k) {
      EXPECT_TRUE(test::ArraysMatch(want[k], got[k],
                                    test::ReductionTolerance(ReduceOp::kSum, DType::kFloat64, 10, test::MaxAbs(data))))
          << "output " << k;
    }
  }
  // Windows cut into tiles of different rows would meet in no band: read whole instead.
  ContextOptions options = test::TestContextOptions(2);
  options.tile_bytes = 1024;
  Context ctx(options);
  const std::vector<Array> unaligned{x[first].Sum({2}), x[{Ellipsis{}, Slice{20, 40, 1}}].Sum({2})};
  HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(ctx, unaligned));
  EXPECT_EQ(info.banded_chunk_reads, 0) << info.Summary();
  EXPECT_EQ(info.streamed_chunk_reads, 0) << info.Summary();
}

// A staged source whose staging fails (a damaged deflate stream): the error names the chunk once.
class FailingStagedSource : public ChunkSource {
 public:
  FailingStagedSource() : grid_(ChunkGrid::Regular({8, 12, 40}, {8, 12, 40})) {}
  DType dtype() const override { return DType::kFloat64; }
  const ChunkGrid& chunks() const override { return grid_; }
  std::string name() const override { return "scan.hspy"; }
  Status ReadChunk(const ChunkIndex& /*chunk*/, NdArray& /*out*/) const override {
    return DataLoss("deflate stream ends early");
  }
  bool CanReadStaged(const ChunkIndex& /*chunk*/) const override { return true; }
  Status ReadStaged(const ChunkIndex& /*chunk*/, std::span<std::byte> /*staged*/) const override {
    return DataLoss("deflate stream ends early");
  }

 private:
  ChunkGrid grid_;
};

TEST(PartialRead, AFailedStagedReadNamesTheChunkOnce) {
  const Array x = Array::FromSource(std::make_shared<FailingStagedSource>());
  ContextOptions options = test::TestContextOptions(2);
  options.tile_bytes = 1024;  // a chunk of 30 tiles: staged and streamed
  Context ctx(options);
  HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(ctx, {x.Sum({2})}));
  EXPECT_EQ(info.streamed_chunk_reads, 1) << info.Summary();
  const auto got = Compute(ctx, {x.Sum({2})});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message(), "reading chunk (0, 0, 0) of scan.hspy: deflate stream ends early");
}

TEST(PartialRead, ConsumersOfDifferentPartsReadTheirUnionOnce) {
  Rng rng(test::SeedForCurrentTest());
  const Shape shape{16, 12, 30};
  const NdArray data = test::RandomArray(rng, DType::kInt32, shape);
  const ChunkGrid grid = ChunkGrid::Regular(shape, {8, 12, 30});
  auto source = Counting(data, grid, true);
  const Array x = Array::FromSource(source);
  const std::vector<IndexItem> left{Slice{}, Slice{0, 3, 1}, Slice{0, 10, 1}};
  const std::vector<IndexItem> right{Slice{}, Slice{2, 5, 1}, Slice{20, 25, 1}};
  const std::vector<Array> outputs = {x[left].Sum({1, 2}), x[right] * 2};
  const std::vector<NdArray> want = {
      *test::EagerReduce(ReduceOp::kSum, *test::EagerIndex(data, left), std::vector<int>{1, 2}),
      *test::EagerBinary(BinaryOp::kMultiply, *test::EagerIndex(data, right), Scalar::Int(2))};
  // Per chunk: rows 0..4 (the union of 0..2 and 2..4), channels 0..24.
  const Index union_bytes = 2 * Bytes({8, 5, 25}, DType::kInt32);
  HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(test::SharedContext(1), outputs));
  EXPECT_EQ(info.read_bytes, union_bytes);
  for (int threads : test::kThreadCounts) {
    source->ResetCounts();
    HC_ASSERT_OK_AND_ASSIGN(const std::vector<NdArray> got, Compute(test::SharedContext(threads), outputs));
    EXPECT_TRUE(test::ArraysIdentical(want[0], got[0]));
    EXPECT_TRUE(test::ArraysIdentical(want[1], got[1]));
    if (info.streamed_chunk_reads == 0) {
      EXPECT_EQ(source->reads({0, 0, 0}), 1) << threads << " threads";
      EXPECT_EQ(source->reads({1, 0, 0}), 1) << threads << " threads";
      EXPECT_EQ(source->total_bytes_read(), union_bytes);
    } else {  // tiny tiles (HC_TEST_TORTURE): each output's tiles read their own parts, no more
      EXPECT_LE(source->total_bytes_read(), union_bytes);
    }
  }
  // A third output that needs whole chunks: whole reads, still once each.
  source->ResetCounts();
  HC_ASSERT_OK_AND_ASSIGN(const std::vector<NdArray> got,
                          Compute(test::SharedContext(2), {outputs[0], outputs[1], x.Max()}));
  EXPECT_EQ(source->total_reads(), 2);
  EXPECT_EQ(source->partial_reads(), 0);
  EXPECT_EQ(source->total_bytes_read(), data.nbytes());
}

TEST(PartialRead, TwoStagesReadWhatEachNeeds) {
  // x[:, :, 5:9] - x[:, :, 5:9].mean(): the mean's stage and the subtraction's stage each read the
  // same part of every chunk.
  Rng rng(test::SeedForCurrentTest());
  const Shape shape{6, 4, 10};
  const NdArray data = test::RandomArray(rng, DType::kFloat64, shape);
  auto source = Counting(data, ChunkGrid::Regular(shape, {3, 4, 10}), true);
  const std::vector<IndexItem> band{Ellipsis{}, Slice{5, 9, 1}};
  const Array b = Array::FromSource(source)[band];
  const Array centered = b - b.Mean();
  HC_ASSERT_OK_AND_ASSIGN(const NdArray sliced, test::EagerIndex(data, band));
  HC_ASSERT_OK_AND_ASSIGN(const NdArray mean, test::EagerReduce(ReduceOp::kMean, sliced));
  HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerBinary(BinaryOp::kSubtract, sliced, mean));
  HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(test::SharedContext(1), {centered}));
  EXPECT_EQ(info.stages, 2);
  EXPECT_EQ(info.read_bytes, 2 * sliced.nbytes());
  for (int threads : test::kThreadCounts) {
    source->ResetCounts();
    EXPECT_TRUE(test::ComputesTo(test::SharedContext(threads), centered, want, {1e-12, 1e-12}));
    EXPECT_EQ(source->total_bytes_read(), 2 * sliced.nbytes());
    EXPECT_EQ(source->total_reads(), 4);
  }
}

TEST(PartialRead, MemoryLedgerHoldsThePartsWithinTheBudget) {
  Rng rng(test::SeedForCurrentTest());
  const Shape shape{8, 40, 64};
  const NdArray data = test::RandomArray(rng, DType::kFloat64, shape);
  auto source = Counting(data, ChunkGrid::Regular(shape, {4, 40, 64}), true);
  const Array roi = Array::FromSource(source)[{Slice{}, Slice{10, 12, 1}, Slice{0, 16, 1}}];
  HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerIndex(data, {Slice{}, Slice{10, 12, 1}, Slice{0, 16, 1}}));
  HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(test::SharedContext(1), {roi}));
  // Each task holds its part (4 x 2 x 16 float64), not its 80 KiB chunk.
  EXPECT_LT(info.max_task_bytes, Bytes({4, 40, 64}, DType::kFloat64));
  for (int threads : test::kThreadCounts) {
    ContextOptions options = test::TestContextOptions(threads);
    options.memory_limit = info.required_bytes;
    Context tight(options);
    EXPECT_TRUE(test::ComputesTo(tight, roi, want)) << "memory limit = required_bytes = " << info.required_bytes;
    EXPECT_LE(tight.memory_stats().peak_bytes, tight.memory_limit());
    EXPECT_EQ(test::HeldBeyondChunkCache(tight), 0) << "every byte accounted is released";
  }
}

TEST(PartialRead, AFailedPartialReadNamesTheBoxAndTheChunk) {
  const Shape shape{16, 12, 30};
  auto source = Counting(NdArray::Zeros(DType::kUInt16, shape), ChunkGrid::Regular(shape, {8, 12, 30}), true);
  source->FailOn({0, 0, 0}, IoError("disk on fire"));
  Result<NdArray> got =
      Compute(test::SharedContext(2), Array::FromSource(source)[{Slice{3, 7, 1}, Slice{2, 6, 1}, Slice{0, 5, 1}}]);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kIoError);
  EXPECT_NE(got.status().ToString().find("reading [3:7, 2:6, 0:5] of chunk (0, 0, 0) of partial"), std::string::npos)
      << got.status().ToString();
  EXPECT_NE(got.status().ToString().find("disk on fire"), std::string::npos);
}

// Random selections (slices with steps, integers, reversed ranges) feeding reductions, coarsening,
// transposes and arithmetic: a partial source gives the same bytes as a whole-chunk source, reads
// each chunk at most once, and reads what Explain says.
TEST(PartialRead, RandomSelectionsMatchWholeChunkReads) {
  test::ForEachRandomCase(120, [](Rng& rng) {
    const DType dtype = rng.Pick(std::vector<DType>{DType::kFloat64, DType::kInt16, DType::kUInt8, DType::kFloat32});
    const Shape shape = test::RandomShape(rng, 1, 4, 9, 0.0);
    const NdArray data = test::RandomArray(rng, dtype, shape);
    const ChunkGrid grid = test::RandomChunks(rng, shape);
    SCOPED_TRACE(test::Describe(data) + " chunks " + test::ChunksString(grid));
    auto partial = Counting(data, grid, true);
    auto whole = Counting(data, grid, false);
    std::vector<std::vector<IndexItem>> selections;
    std::vector<int> ops;
    const int count = static_cast<int>(rng.Int(1, 3));
    for (int k = 0; k < count; ++k) {
      std::vector<IndexItem> items;
      for (Index extent : shape) {
        const Index start = rng.Int(0, extent - 1);
        const Index stop = rng.Int(start + 1, extent);
        switch (rng.Int(0, 4)) {
          case 0: items.emplace_back(Index{start}); break;
          case 1: items.emplace_back(Slice{}); break;
          case 2: items.emplace_back(Slice{start, stop, rng.Int(1, 3)}); break;
          case 3: items.emplace_back(Slice{stop - 1, start == 0 ? std::optional<Index>() : start - 1, -1}); break;
          default: items.emplace_back(Slice{start, stop, 1}); break;
        }
      }
      selections.push_back(std::move(items));
      ops.push_back(static_cast<int>(rng.Int(0, 4)));
    }
    auto outputs_of = [&](const std::shared_ptr<CountingSource>& s) {
      const Array x = Array::FromSource(s);
      std::vector<Array> outputs;
      for (size_t k = 0; k < selections.size(); ++k) {
        const Array sel = x[selections[k]];
        switch (ops[k]) {
          case 0: outputs.push_back(sel); break;
          case 1: outputs.push_back(sel.Sum()); break;
          case 2: outputs.push_back(sel.Transpose() + 1); break;
          case 3: outputs.push_back(sel.rank() > 0 ? sel.Max({0}) : sel); break;
          default: {
            std::vector<Index> factors;
            for (Index extent : sel.shape()) factors.push_back(extent % 2 == 0 ? 2 : 1);
            outputs.push_back(sel.Coarsen(ReduceOp::kMax, factors));
            break;
          }
        }
      }
      return outputs;
    };
    Context& ctx = test::RandomContext(rng);
    HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(ctx, outputs_of(partial)));
    Result<std::vector<NdArray>> got_whole = Compute(ctx, outputs_of(whole));
    ASSERT_TRUE(got_whole.ok()) << got_whole.status().ToString();
    Result<std::vector<NdArray>> got = Compute(ctx, outputs_of(partial));
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    for (size_t k = 0; k < got->size(); ++k) EXPECT_TRUE(test::ArraysIdentical((*got_whole)[k], (*got)[k])) << k;
    for (Index linear = 0; linear < grid.num_chunks(); ++linear) {
      const ChunkIndex chunk = grid.Unravel(linear);
      EXPECT_LE(partial->reads(chunk), 1) << test::ShapeString(chunk);
      EXPECT_EQ(partial->reads(chunk), whole->reads(chunk)) << test::ShapeString(chunk);
      EXPECT_LE(partial->bytes_read(chunk), whole->bytes_read(chunk)) << test::ShapeString(chunk);
    }
    EXPECT_EQ(partial->total_bytes_read(), info.read_bytes);
    EXPECT_EQ(partial->bad_calls(), 0);
    // Against the eager reference too, for the plain selections.
    for (size_t k = 0; k < selections.size(); ++k) {
      if (ops[k] != 0) continue;
      HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerIndex(data, selections[k]));
      EXPECT_TRUE(test::ArraysIdentical(want, (*got)[k])) << k;
    }
  });
}

// ---- the HDF5 source ----------------------------------------------------------------------------

/// A scratch folder removed at the end of the test.
class TempDir {
 public:
  TempDir() : path_(std::filesystem::temp_directory_path() / ("hc_partial_read_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// How WriteDataset stores "/data".
struct H5Layout {
  std::optional<Shape> chunks;  ///< nullopt: contiguous
  bool big_endian = false;
  bool deflate = false;
  bool shuffle = false;  ///< with deflate: shuffle first, as HyperSpy writes
  std::optional<double> fill;
  /// Boxes written (each a union of whole chunks); nullopt: everything. Others stay unallocated.
  std::optional<std::vector<Box>> written;
};

hid_t FileType(DType dtype, bool big_endian) {
  switch (dtype) {
    case DType::kFloat64: return big_endian ? H5T_IEEE_F64BE : H5T_IEEE_F64LE;
    case DType::kFloat32: return big_endian ? H5T_IEEE_F32BE : H5T_IEEE_F32LE;
    case DType::kInt16: return big_endian ? H5T_STD_I16BE : H5T_STD_I16LE;
    case DType::kUInt16: return big_endian ? H5T_STD_U16BE : H5T_STD_U16LE;
    default: return big_endian ? H5T_STD_I32BE : H5T_STD_I32LE;
  }
}

hid_t MemoryType(DType dtype) {
  switch (dtype) {
    case DType::kFloat64: return H5T_NATIVE_DOUBLE;
    case DType::kFloat32: return H5T_NATIVE_FLOAT;
    case DType::kInt16: return H5T_NATIVE_INT16;
    case DType::kUInt16: return H5T_NATIVE_UINT16;
    default: return H5T_NATIVE_INT32;
  }
}

/// Writes `data` as "/data" of a new HDF5 file with the C API (float64, float32, int16, uint16,
/// int32).
void WriteDataset(const std::string& path, const NdArray& data, const H5Layout& layout) {
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  std::vector<hsize_t> dims(data.shape().begin(), data.shape().end());
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  if (layout.chunks) {
    std::vector<hsize_t> cdims(layout.chunks->begin(), layout.chunks->end());
    H5Pset_chunk(dcpl, static_cast<int>(cdims.size()), cdims.data());
    if (layout.shuffle) H5Pset_shuffle(dcpl);
    if (layout.deflate) H5Pset_deflate(dcpl, 4);
  } else {
    H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_LATE);
  }
  if (layout.fill) H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &*layout.fill);
  const hid_t dset =
      H5Dcreate2(file, "data", FileType(data.dtype(), layout.big_endian), space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  ASSERT_GE(dset, 0);
  const std::vector<Box> boxes = layout.written.value_or(std::vector<Box>{Box::Full(data.shape())});
  for (const Box& box : boxes) {
    NdArray part = NdArray::Empty(data.dtype(), box.shape());
    test::CopyBoxForTest(data, box, part);
    std::vector<hsize_t> start(box.start.begin(), box.start.end()), count(box.rank());
    for (size_t d = 0; d < box.rank(); ++d) count[d] = static_cast<hsize_t>(box.extent(d));
    const hid_t fspace = H5Dget_space(dset);
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
    const hid_t mspace = H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr);
    EXPECT_GE(H5Dwrite(dset, MemoryType(data.dtype()), mspace, fspace, H5P_DEFAULT, part.raw()), 0);
    H5Sclose(mspace);
    H5Sclose(fspace);
  }
  H5Dclose(dset);
  H5Pclose(dcpl);
  H5Sclose(space);
  H5Fclose(file);
}

/// A random non-empty box of `shape` (sometimes the whole shape, sometimes one element).
Box RandomBox(Rng& rng, const Shape& shape) {
  Box box = Box::Full(shape);
  if (rng.Chance(0.1)) return box;
  const bool single = rng.Chance(0.15);
  for (size_t d = 0; d < shape.size(); ++d) {
    box.start[d] = rng.Int(0, shape[d] - 1);
    box.stop[d] = single ? box.start[d] + 1 : rng.Int(box.start[d] + 1, shape[d]);
  }
  return box;
}

/// ReadChunkBox of random boxes of every chunk of `source` against `want` (the array's values).
void ExpectBoxesRead(Rng& rng, const ChunkSource& source, const NdArray& want, int boxes_per_chunk) {
  const ChunkGrid& grid = source.chunks();
  for (Index linear = 0; linear < grid.num_chunks(); ++linear) {
    const ChunkIndex chunk = grid.Unravel(linear);
    const Box chunk_box = grid.ChunkBox(chunk);
    EXPECT_TRUE(source.CanReadPartial(chunk)) << test::ShapeString(chunk);
    for (int k = 0; k < boxes_per_chunk; ++k) {
      const Box in_chunk = RandomBox(rng, chunk_box.shape());
      Box absolute = in_chunk;
      for (size_t d = 0; d < absolute.rank(); ++d) {
        absolute.start[d] += chunk_box.start[d];
        absolute.stop[d] += chunk_box.start[d];
      }
      NdArray expected = NdArray::Empty(want.dtype(), in_chunk.shape());
      test::CopyBoxForTest(want, absolute, expected);
      NdArray got = NdArray::Empty(want.dtype(), in_chunk.shape());
      HC_ASSERT_OK(source.ReadChunkBox(chunk, in_chunk, got));
      EXPECT_TRUE(test::ArraysIdentical(expected, got))
          << "box " << in_chunk.ToString() << " of chunk " << test::ShapeString(chunk);
    }
  }
}

/// A ramp: element i holds i (exact in every dtype used here for the small shapes used).
NdArray Ramp(DType dtype, const Shape& shape) {
  NdArray a = NdArray::Empty(DType::kFloat64, shape);
  for (Index i = 0; i < a.size(); ++i) a.data<double>()[i] = static_cast<double>(i % 30000);
  return a.AsType(dtype);
}

TEST(Hdf5PartialRead, FileWrittenByWriteHspyUncompressed) {
  TempDir dir;
  const std::string path = dir.File("ramp.hspy");
  const Shape shape{10, 13, 21};
  const NdArray data = Ramp(DType::kFloat64, shape);
  SignalRecord signal;
  signal.data = Array::FromNdArray(data, Shape{4, 6, 10});
  for (Index extent : shape) {
    AxisRecord axis;
    axis.size = extent;
    signal.axes.push_back(axis);
  }
  signal.axes[0].navigate = signal.axes[1].navigate = true;
  HspyWriteOptions write;
  write.compression = HspyWriteOptions::Compression::kNone;
  write.shuffle = false;
  write.overwrite = true;
  HC_ASSERT_OK(WriteHspy(test::SharedContext(2), signal, path, write));
  HC_ASSERT_OK_AND_ASSIGN(const HspyFile file, ReadHspy(path));
  const Array x = file.experiments.at(0).data;
  ASSERT_EQ(x.shape(), shape);
  const std::vector<std::vector<IndexItem>> selections = {
      {Slice{1, 9, 1}, Slice{2, 11, 1}, Slice{3, 17, 1}},     // odd offsets across chunks
      {Index{3}, Index{5}},                                   // one spectrum
      {Slice{5, 7, 1}, Slice{7, 9, 1}},                       // a 2x2 ROI inside one chunk
      {Ellipsis{}, Slice{7, 8, 1}},                           // one channel everywhere
      {Slice{}, Index{11}, Slice{}},                          // a row of the middle chunk row
      {Slice{9, 10, 1}, Slice{12, 13, 1}, Slice{20, 21, 1}},  // the very last element
      {Slice{8, 0, -3}, Slice{1, 13, 4}, Slice{std::nullopt, std::nullopt, -1}},
  };
  for (const auto& sel : selections) {
    HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerIndex(data, sel));
    HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(test::SharedContext(1), {x[sel]}));
    EXPECT_GT(info.partial_chunk_reads, 0) << info.Summary();
    EXPECT_LT(info.read_bytes, info.source_bytes) << info.Summary();
    for (int threads : test::kThreadCounts) EXPECT_TRUE(test::ComputesTo(test::SharedContext(threads), x[sel], want));
  }
  // The source itself, box by box.
  HC_ASSERT_OK_AND_ASSIGN(auto h5, internal::H5File::Open(path));
  HC_ASSERT_OK_AND_ASSIGN(auto source, internal::OpenDatasetSource(h5, file.experiments.at(0).group + "/data"));
  Rng rng(test::SeedForCurrentTest());
  ExpectBoxesRead(rng, *source, data, 12);
}

TEST(Hdf5PartialRead, ChunkedContiguousAndBigEndian) {
  TempDir dir;
  Rng rng(test::SeedForCurrentTest());
  const Shape shape{7, 9, 11};
  for (DType dtype : {DType::kFloat64, DType::kInt16, DType::kUInt16, DType::kFloat32}) {
    const NdArray data = test::RandomArray(rng, dtype, shape, test::Values::kFull);
    for (bool big_endian : {false, true}) {
      for (bool contiguous : {false, true}) {
        SCOPED_TRACE(std::string(DTypeName(dtype)) + (big_endian ? " big-endian" : " little-endian") +
                     (contiguous ? " contiguous" : " chunked (3, 4, 5)"));
        const std::string path = dir.File("data.h5");
        H5Layout layout;
        if (!contiguous) layout.chunks = Shape{3, 4, 5};
        layout.big_endian = big_endian;
        WriteDataset(path, data, layout);
        HC_ASSERT_OK_AND_ASSIGN(auto h5, internal::H5File::Open(path));
        // Contiguous data cut into slabs of about 300 bytes: several rows per slab.
        HC_ASSERT_OK_AND_ASSIGN(auto source, internal::OpenDatasetSource(h5, "/data", 300));
        ExpectBoxesRead(rng, *source, data, 10);
        const Array x = Array::FromSource(source);
        const std::vector<IndexItem> roi{Slice{2, 5, 1}, Slice{3, 8, 1}, Slice{1, 10, 1}};
        HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerIndex(data, roi));
        HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(test::SharedContext(1), {x[roi]}));
        EXPECT_EQ(info.read_bytes, want.nbytes()) << info.Summary();
        EXPECT_TRUE(test::ComputesTo(test::SharedContext(2), x[roi], want));
      }
    }
  }
}

TEST(Hdf5PartialRead, UnallocatedChunksReadTheFillValue) {
  TempDir dir;
  const Shape shape{6, 8, 10};
  const NdArray data = Ramp(DType::kFloat64, shape);
  // Only the chunks of rows 0..2 are written; the rest keep the fill value 7.5.
  NdArray want = NdArray::Empty(DType::kFloat64, shape);
  for (Index i = 0; i < want.size(); ++i) want.data<double>()[i] = i < 3 * 8 * 10 ? data.data<double>()[i] : 7.5;
  for (bool big_endian : {false, true}) {
    SCOPED_TRACE(big_endian ? "big-endian" : "little-endian");
    const std::string path = dir.File("sparse.h5");
    H5Layout layout;
    layout.chunks = Shape{3, 4, 5};
    layout.big_endian = big_endian;
    layout.fill = 7.5;
    layout.written = std::vector<Box>{Box{{0, 0, 0}, {3, 8, 10}}};
    WriteDataset(path, data, layout);
    HC_ASSERT_OK_AND_ASSIGN(auto h5, internal::H5File::Open(path));
    HC_ASSERT_OK_AND_ASSIGN(auto source, internal::OpenDatasetSource(h5, "/data"));
    Rng rng(test::SeedForCurrentTest());
    ExpectBoxesRead(rng, *source, want, 8);
    const std::vector<IndexItem> roi{Slice{1, 5, 1}, Slice{3, 6, 1}, Slice{2, 9, 1}};
    HC_ASSERT_OK_AND_ASSIGN(const NdArray roi_want, test::EagerIndex(want, roi));
    EXPECT_TRUE(test::ComputesTo(test::SharedContext(2), Array::FromSource(source)[roi], roi_want));
  }
  // A contiguous dataset never written has no storage: the fill value everywhere.
  const std::string path = dir.File("empty.h5");
  H5Layout layout;
  layout.fill = 7.5;
  layout.written = std::vector<Box>{};
  WriteDataset(path, data, layout);
  HC_ASSERT_OK_AND_ASSIGN(auto h5, internal::H5File::Open(path));
  HC_ASSERT_OK_AND_ASSIGN(auto source, internal::OpenDatasetSource(h5, "/data", 256));
  NdArray fill = NdArray::Empty(DType::kFloat64, shape);
  for (Index i = 0; i < fill.size(); ++i) fill.data<double>()[i] = 7.5;
  Rng rng(test::SeedForCurrentTest());
  ExpectBoxesRead(rng, *source, fill, 4);
}

TEST(Hdf5PartialRead, CompressedChunksAreReadWhole) {
  TempDir dir;
  const Shape shape{6, 8, 10};
  const NdArray data = Ramp(DType::kInt32, shape);
  const std::string path = dir.File("deflate.h5");
  H5Layout layout;
  layout.chunks = Shape{3, 4, 5};
  layout.deflate = true;
  WriteDataset(path, data, layout);
  HC_ASSERT_OK_AND_ASSIGN(auto h5, internal::H5File::Open(path));
  HC_ASSERT_OK_AND_ASSIGN(auto source, internal::OpenDatasetSource(h5, "/data"));
  EXPECT_FALSE(source->CanReadPartial({0, 0, 0}));
  const std::vector<IndexItem> roi{Slice{1, 5, 1}, Slice{3, 6, 1}, Slice{2, 9, 1}};
  HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(test::SharedContext(1), {Array::FromSource(source)[roi]}));
  EXPECT_EQ(info.partial_chunk_reads, 0);
  EXPECT_EQ(info.read_bytes, info.source_bytes);
  HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerIndex(data, roi));
  EXPECT_TRUE(test::ComputesTo(test::SharedContext(2), Array::FromSource(source)[roi], want));
  // ReadChunkBox still works (the default: a whole read, then the box).
  NdArray got = NdArray::Empty(DType::kInt32, {2, 3, 4});
  HC_ASSERT_OK(source->ReadChunkBox({1, 1, 1}, Box{{0, 1, 1}, {2, 4, 5}}, got));
  NdArray expected = NdArray::Empty(DType::kInt32, {2, 3, 4});
  test::CopyBoxForTest(data, Box{{3, 5, 6}, {5, 8, 10}}, expected);
  EXPECT_TRUE(test::ArraysIdentical(expected, got));
}

// gzip + shuffle (HyperSpy's default): a chunk is staged once (inflated, still shuffled) and any
// box of it unshuffled from there; large chunks walked by one task are streamed that way, with the
// values of whole-chunk reads. Edge chunks (smaller than the storage chunk) are read whole.
TEST(Hdf5PartialRead, ShuffledDeflateChunksAreStagedAndStreamed) {
  TempDir dir;
  Rng rng(test::SeedForCurrentTest());
  for (const DType dtype : {DType::kFloat64, DType::kUInt16, DType::kInt32, DType::kFloat32}) {
    for (const bool big_endian : {false, true}) {
      SCOPED_TRACE(std::string(DTypeName(dtype)) + (big_endian ? " big-endian" : ""));
      const Shape shape{12, 10, 40};
      const NdArray data = test::RandomArray(rng, dtype, shape);
      const std::string path = dir.File("shuffled.h5");
      H5Layout layout;
      layout.chunks = Shape{4, 10, 16};  // edge chunks along the last axis: 40 = 16 + 16 + 8
      layout.deflate = true;
      layout.shuffle = true;
      layout.big_endian = big_endian;
      WriteDataset(path, data, layout);
      HC_ASSERT_OK_AND_ASSIGN(auto h5, internal::H5File::Open(path));
      HC_ASSERT_OK_AND_ASSIGN(auto source, internal::OpenDatasetSource(h5, "/data"));
      const ChunkGrid& grid = source->chunks();
      EXPECT_FALSE(source->CanReadPartial({0, 0, 0}));
      EXPECT_TRUE(source->CanReadStaged({0, 0, 0}));
      EXPECT_FALSE(source->CanReadStaged({0, 0, 2})) << "an edge chunk";
      // Random boxes of every full chunk from its staged bytes.
      for (Index linear = 0; linear < grid.num_chunks(); ++linear) {
        const ChunkIndex chunk = grid.Unravel(linear);
        if (!source->CanReadStaged(chunk)) continue;
        std::vector<std::byte> staged(static_cast<size_t>(source->StagedBytes(chunk)));
        HC_ASSERT_OK(source->ReadStaged(chunk, staged));
        const Box chunk_box = grid.ChunkBox(chunk);
        for (int k = 0; k < 6; ++k) {
          const Box in_chunk = RandomBox(rng, chunk_box.shape());
          Box absolute = in_chunk;
          for (size_t d = 0; d < absolute.rank(); ++d) {
            absolute.start[d] += chunk_box.start[d];
            absolute.stop[d] += chunk_box.start[d];
          }
          NdArray expected = NdArray::Empty(dtype, in_chunk.shape());
          test::CopyBoxForTest(data, absolute, expected);
          NdArray got = NdArray::Empty(dtype, in_chunk.shape());
          HC_ASSERT_OK(source->ReadFromStaged(chunk, staged, in_chunk, got));
          ASSERT_TRUE(test::ArraysIdentical(expected, got)) << "box " << in_chunk.ToString();
        }
      }
      // Through the engine: tiny tiles stream the full chunks; default tiles read them whole.
      const Array x = Array::FromSource(source);
      const std::vector<Array> outputs{x.Sum({2}), x.Sum({0, 1}), x.Max({2})};
      ContextOptions tiny = test::TestContextOptions(2);
      tiny.tile_bytes = 64;
      Context streamed(tiny);
      HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(streamed, outputs));
      EXPECT_EQ(info.streamed_chunk_reads, 6) << info.Summary();  // 3 x 1 x 2 full chunks
      HC_ASSERT_OK_AND_ASSIGN(const std::vector<NdArray> got, Compute(streamed, outputs));
      EXPECT_EQ(test::HeldBeyondChunkCache(streamed), 0);
      Context plain(test::TestContextOptions(2));
      HC_ASSERT_OK_AND_ASSIGN(const std::vector<NdArray> want, Compute(plain, outputs));
      for (size_t k = 0; k < want.size(); ++k) {
        EXPECT_TRUE(test::ArraysMatch(
            want[k], got[k], test::ReductionTolerance(ReduceOp::kSum, want[k].dtype(), 480, test::MaxAbs(data))))
            << "output " << k;
      }
      // Two narrow channel windows (two line maps) stream from the staged bytes too.
      const std::vector<Array> windows{x[{Ellipsis{}, Slice{1, 4, 1}}].Sum({2}),
                                       x[{Ellipsis{}, Slice{9, 12, 1}}].Sum({2})};
      HC_ASSERT_OK_AND_ASSIGN(const PlanInfo windows_info, Explain(streamed, windows));
      EXPECT_EQ(windows_info.streamed_chunk_reads, 3) << windows_info.Summary();  // the first chunk column
      HC_ASSERT_OK_AND_ASSIGN(const std::vector<NdArray> got_windows, Compute(streamed, windows));
      HC_ASSERT_OK_AND_ASSIGN(const std::vector<NdArray> want_windows, Compute(plain, windows));
      for (size_t k = 0; k < want_windows.size(); ++k) {
        EXPECT_TRUE(
            test::ArraysMatch(want_windows[k], got_windows[k],
                              test::ReductionTolerance(ReduceOp::kSum, want_windows[k].dtype(), 3, test::MaxAbs(data))))
            << "window " << k;
      }
    }
  }
}

}  // namespace
}  // namespace hyperchunk
