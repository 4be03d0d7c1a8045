// Planning and computing: many outputs in one pass (each source chunk read once), the dask
// tutorial example and its graph, Explain, errors as values, ComputeChunks streaming, and random
// pipelines of operations against the eager reference.
#include "hyperchunk/exec/compute.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "hyperchunk/array/array.h"
#include "testing/compare.h"
#include "testing/eager.h"
#include "testing/lazy.h"
#include "testing/random.h"
#include "testing/sources.h"

namespace hyperchunk {
namespace {

using test::CountingSource;
using test::ForEachRandomCase;
using test::Rng;
using test::Values;

// ---- a small DOT reader: node ids, labels and edges (enough to check the graph's structure) ----

struct DotGraph {
  std::map<std::string, std::string> labels;  // node id -> label
  std::set<std::pair<std::string, std::string>> edges;
  std::set<std::string> nodes;

  std::set<std::string> Roots() const {
    std::set<std::string> roots = nodes;
    for (const auto& [from, to] : edges) roots.erase(to);
    return roots;
  }
  std::set<std::string> Sinks() const {
    std::set<std::string> sinks = nodes;
    for (const auto& [from, to] : edges) sinks.erase(from);
    return sinks;
  }
  /// Nodes reachable from `start` (itself included).
  std::set<std::string> Reachable(const std::string& start) const {
    std::set<std::string> seen{start};
    std::vector<std::string> stack{start};
    while (!stack.empty()) {
      const std::string node = stack.back();
      stack.pop_back();
      for (const auto& [from, to] : edges) {
        if (from == node && seen.insert(to).second) stack.push_back(to);
      }
    }
    return seen;
  }
};

std::string Trim(std::string text) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
  text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
  while (!text.empty() && (text.back() == ';' || text.back() == ',')) text.pop_back();
  return text;
}

std::string Unquote(std::string id) {
  id = Trim(std::move(id));
  if (id.size() >= 2 && id.front() == '"' && id.back() == '"') return id.substr(1, id.size() - 2);
  return id;
}

/// The text before a top-level attribute list "[...]" (outside quotes), and the list itself.
std::pair<std::string, std::string> SplitAttributes(const std::string& line) {
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
    } else if (line[i] == '"') {
      quoted = !quoted;
    } else if (line[i] == '[' && !quoted) {
      const size_t close = line.rfind(']');
      return {line.substr(0, i), line.substr(i + 1, close == std::string::npos ? std::string::npos : close - i - 1)};
    }
  }
  return {line, ""};
}

DotGraph ParseDot(const std::string& dot) {
  DotGraph graph;
  const std::regex label_re(R"re(label\s*=\s*("(?:[^"\\]|\\.)*"|<[^>]*>|[^,\]\s]+))re");
  std::istringstream lines(dot);
  std::string line;
  while (std::getline(lines, line)) {
    const auto [head, attrs] = SplitAttributes(line);
    if (head.find("->") != std::string::npos) {
      std::vector<std::string> ids;
      size_t from = 0;
      while (true) {
        const size_t arrow = head.find("->", from);
        ids.push_back(Unquote(head.substr(from, arrow == std::string::npos ? std::string::npos : arrow - from)));
        if (arrow == std::string::npos) break;
        from = arrow + 2;
      }
      for (size_t k = 0; k + 1 < ids.size(); ++k) {
        graph.edges.insert({ids[k], ids[k + 1]});
        graph.nodes.insert(ids[k]);
        graph.nodes.insert(ids[k + 1]);
      }
      continue;
    }
    if (attrs.empty()) continue;
    const std::string node = Unquote(head);
    if (node.empty() || node == "node" || node == "edge" || node == "graph" || node.find(' ') != std::string::npos)
      continue;
    graph.nodes.insert(node);
    std::smatch match;
    if (std::regex_search(attrs, match, label_re)) graph.labels[node] = Unquote(match[1]);
  }
  return graph;
}

// ---- the dask tutorial ------------------------------------------------------------------------

