// Self-tests of the test library: the comparators must see differences, and the reference's
// helpers must agree with Python and numpy (literal values from Python 3.11 / numpy 1.24.2).
#include <cmath>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "testing/compare.h"
#include "testing/eager.h"
#include "testing/random.h"

namespace hyperchunk {
namespace {

TEST(TestingLibrary, ArraysMatchSeesEveryKindOfDifference) {
  const NdArray a = NdArray::FromVector<double>({1.0, 2.0, std::nan("")}, {3});
  EXPECT_TRUE(test::ArraysMatch(a, a.Copy()));
  EXPECT_FALSE(test::ArraysMatch(a, a.AsType(DType::kFloat32))) << "dtype";
  EXPECT_FALSE(test::ArraysMatch(a, *a.Reshape({3, 1}))) << "shape";
  EXPECT_FALSE(test::ArraysMatch(a, NdArray::FromVector<double>({1.0, 2.0, 3.0}, {3}))) << "NaN vs a number";
  EXPECT_FALSE(test::ArraysMatch(a, NdArray::FromVector<double>({1.0, 2.0 + 1e-9, std::nan("")}, {3}), {1e-12, 1e-12}));
  EXPECT_TRUE(test::ArraysMatch(a, NdArray::FromVector<double>({1.0, 2.0 + 1e-13, std::nan("")}, {3}), {1e-12, 1e-12}));
  EXPECT_FALSE(test::ArraysMatch(NdArray::FromVector<double>({HUGE_VAL}, {1}),
                                 NdArray::FromVector<double>({-HUGE_VAL}, {1}), {1, 1}));
  const NdArray i = NdArray::FromVector<int64_t>({int64_t{1} << 60}, {1});
  EXPECT_FALSE(test::ArraysMatch(i, NdArray::FromVector<int64_t>({(int64_t{1} << 60) + 1}, {1}), {1, 1}))
      << "integers are exact whatever the tolerance";
  EXPECT_FALSE(
      test::ArraysIdentical(NdArray::FromVector<double>({0.0}, {1}), NdArray::FromVector<double>({-0.0}, {1})));
}

TEST(TestingLibrary, NormalizeSliceMatchesPythonSliceIndices) {
  struct Case {
    Index length;
    std::optional<Index> start, stop;
    Index step;
    Index want_start, want_length;
  };
  // slice(start, stop, step).indices(length) and len(range(...)), computed by Python.
  const std::vector<Case> cases = {
      {2, 3, -7, -3, 1, 1},
      {4, std::nullopt, 7, 1, 0, 4},
      {0, std::nullopt, -2, 1, 0, 0},
      {4, 9, std::nullopt, 1, 4, 0},
      {5, -8, 3, 1, 0, 3},
      {1, std::nullopt, 0, 3, 0, 0},
      {1, 9, -4, 1, 1, 0},
      {4, -3, 8, -2, 1, 0},
      {0, -3, 8, 3, 0, 0},
      {6, 9, 2, 2, 6, 0},
      {1, -2, std::nullopt, 2, 0, 1},
      {4, 1, 0, -1, 1, 1},
      {0, std::nullopt, 1, 1, 0, 0},
      {3, -7, 9, -3, -1, 0},
      {6, 2, 9, -3, 2, 0},
      {3, std::nullopt, std::nullopt, 2, 0, 2},
      {3, -7, std::nullopt, -2, -1, 0},
      {2, 5, 3, -2, 1, 0},
      {2, std::nullopt, -4, -1, 1, 2},
      {0, -3, -5, -2, -1, 0},
      {1, 6, std::nullopt, 3, 1, 0},
      {3, -5, 8, 2, 0, 2},
      {5, 2, 3, 1, 2, 1},
      {1, std::nullopt, std::nullopt, -2, 0, 1},
      {1, std::nullopt, -4, 2, 0, 0},
      {2, std::nullopt, 2, -1, 1, 0},
      {4, -5, 7, -1, -1, 0},
      {5, -8, 8, 3, 0, 2},
      {3, -6, 3, 1, 0, 3},
      {1, std::nullopt, std::nullopt, 1, 0, 1},
      {0, -8, std::nullopt, -1, -1, 0},
      {1, 2, -7, -3, 0, 1},
      {1, -5, 2, -1, -1, 0},
      {2, -6, 5, 3, 0, 1},
      {3, -5, std::nullopt, 2, 0, 2},
      {5, -4, -3, -1, 1, 0},
      {2, std::nullopt, -9, -3, 1, 1},
      {4, -7, -1, -1, -1, 0},
      {2, 2, 8, -1, 1, 0},
      {6, -2, -3, -3, 4, 1},
      {1, -2, std::nullopt, 3, 0, 1},
      {2, -9, 6, 2, 0, 1},
      {1, 2, 2, 2, 1, 0},
      {0, std::nullopt, std::nullopt, 1, 0, 0},
      {2, std::nullopt, -9, 3, 0, 0},
      {5, -7, -6, 3, 0, 0},
      {6, -3, -4, 3, 3, 0},
      {6, -7, 3, 3, 0, 1},
      {3, -7, -4, 1, 0, 0},
      {0, std::nullopt, -5, -1, -1, 0},
      {6, 6, 2, 1, 6, 0},
      {4, -9, std::nullopt, -2, -1, 0},
      {5, std::nullopt, -5, 3, 0, 0},
      {6, std::nullopt, -9, 2, 0, 0},
      {1, -2, 1, 2, 0, 1},
      {4, -5, std::nullopt, -2, -1, 0},
      {2, 9, 7, 3, 2, 0},
      {6, 7, std::nullopt, 1, 6, 0},
      {4, 5, -9, -3, 3, 2},
      {6, std::nullopt, std::nullopt, -1, 5, 6},
  };
  for (const Case& c : cases) {
    HC_ASSERT_OK_AND_ASSIGN(const test::SliceIndices s, test::NormalizeSlice(Slice{c.start, c.stop, c.step}, c.length));
    EXPECT_EQ(s.length, c.want_length) << "length " << c.length << " slice(" << c.start.value_or(999) << ", "
                                       << c.stop.value_or(999) << ", " << c.step << ")";
    if (c.want_length > 0) {
      EXPECT_EQ(s.start, c.want_start);
    }
  }
  EXPECT_FALSE(test::NormalizeSlice(Slice{std::nullopt, std::nullopt, 0}, 4).ok());
}

TEST(TestingLibrary, BroadcastShapes) {
  EXPECT_EQ(*test::BroadcastShapes({3, 1, 5}, {4, 1}), (Shape{3, 4, 5}));
  EXPECT_EQ(*test::BroadcastShapes({}, {2, 3}), (Shape{2, 3}));
  EXPECT_EQ(*test::BroadcastShapes({0, 1}, {1, 7}), (Shape{0, 7}));
  EXPECT_FALSE(test::BroadcastShapes({3, 4}, {5}).ok());
}

TEST(TestingLibrary, ReferenceReductionsMatchNumpy) {
  const NdArray x = NdArray::FromVector<int16_t>({3, -1, 4, 1, -5, 9, 2, -6, 5, 3, -5, 8}, {3, 4});
  EXPECT_TRUE(test::ArraysMatch(NdArray::FromVector<int64_t>({3, 11, 1, 3}, {4}),
                                *test::EagerReduce(ReduceOp::kSum, x, std::vector<int>{0})));
  EXPECT_TRUE(
      test::ArraysMatch(NdArray::FromVector<int64_t>({2, 1, 3}, {3}), *test::EagerArgReduce(ReduceOp::kArgMax, x, 1)));
  // np.var(x, axis=1, ddof=1) and np.std(x) of the same data.
  EXPECT_TRUE(
      test::ArraysMatch(NdArray::FromVector<double>({4.916666666666667, 48.666666666666664, 30.916666666666668}, {3}),
                        *test::EagerReduce(ReduceOp::kVar, x, std::vector<int>{1}, false, 1), {1e-15, 0}));
  EXPECT_TRUE(test::ArraysMatch(NdArray::FromVector<double>({4.73462423711393}, {}),
                                *test::EagerReduce(ReduceOp::kStd, x), {1e-15, 0}));
  EXPECT_TRUE(test::ArraysMatch(NdArray::FromVector<int16_t>({-1, -6, -5}, {3, 1}),
                                *test::EagerReduce(ReduceOp::kMin, x, std::vector<int>{-1}, true)));
  // Coarsen by (3, 2): np.sum(x.reshape(1, 3, 2, 2), axis=(1, 3)).
  EXPECT_TRUE(test::ArraysMatch(NdArray::FromVector<int64_t>({14, 4}, {1, 2}),
                                *test::EagerCoarsen(ReduceOp::kSum, x, {3, 2}, false)));
}

}  // namespace
}  // namespace hyperchunk
