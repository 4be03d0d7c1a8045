// Shapes, boxes and chunk grids (dask's chunks tuples).
#include "hyperchunk/core/chunk_grid.h"

#include <numeric>

#include <gtest/gtest.h>

#include "hyperchunk/core/shape.h"
#include "testing/compare.h"
#include "testing/random.h"

namespace hyperchunk {
namespace {

using test::ForEachRandomCase;
using test::Rng;

TEST(Shape, CountsStridesAndText) {
  EXPECT_EQ(NumElements({}), 1);
  EXPECT_EQ(NumElements({3, 4, 5}), 60);
  EXPECT_EQ(NumElements({3, 0, 5}), 0);
  EXPECT_EQ(ContiguousStrides({3, 4, 5}), (std::vector<Index>{20, 5, 1}));
  EXPECT_EQ(ContiguousStrides({7}), (std::vector<Index>{1}));
  EXPECT_TRUE(ContiguousStrides({}).empty());
  EXPECT_EQ(ShapeToString({15, 15}), "(15, 15)");
  EXPECT_EQ(ShapeToString({5}), "(5,)");
  EXPECT_EQ(ShapeToString({}), "()");
}

TEST(Box, Basics) {
  const Box full = Box::Full({4, 6});
  EXPECT_EQ(full.start, (std::vector<Index>{0, 0}));
  EXPECT_EQ(full.stop, (std::vector<Index>{4, 6}));
  EXPECT_EQ(full.rank(), 2u);
  EXPECT_EQ(full.shape(), (Shape{4, 6}));
  EXPECT_EQ(full.num_elements(), 24);
  EXPECT_FALSE(full.empty());
  const Box b{{0, 10}, {5, 15}};
  EXPECT_EQ(b.ToString(), "[0:5, 10:15]");
  EXPECT_EQ(b.extent(1), 5);
  EXPECT_TRUE((Box{{2}, {2}}).empty());
  EXPECT_EQ((Box{{2}, {2}}).num_elements(), 0);
  const Box scalar = Box::Full({});
  EXPECT_EQ(scalar.num_elements(), 1);
  EXPECT_FALSE(scalar.empty());
}

TEST(Box, IntersectRelativeContains) {
  const Box a{{0, 0}, {5, 5}};
  const Box b{{3, 2}, {8, 4}};
  EXPECT_EQ(Intersect(a, b), (Box{{3, 2}, {5, 4}}));
  EXPECT_TRUE(Intersect(a, Box{{6, 0}, {8, 5}}).empty());
  EXPECT_EQ(Relative(Box{{3, 2}, {5, 4}}, b), (Box{{0, 0}, {2, 2}}));
  EXPECT_TRUE(Contains(a, Box{{1, 1}, {5, 5}}));
  EXPECT_FALSE(Contains(a, b));
  EXPECT_TRUE(Contains(a, a));
}

TEST(ChunkGrid, RegularTutorialGrid) {
  const ChunkGrid grid = ChunkGrid::Regular({15, 15}, {5, 5});
  EXPECT_EQ(grid.rank(), 2u);
  EXPECT_EQ(grid.shape(), (Shape{15, 15}));
  EXPECT_EQ(grid.grid_shape(), (Shape{3, 3}));
  EXPECT_EQ(grid.num_chunks(), 9);
  EXPECT_EQ(grid.max_chunk_shape(), (Shape{5, 5}));
  EXPECT_EQ(grid.max_chunk_elements(), 25);
  EXPECT_TRUE(grid.is_regular());
  EXPECT_EQ(grid.ToString(), "((5, 5, 5), (5, 5, 5))");
  EXPECT_EQ(grid.boundaries(0), (std::vector<Index>{0, 5, 10, 15}));
  EXPECT_EQ(grid.ChunkBox({1, 2}), (Box{{5, 10}, {10, 15}}));
}

TEST(ChunkGrid, RaggedLastChunkAndWholeAxisEntries) {
  const ChunkGrid grid = ChunkGrid::Regular({10, 7, 3}, {4, 0, 5});
  EXPECT_EQ(grid.lengths(0), (std::vector<Index>{4, 4, 2}));
  EXPECT_EQ(grid.lengths(1), (std::vector<Index>{7}));  // <= 0: the whole axis
  EXPECT_EQ(grid.lengths(2), (std::vector<Index>{3}));  // past the axis: the whole axis
  EXPECT_TRUE(grid.is_regular());
  EXPECT_EQ(grid.ToString(), "((4, 4, 2), (7,), (3,))");
  EXPECT_EQ(ChunkGrid::Regular({5}, {2}).ToString(), "((2, 2, 1),)");
  EXPECT_EQ(ChunkGrid::Regular({}, {}).ToString(), "()");
}

TEST(ChunkGrid, SingleChunk) {
  const ChunkGrid grid = ChunkGrid::Single({3, 4});
  EXPECT_EQ(grid.num_chunks(), 1);
  EXPECT_EQ(grid.ChunkBox({0, 0}), Box::Full({3, 4}));
  const ChunkGrid scalar = ChunkGrid::Single({});
  EXPECT_EQ(scalar.rank(), 0u);
  EXPECT_EQ(scalar.num_chunks(), 1);
  EXPECT_EQ(scalar.shape(), Shape{});
}

TEST(ChunkGrid, ZeroLengthAxisHasOneEmptyChunk) {
  const ChunkGrid regular = ChunkGrid::Regular({0, 4}, {3, 2});
  EXPECT_EQ(regular.lengths(0), (std::vector<Index>{0}));
  EXPECT_EQ(regular.shape(), (Shape{0, 4}));
  EXPECT_EQ(regular.grid_shape(), (Shape{1, 2}));
  HC_ASSERT_OK_AND_ASSIGN(const ChunkGrid made, ChunkGrid::Make({{0}, {2, 2}}));
  EXPECT_EQ(made, regular);
  EXPECT_TRUE(made.ChunkBox({0, 1}).empty());
}

TEST(ChunkGrid, MakeValidates) {
  HC_ASSERT_OK_AND_ASSIGN(const ChunkGrid grid, ChunkGrid::Make({{2, 1, 3}, {4}}));
  EXPECT_EQ(grid.shape(), (Shape{6, 4}));
  EXPECT_FALSE(grid.is_regular());  // a short chunk before the last one
  EXPECT_EQ(grid.max_chunk_shape(), (Shape{3, 4}));
  EXPECT_EQ(grid.max_chunk_elements(), 12);
  HC_EXPECT_CODE(ChunkGrid::Make({{2, 0, 3}}).status(), StatusCode::kInvalidArgument);
  HC_EXPECT_CODE(ChunkGrid::Make({{2, -1}}).status(), StatusCode::kInvalidArgument);
  HC_EXPECT_CODE(ChunkGrid::Make({{}}).status(), StatusCode::kInvalidArgument);
  HC_EXPECT_CODE(ChunkGrid::Make({{0, 0}}).status(), StatusCode::kInvalidArgument);
  HC_ASSERT_OK_AND_ASSIGN(const ChunkGrid rank0, ChunkGrid::Make({}));
  EXPECT_EQ(rank0.num_chunks(), 1);
}

TEST(ChunkGrid, IsRegularMeansEqualChunksAndASmallerLast) {
  EXPECT_TRUE(ChunkGrid::Make({{3, 3, 1}})->is_regular());
  EXPECT_TRUE(ChunkGrid::Make({{3}})->is_regular());
  EXPECT_FALSE(ChunkGrid::Make({{1, 3}})->is_regular());
  EXPECT_FALSE(ChunkGrid::Make({{3, 1, 1}})->is_regular());
}

TEST(ChunkGrid, RefineChunks) {
  EXPECT_EQ(RefineChunks({5, 5}, {3, 7}), (std::vector<Index>{3, 2, 5}));
  EXPECT_EQ(RefineChunks({2, 2, 2}, {2, 2, 2}), (std::vector<Index>{2, 2, 2}));
  EXPECT_EQ(RefineChunks({6}, {1, 1, 4}), (std::vector<Index>{1, 1, 4}));
  EXPECT_EQ(RefineChunks({4, 2}, {2, 4}), (std::vector<Index>{2, 2, 2}));
  EXPECT_EQ(RefineChunks({0}, {0}), (std::vector<Index>{0}));
}

// Ravel/Unravel, ChunkBox and Overlapping on random grids, against the test's own arithmetic.
TEST(ChunkGrid, RandomGridsAreConsistent) {
  ForEachRandomCase(150, [](Rng& rng) {
    const Shape shape = test::RandomShape(rng, 0, 4, 9, 0.05);
    const ChunkGrid grid = test::RandomChunks(rng, shape);
    SCOPED_TRACE("chunks " + test::ChunksString(grid));
    ASSERT_EQ(grid.shape(), shape);
    ASSERT_EQ(grid.rank(), shape.size());
    Index expected_chunks = 1;
    for (size_t dim = 0; dim < shape.size(); ++dim) {
      const auto& lengths = grid.lengths(dim);
      expected_chunks *= static_cast<Index>(lengths.size());
      std::vector<Index> bounds{0};
      for (Index l : lengths) bounds.push_back(bounds.back() + l);
      EXPECT_EQ(grid.boundaries(dim), bounds);
      EXPECT_EQ(grid.max_chunk_shape()[dim], *std::max_element(lengths.begin(), lengths.end()));
    }
    ASSERT_EQ(grid.num_chunks(), expected_chunks);
    EXPECT_EQ(ChunkGrid::Make(grid.all_lengths())->ToString(), grid.ToString());
    EXPECT_EQ(grid.ToString(), test::ChunksString(grid));

    // Every element lies in exactly one chunk box; boxes tile the array.
    Index covered = 0;
    for (Index linear = 0; linear < grid.num_chunks(); ++linear) {
      const ChunkIndex chunk = grid.Unravel(linear);
      ASSERT_EQ(grid.Ravel(chunk), linear);
      const Box box = grid.ChunkBox(chunk);
      for (size_t dim = 0; dim < shape.size(); ++dim) {
        EXPECT_EQ(box.start[dim], grid.boundaries(dim)[static_cast<size_t>(chunk[dim])]);
        EXPECT_EQ(box.extent(dim), grid.lengths(dim)[static_cast<size_t>(chunk[dim])]);
      }
      covered += box.num_elements();
    }
    EXPECT_EQ(covered, NumElements(shape));

    // Overlapping: a random non-empty box touches exactly the chunks whose boxes intersect it.
    if (NumElements(shape) == 0) return;
    Box query{std::vector<Index>(shape.size()), std::vector<Index>(shape.size())};
    for (size_t dim = 0; dim < shape.size(); ++dim) {
      query.start[dim] = rng.Int(0, shape[dim] - 1);
      query.stop[dim] = rng.Int(query.start[dim] + 1, shape[dim]);
    }
    std::vector<Index> first;
    std::vector<Index> last;
    grid.Overlapping(query, first, last);
    ASSERT_EQ(first.size(), shape.size());
    ASSERT_EQ(last.size(), shape.size());
    for (size_t dim = 0; dim < shape.size(); ++dim) {
      const auto& b = grid.boundaries(dim);
      Index want_first = -1;
      Index want_last = -1;
      for (size_t c = 0; c + 1 < b.size(); ++c) {
        if (b[c] < query.stop[dim] && b[c + 1] > query.start[dim]) {
          if (want_first < 0) want_first = static_cast<Index>(c);
          want_last = static_cast<Index>(c);
        }
      }
      EXPECT_EQ(first[dim], want_first) << "axis " << dim << " box " << query.ToString();
      EXPECT_EQ(last[dim], want_last) << "axis " << dim << " box " << query.ToString();
    }
  });
}

}  // namespace
}  // namespace hyperchunk