TEST(Compute, DaskTutorialOnesSum) {
  const Array x = Array::Ones(DType::kFloat64, {15, 15}, {5, 5});
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x.chunks().num_chunks(), 9);
  EXPECT_EQ(x.graph_task_count(), 10) << "a source of n chunks counts n + 1";
  const Array total = x.Sum();
  ASSERT_TRUE(total.ok()) << total.status().ToString();
  EXPECT_GT(total.graph_task_count(), x.graph_task_count());
  EXPECT_EQ(total.shape(), Shape{});
  EXPECT_EQ(total.dtype(), DType::kFloat64);
  for (int threads : test::kThreadCounts) {
    HC_ASSERT_OK_AND_ASSIGN(const NdArray result, Compute(test::SharedContext(threads), total));
    ASSERT_EQ(result.size(), 1);
    EXPECT_EQ(result.data<double>()[0], 225.0) << threads << " threads";
  }
}

TEST(Compute, DaskTutorialGraphShowsNineChunksFeedingTheSum) {
  const Array total = Array::Ones(DType::kFloat64, {15, 15}, {5, 5}).Sum();
  HC_ASSERT_OK_AND_ASSIGN(const std::string dot, GraphDot(test::SharedContext(2), {total}));
  SCOPED_TRACE("DOT:\n" + dot);
  EXPECT_NE(dot.find("digraph"), std::string::npos);
  const DotGraph graph = ParseDot(dot);
  ASSERT_FALSE(graph.edges.empty()) << "no edges found";
  // The nine chunk tasks are the graph's roots; each reaches the one output through a node that
  // names the sum.
  const std::set<std::string> roots = graph.Roots();
  EXPECT_EQ(roots.size(), 9u) << "one root per chunk of ones";
  const std::set<std::string> sinks = graph.Sinks();
  ASSERT_EQ(sinks.size(), 1u) << "one output";
  std::string sum_node;
  for (const auto& [node, label] : graph.labels) {
    if (label.find("sum") != std::string::npos && roots.count(node) == 0) sum_node = node;
  }
  ASSERT_FALSE(sum_node.empty()) << "no node labelled with the sum";
  for (const std::string& root : roots) {
    const std::set<std::string> reach = graph.Reachable(root);
    EXPECT_TRUE(reach.count(*sinks.begin())) << root << " does not reach the output";
  }
  EXPECT_EQ(graph.Reachable(sum_node).count(*sinks.begin()), 1u);
}

TEST(Compute, ExplainReadsNothingAndDescribesThePlan) {
  Rng rng(test::SeedForCurrentTest());
  const NdArray data = test::RandomArray(rng, DType::kFloat64, {6, 5, 4});
  const ChunkGrid grid = test::MakeGrid({{1, 2, 3}, {5}, {2, 2}});
  auto source = std::make_shared<CountingSource>(data, grid, "counted");
  const Array x = Array::FromSource(source);
  const std::vector<Array> outputs = {x.Sum({2}), x.Sum({0, 1}), x.Max(), x * 2};
  HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(test::SharedContext(2), outputs));
  EXPECT_EQ(source->total_reads(), 0) << "Explain must not read";
  EXPECT_EQ(info.stages, 1);
  EXPECT_EQ(info.source_chunks, grid.num_chunks());
  EXPECT_EQ(info.source_bytes, data.nbytes());
  Index output_bytes = 0;
  for (const Array& out : outputs) output_bytes += out.nbytes();
  // The results, plus (this engine's choice) the reductions' accumulator state held with them.
  EXPECT_GE(info.output_bytes, output_bytes);
  EXPECT_LE(info.output_bytes, 3 * output_bytes);
  EXPECT_GE(info.tasks, grid.num_chunks());
  EXPECT_GT(info.max_task_bytes, 0);
  EXPECT_GE(info.required_bytes, info.output_bytes);
  EXPECT_FALSE(info.Summary().empty());
  // A budget of exactly what Explain said the plan needs suffices.
  ContextOptions options = test::TestContextOptions(2);
  options.memory_limit = info.required_bytes;
  Context fits(options);
  Result<std::vector<NdArray>> got = Compute(fits, outputs);
  EXPECT_TRUE(got.ok()) << "memory_limit = required_bytes = " << info.required_bytes << ": " << got.status().ToString();
  EXPECT_LE(fits.memory_stats().peak_bytes, fits.memory_limit());
}

TEST(Compute, TwoStagePlans) {
  Rng rng(test::SeedForCurrentTest());
  const NdArray data = test::RandomArray(rng, DType::kFloat64, {5, 6});
  const Array x = Array::FromNdArray(data, Shape{2, 4});
  const Array centered = x - x.Mean();
  HC_ASSERT_OK_AND_ASSIGN(const PlanInfo info, Explain(test::SharedContext(2), {centered}));
  EXPECT_EQ(info.stages, 2) << "a reduction feeding more work adds a stage";
  HC_ASSERT_OK_AND_ASSIGN(const NdArray mean, test::EagerReduce(ReduceOp::kMean, data));
  HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerBinary(BinaryOp::kSubtract, data, mean));
  for (int threads : test::kThreadCounts) {
    EXPECT_TRUE(test::ComputesTo(test::SharedContext(threads), centered, want, {1e-12, 1e-12}));
  }
  // Normalising each row by its own maximum.
  const Array normalised = x / x.Max({1}, true);
  HC_ASSERT_OK_AND_ASSIGN(const NdArray row_max, test::EagerReduce(ReduceOp::kMax, data, std::vector<int>{1}, true));
  HC_ASSERT_OK_AND_ASSIGN(const NdArray want2, test::EagerBinary(BinaryOp::kDivide, data, row_max));
  EXPECT_TRUE(test::ComputesTo(test::SharedContext(4), normalised, want2, {1e-12, 1e-12}));
}

// ---- one pass over the sources ----------------------------------------------------------------

/// Computes `outputs` and checks each against `want` and that every chunk of `source` was read
/// exactly `expected_reads(chunk)` times: whole (all its bytes), or, when the source reads parts
/// of chunks, at most all its bytes.
void ExpectSinglePass(Context& ctx, CountingSource& source, const std::vector<Array>& outputs,
                      const std::vector<NdArray>& want, const std::function<int64_t(const ChunkIndex&)>& expected_reads,
                      const std::vector<test::Tolerance>& tols) {
  source.ResetCounts();
  Result<std::vector<NdArray>> got = Compute(ctx, outputs);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), outputs.size());
  for (size_t k = 0; k < outputs.size(); ++k) {
    EXPECT_TRUE(test::ArraysMatch(want[k], (*got)[k], tols[k]))
        << "output " << k << " at " << ctx.threads() << " threads";
  }
  EXPECT_EQ(source.bad_calls(), 0) << "ReadChunk called with a badly shaped `out` or chunk index";
  const ChunkGrid& grid = source.chunks();
  for (Index linear = 0; linear < grid.num_chunks(); ++linear) {
    const ChunkIndex chunk = grid.Unravel(linear);
    EXPECT_EQ(source.reads(chunk), expected_reads(chunk))
        << "chunk " << test::ShapeString(chunk) << " at " << ctx.threads() << " threads";
    const Index chunk_bytes = grid.ChunkBox(chunk).num_elements() * ItemSize(source.dtype());
    if (source.CanReadPartial(chunk)) {
      EXPECT_LE(source.bytes_read(chunk), expected_reads(chunk) * chunk_bytes) << test::ShapeString(chunk);
    } else {
      EXPECT_EQ(source.bytes_read(chunk), expected_reads(chunk) * chunk_bytes) << test::ShapeString(chunk);
    }
  }
}

TEST(Compute, ManyOutputsReadEachChunkOnce) {
  Rng rng(test::SeedForCurrentTest());
  const NdArray data = test::RandomArray(rng, DType::kFloat64, {6, 5, 4});
  const ChunkGrid grid = test::MakeGrid({{1, 2, 3}, {2, 1, 2}, {3, 1}});
  auto source = std::make_shared<CountingSource>(data, grid, "counted");
  const Array x = Array::FromSource(source);
  const std::vector<Array> outputs = {x.Sum({2}), x.Sum({0, 1}), x.Max(), x * 2};
  const std::vector<NdArray> want = {*test::EagerReduce(ReduceOp::kSum, data, std::vector<int>{2}),
                                     *test::EagerReduce(ReduceOp::kSum, data, std::vector<int>{0, 1}),
                                     *test::EagerReduce(ReduceOp::kMax, data),
                                     *test::EagerBinary(BinaryOp::kMultiply, data, Scalar::Int(2))};
  const std::vector<test::Tolerance> tols(4, test::Tolerance{1e-12, 1e-12 * 10 * 30});
  for (int threads : test::kThreadCounts) {
    ExpectSinglePass(
        test::SharedContext(threads), *source, outputs, want, [](const ChunkIndex&) { return 1; }, tols);
  }
}

TEST(Compute, RandomOutputSetsReadEachChunkOnce) {
  ForEachRandomCase(60, [](Rng& rng) {
    const DType dtype = rng.Pick(std::vector<DType>{DType::kFloat64, DType::kInt32, DType::kUInt16, DType::kFloat32});
    const Shape shape = test::RandomShape(rng, 1, 3, 6, 0.0);
    const NdArray data = test::RandomArray(rng, dtype, shape);
    const ChunkGrid grid = test::RandomChunks(rng, shape);
    const bool partial = rng.Chance(0.5);
    SCOPED_TRACE(test::Describe(data) + " chunks " + test::ChunksString(grid) + (partial ? ", partial reads" : ""));
    auto source = std::make_shared<CountingSource>(data, grid, "counted");
    source->set_partial_reads(partial);
    const Array x = Array::FromSource(source);
    std::vector<Array> outputs;
    std::vector<NdArray> want;
    std::vector<test::Tolerance> tols;
    const int count = static_cast<int>(rng.Int(1, 5));
    for (int k = 0; k < count; ++k) {
      const int axis = static_cast<int>(rng.Int(0, shape.size() - 1));
      switch (rng.Int(0, 6)) {
        case 0:
          outputs.push_back(x.Sum({axis}));
          want.push_back(*test::EagerReduce(ReduceOp::kSum, data, std::vector<int>{axis}));
          break;
        case 1:
          outputs.push_back(x.Max());
          want.push_back(*test::EagerReduce(ReduceOp::kMax, data));
          break;
        case 2:
          outputs.push_back(x.Mean({axis}, true));
          want.push_back(*test::EagerReduce(ReduceOp::kMean, data, std::vector<int>{axis}, true));
          break;
        case 3:
          outputs.push_back(x * 3);
          want.push_back(*test::EagerBinary(BinaryOp::kMultiply, data, Scalar::Int(3)));
          break;
        case 4:
          outputs.push_back(x.Transpose());
          want.push_back(*test::EagerTranspose(data, {}));
          break;
        case 5:
          outputs.push_back((x + 1).ArgMax(axis));
          want.push_back(*test::EagerArgReduce(ReduceOp::kArgMax, data, axis));
          break;
        default:
          outputs.push_back(x.AsType(DType::kFloat32).Sum());
          want.push_back(*test::EagerReduce(ReduceOp::kSum, test::EagerAsType(data, DType::kFloat32)));
          break;
      }
      tols.push_back(test::ReductionTolerance(ReduceOp::kSum, want.back().dtype(), data.size(), test::MaxAbs(data)));
    }
    ExpectSinglePass(
        test::RandomContext(rng), *source, outputs, want, [](const ChunkIndex&) { return 1; }, tols);
  });
}

TEST(Compute, SameOutputTwiceAndSlicesReadOnlyWhatTheyNeed) {
  Rng rng(test::SeedForCurrentTest());
  const NdArray data = test::RandomArray(rng, DType::kInt64, {8, 6});
  const ChunkGrid grid = ChunkGrid::Regular({8, 6}, {2, 3});
  auto source = std::make_shared<CountingSource>(data, grid, "counted");
  const Array x = Array::FromSource(source);
  const Array s = x.Sum({0});
  const NdArray sum = *test::EagerReduce(ReduceOp::kSum, data, std::vector<int>{0});
  ExpectSinglePass(test::SharedContext(2), *source, {s, s}, {sum, sum}, [](const ChunkIndex&) { return 1; },
                   {test::Tolerance{}, test::Tolerance{}});
  // Rows 2..3 live in chunk row 1 only; other chunks must not be read.
  const std::vector<IndexItem> rows{Slice{2, 4, 1}};
  const NdArray sliced = *test::EagerIndex(data, rows);
  ExpectSinglePass(
      test::SharedContext(4), *source, {x[rows], x[rows].Sum()}, {sliced, *test::EagerReduce(ReduceOp::kSum, sliced)},
      [](const ChunkIndex& chunk) { return chunk[0] == 1 ? 1 : 0; }, {test::Tolerance{}, test::Tolerance{}});
}

TEST(Compute, ChunksSharedByDifferentViewsAreReadOnce) {
  // The same source chunk feeds several output chunks (slices of itself, its transpose): with a
  // roomy budget it is still read once.
  Rng rng(test::SeedForCurrentTest());
  const NdArray data = test::RandomArray(rng, DType::kInt32, {8, 8});
  const ChunkGrid grid = test::MakeGrid({{2, 2, 1, 3}, {3, 1, 4}});
  auto source = std::make_shared<CountingSource>(data, grid, "counted");
  const Array x = Array::FromSource(source);
  const std::vector<IndexItem> top{Slice{0, 4, 1}};
  const std::vector<IndexItem> bottom{Slice{4, 8, 1}};
  const std::vector<IndexItem> reversed{Slice{std::nullopt, std::nullopt, -1}};
  const NdArray halves =
      *test::EagerBinary(BinaryOp::kAdd, *test::EagerIndex(data, top), *test::EagerIndex(data, bottom));
  const NdArray symmetric = *test::EagerBinary(BinaryOp::kAdd, data, *test::EagerTranspose(data, {}));
  const NdArray flipped = *test::EagerBinary(BinaryOp::kSubtract, data, *test::EagerIndex(data, reversed));
  for (int threads : test::kThreadCounts) {
    ExpectSinglePass(test::SharedContext(threads), *source, {x[top] + x[bottom], x + x.Transpose(), x - x[reversed]},
                     {halves, symmetric, flipped}, [](const ChunkIndex&) { return 1; },
                     {test::Tolerance{}, test::Tolerance{}, test::Tolerance{}});
  }
}

// ---- errors as values -----------------------------------------------------------------------------

TEST(Compute, ErrorArraysAreReturnedByCompute) {
  const Array good = Array::Ones(DType::kFloat64, {4, 4}, {2, 2});
  const Array bad = good + Array::Ones(DType::kFloat64, {3}, {3});
  ASSERT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  Context& ctx = test::SharedContext(2);
  HC_EXPECT_CODE(Compute(ctx, bad).status(), StatusCode::kInvalidArgument);
  HC_EXPECT_CODE(Compute(ctx, std::vector<Array>{good.Sum(), bad.Sum()}).status(), StatusCode::kInvalidArgument);
  HC_EXPECT_CODE(Explain(ctx, {bad}).status(), StatusCode::kInvalidArgument);
  HC_EXPECT_CODE(GraphDot(ctx, {good, bad}).status(), StatusCode::kInvalidArgument);
  HC_EXPECT_CODE(ComputeChunks(ctx, bad, [](const ChunkIndex&, const Box&, const NdArray&) { return Status::Ok(); }),
                 StatusCode::kInvalidArgument);
  EXPECT_FALSE(Compute(ctx, Array()).ok()) << "a default Array";
  // The message says what was wrong.
  EXPECT_NE(bad.status().message().find("(3,)"), std::string::npos) << bad.status().ToString();
}

// ---- streaming ----------------------------------------------------------------------------------

TEST(Compute, ComputeChunksHandsEveryChunkOnce) {
  ForEachRandomCase(40, [](Rng& rng) {
    const DType dtype = test::RandomDType(rng);
    const NdArray data = test::RandomArray(rng, dtype, test::RandomShape(rng, 0, 3, 6, 0.0), Values::kFull);
    std::string chunks;
    const Array x = test::LazyWithRandomChunks(rng, data, &chunks);
    Array y;
    NdArray want;
    switch (rng.Int(0, 2)) {
      case 0:
        y = x.AsType(DType::kFloat64) * 2;
        want = *test::EagerBinary(BinaryOp::kMultiply, test::EagerAsType(data, DType::kFloat64), Scalar::Int(2));
        break;
      case 1:
        y = x.Transpose();
        want = *test::EagerTranspose(data, {});
        break;
      default:  // a reduction over the leading axis: each output chunk is handed over once complete
        if (data.rank() == 0) return;
        y = x.Max({0}, true);
        want = *test::EagerReduce(ReduceOp::kMax, data, std::vector<int>{0}, true);
        break;
    }
    SCOPED_TRACE(test::Describe(data) + " chunks " + chunks);
    std::mutex mutex;
    std::map<ChunkIndex, int> seen;
    NdArray assembled = NdArray::Zeros(want.dtype(), want.shape());
    bool boxes_ok = true;
    const Status status =
        ComputeChunks(test::RandomContext(rng), y, [&](const ChunkIndex& chunk, const Box& box, const NdArray& values) {
          std::lock_guard<std::mutex> lock(mutex);
          ++seen[chunk];
          if (box != y.chunks().ChunkBox(chunk) || values.shape() != box.shape() || values.dtype() != y.dtype()) {
            boxes_ok = false;
          } else {
            test::PasteBoxForTest(values, box, assembled);
          }
          return Status::Ok();
        });
    HC_ASSERT_OK(status);
    EXPECT_TRUE(boxes_ok) << "a chunk's box or values do not match the array's chunks";
    EXPECT_EQ(static_cast<Index>(seen.size()), y.chunks().num_chunks());
    for (const auto& [chunk, n] : seen) EXPECT_EQ(n, 1) << test::ShapeString(chunk);
    EXPECT_TRUE(test::ArraysMatch(want, assembled));
  });
}

TEST(Compute, ComputeChunksReturnsTheSinksError) {
  const Array x = Array::Ones(DType::kFloat32, {10, 10}, {2, 2});
  for (int threads : test::kThreadCounts) {
    std::atomic<int> calls{0};
    const Status status =
        ComputeChunks(test::SharedContext(threads), x, [&](const ChunkIndex& chunk, const Box&, const NdArray&) {
          calls.fetch_add(1);
          if (chunk == ChunkIndex{2, 3}) return IoError("disk full");
          return Status::Ok();
        });
    EXPECT_EQ(status.code(), StatusCode::kIoError) << status.ToString();
    EXPECT_NE(status.message().find("disk full"), std::string::npos) << status.ToString();
  }
}

// ---- random pipelines ---------------------------------------------------------------------------

/// A lazy array and its eager twin, transformed step by step.
struct Pair {
  Array lazy;
  NdArray eager;
  std::string history;
  Index reduced = 1;  // elements folded into one output element so far (for the tolerance)
};

/// One random step; returns false when the step does not apply (then nothing changes).
bool RandomStep(Rng& rng, Pair& p) {
  const size_t rank = p.eager.rank();
  switch (rng.Int(0, 9)) {
    case 0: {  // scalar arithmetic
      const int64_t k = rng.Int(1, 3);
      p.lazy = p.lazy * k + 1;
      p.eager = *test::EagerBinary(BinaryOp::kAdd, *test::EagerBinary(BinaryOp::kMultiply, p.eager, Scalar::Int(k)),
                                   Scalar::Int(1));
      p.history += " *" + std::to_string(k) + "+1";
      return true;
    }
    case 1: {  // x * x
      if (p.eager.dtype() == DType::kBool) return false;
      p.lazy = p.lazy * p.lazy;
      p.eager = *test::EagerBinary(BinaryOp::kMultiply, p.eager, p.eager);
      p.history += " squared";
      return true;
    }
    case 2: {  // slice
      if (rank == 0) return false;
      std::vector<IndexItem> items;
      for (Index extent : p.eager.shape()) {
        const Index start = rng.Int(0, std::max<Index>(extent - 1, 0));
        const Index stop = rng.Int(start + 1, std::max(extent, start + 1));
        if (rng.Chance(0.2)) {
          items.emplace_back(
              Slice{stop - 1, start - 1 < 0 ? std::optional<Index>() : std::optional<Index>(start - 1), -1});
        } else {
          items.emplace_back(Slice{start, stop, rng.Chance(0.7) ? 1 : 2});
        }
      }
      p.lazy = p.lazy[items];
      p.eager = *test::EagerIndex(p.eager, items);
      p.history += " sliced";
      return true;
    }
    case 3: {  // transpose
      p.lazy = p.lazy.Transpose();
      p.eager = *test::EagerTranspose(p.eager, {});
      p.history += " .T";
      return true;
    }
    case 4: {  // reduce one axis
      if (rank == 0) return false;
      const int axis = static_cast<int>(rng.Int(0, rank - 1));
      const ReduceOp op = rng.Pick(std::vector<ReduceOp>{ReduceOp::kSum, ReduceOp::kMax, ReduceOp::kMean});
      if (op == ReduceOp::kMax && p.eager.shape()[static_cast<size_t>(axis)] == 0) return false;
      const bool keepdims = rng.Chance(0.3);
      p.reduced *= std::max<Index>(p.eager.shape()[static_cast<size_t>(axis)], 1);
      p.lazy = p.lazy.Reduce(op, std::vector<int>{axis}, keepdims);
      p.eager = *test::EagerReduce(op, p.eager, std::vector<int>{axis}, keepdims);
      p.history += " " + std::string(ReduceOpName(op)) + "(" + std::to_string(axis) + ")";
      return true;
    }
    case 5: {  // rechunk
      const ChunkGrid grid = test::RandomChunks(rng, p.eager.shape());
      p.lazy = p.lazy.Rechunk(grid);
      p.history += " rechunk" + test::ChunksString(grid);
      return true;
    }
    case 6: {  // expand dims
      if (rank >= 4) return false;
      const int axis = static_cast<int>(rng.Int(0, rank));
      p.lazy = p.lazy.ExpandDims(axis);
      p.eager = *test::EagerExpandDims(p.eager, axis);
      p.history += " expand_dims(" + std::to_string(axis) + ")";
      return true;
    }
    case 7: {  // astype float64
      p.lazy = p.lazy.AsType(DType::kFloat64);
      p.eager = test::EagerAsType(p.eager, DType::kFloat64);
      p.history += " astype(float64)";
      return true;
    }
    case 8: {  // unary
      const UnaryOp op = p.eager.dtype() == DType::kBool
                             ? UnaryOp::kLogicalNot
                             : rng.Pick(std::vector<UnaryOp>{UnaryOp::kAbs, UnaryOp::kNegative, UnaryOp::kSquare});
      p.lazy = p.lazy.Map(op);
      p.eager = *test::EagerUnary(op, p.eager);
      p.history += " " + std::string(UnaryOpName(op));
      return true;
    }
    default: {  // coarsen by a factor that divides
      if (rank == 0) return false;
      std::vector<Index> factors;
      for (Index extent : p.eager.shape()) factors.push_back(extent % 2 == 0 && extent > 0 ? 2 : 1);
      p.lazy = p.lazy.Coarsen(ReduceOp::kSum, factors);
      p.eager = *test::EagerCoarsen(ReduceOp::kSum, p.eager, factors, false);
      for (Index f : factors) p.reduced *= f;
      p.history += " coarsen" + test::ShapeString(factors);
      return true;
    }
  }
}

TEST(Compute, RandomPipelines) {
  ForEachRandomCase(150, [](Rng& rng) {
    const DType dtype =
        rng.Pick(std::vector<DType>{DType::kFloat64, DType::kFloat32, DType::kInt32, DType::kInt64, DType::kUInt8});
    const NdArray data = test::RandomArray(rng, dtype, test::RandomShape(rng, 1, 3, 6, 0.02));
    std::string chunks;
    Pair p{test::LazyWithRandomChunks(rng, data, &chunks), data, test::Describe(data) + " chunks " + chunks, 1};
    const int steps = static_cast<int>(rng.Int(2, 5));
    for (int step = 0; step < steps;) {
      if (RandomStep(rng, p)) ++step;
    }
    SCOPED_TRACE("pipeline: " + p.history);
    const double scale = std::max(test::MaxAbs(p.eager), 1.0);
    const double base = test::BaseTolerance(p.eager.dtype());
    EXPECT_TRUE(test::ComputesTo(test::RandomContext(rng), p.lazy, p.eager,
                                 {base * 10, base * scale * static_cast<double>(p.reduced)}));
  });
}

}  // namespace
}  // namespace hyperchunk
