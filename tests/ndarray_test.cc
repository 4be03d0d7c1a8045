// NdArray: storage, views, sub-boxes, copies, reshape and astype, over all dtypes.
#include "hyperchunk/core/ndarray.h"

#include <cstdint>
#include <numeric>

#include <gtest/gtest.h>

#include "testing/compare.h"
#include "testing/eager.h"
#include "testing/random.h"
#include "testing/sources.h"

namespace hyperchunk {
namespace {

using test::ForEachRandomCase;
using test::Rng;

/// Whether a box of `shape` is one contiguous run in C order: leading axes of extent 1, one
/// partial axis, then full trailing axes.
bool ContiguousByRule(const Shape& shape, const Box& box) {
  if (box.num_elements() <= 1) return true;
  size_t dim = 0;
  while (dim < shape.size() && box.extent(dim) == 1) ++dim;
  if (dim == shape.size()) return true;
  for (size_t d = dim + 1; d < shape.size(); ++d) {
    if (box.start[d] != 0 || box.stop[d] != shape[d]) return false;
  }
  return true;
}

Box RandomBox(Rng& rng, const Shape& shape) {
  Box box{std::vector<Index>(shape.size()), std::vector<Index>(shape.size())};
  for (size_t dim = 0; dim < shape.size(); ++dim) {
    box.start[dim] = rng.Int(0, shape[dim]);
    box.stop[dim] = rng.Int(box.start[dim], shape[dim]);
    if (rng.Chance(0.3)) {  // full axes are common in practice (chunks of leading axes)
      box.start[dim] = 0;
      box.stop[dim] = shape[dim];
    }
  }
  return box;
}

TEST(NdArray, DefaultIsAnInvalidFloat64Scalar) {
  NdArray a;
  EXPECT_FALSE(a.valid());
  EXPECT_EQ(a.dtype(), DType::kFloat64);
  EXPECT_EQ(a.rank(), 0u);
}

TEST(NdArray, EmptyZerosAndSizesForAllDTypes) {
  for (DType dtype : kAllDTypes) {
    SCOPED_TRACE(DTypeName(dtype));
    NdArray zeros = NdArray::Zeros(dtype, {3, 5});
    ASSERT_TRUE(zeros.valid());
    EXPECT_EQ(zeros.dtype(), dtype);
    EXPECT_EQ(zeros.shape(), (Shape{3, 5}));
    EXPECT_EQ(zeros.size(), 15);
    EXPECT_EQ(zeros.nbytes(), 15 * ItemSize(dtype));
    EXPECT_EQ(reinterpret_cast<uintptr_t>(zeros.raw()) % 64, 0u) << "storage must be 64-byte aligned";
    for (Index i = 0; i < zeros.size(); ++i) EXPECT_EQ(zeros.GetAsDouble(i), 0.0);
    NdArray empty = NdArray::Empty(dtype, {2, 0, 4});
    EXPECT_TRUE(empty.valid());
    EXPECT_EQ(empty.size(), 0);
    NdArray scalar = NdArray::Empty(dtype, {});
    EXPECT_TRUE(scalar.valid());
    EXPECT_EQ(scalar.size(), 1);
  }
}

TEST(NdArray, FromVectorAndGetAsDouble) {
  NdArray a = NdArray::FromVector<int16_t>({1, -2, 3, -4, 5, -6}, {2, 3});
  EXPECT_EQ(a.dtype(), DType::kInt16);
  EXPECT_EQ(a.GetAsDouble(1), -2.0);
  EXPECT_EQ(a.GetAsDouble(5), -6.0);
  // (FromVector<bool> cannot compile: std::vector<bool> has no data().)
  NdArray b = NdArray::Empty(DType::kBool, {2});
  b.data<bool>()[0] = true;
  b.data<bool>()[1] = false;
  EXPECT_EQ(b.GetAsDouble(0), 1.0);
  EXPECT_EQ(b.GetAsDouble(1), 0.0);
  NdArray c = NdArray::FromVector<uint64_t>({uint64_t{1} << 63}, {1});
  EXPECT_EQ(c.GetAsDouble(0), 9223372036854775808.0);
}

TEST(NdArray, CopiesShareAndCopyDoesNot) {
  NdArray a = NdArray::FromVector<int32_t>({1, 2, 3, 4}, {4});
  NdArray shared = a;
  NdArray deep = a.Copy();
  a.data<int32_t>()[0] = 100;
  EXPECT_EQ(shared.data<int32_t>()[0], 100);
  EXPECT_EQ(deep.data<int32_t>()[0], 1);
  EXPECT_NE(deep.raw(), a.raw());
}

TEST(NdArray, WrapKeepsTheOwnerAlive) {
  std::weak_ptr<void> weak;
  NdArray view;
  {
    auto owner = std::shared_ptr<double[]>(new double[6]{1, 2, 3, 4, 5, 6});
    weak = std::shared_ptr<void>(owner, owner.get());
    view = NdArray::Wrap(DType::kFloat64, {2, 3}, std::shared_ptr<void>(owner, owner.get()), owner.get());
  }
  EXPECT_FALSE(weak.expired());
  EXPECT_EQ(view.GetAsDouble(4), 5.0);
  view = NdArray();
  EXPECT_TRUE(weak.expired());
}

TEST(NdArray, Reshape) {
  NdArray a = NdArray::FromVector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  HC_ASSERT_OK_AND_ASSIGN(NdArray b, a.Reshape({3, 2}));
  EXPECT_EQ(b.shape(), (Shape{3, 2}));
  EXPECT_EQ(b.raw(), a.raw()) << "Reshape shares the bytes";
  HC_ASSERT_OK_AND_ASSIGN(NdArray c, a.Reshape({6}));
  EXPECT_EQ(c.GetAsDouble(5), 6.0);
  HC_ASSERT_OK_AND_ASSIGN(NdArray d, NdArray::FromVector<float>({7}, {1}).Reshape({}));
  EXPECT_EQ(d.rank(), 0u);
  HC_EXPECT_CODE(a.Reshape({4, 2}).status(), StatusCode::kInvalidArgument);
}

// Sub, IsContiguousSub, CopyFrom and CopyBox over random shapes, boxes and dtypes.
TEST(NdArray, RandomSubBoxesAndCopies) {
  ForEachRandomCase(200, [](Rng& rng) {
    const DType dtype = test::RandomDType(rng);
    const Shape shape = test::RandomShape(rng, 0, 4, 6, 0.0);
    const NdArray a = test::RandomArray(rng, dtype, shape, test::Values::kFull);
    const Box box = RandomBox(rng, shape);
    SCOPED_TRACE(test::Describe(a) + " box " + box.ToString());

    // Sub matches the test library's own copy of the box.
    NdArray want = NdArray::Empty(dtype, box.shape());
    test::CopyBoxForTest(a, box, want);
    const NdArray sub = a.Sub(box);
    EXPECT_TRUE(test::ArraysMatch(want, sub));

    // A contiguous box is a view (no copy); a non-contiguous one must not claim to be.
    const bool by_rule = ContiguousByRule(shape, box);
    if (box.num_elements() > 0) {
      EXPECT_EQ(a.IsContiguousSub(box), by_rule);
      if (a.IsContiguousSub(box)) {
        const Index offset =
            std::inner_product(box.start.begin(), box.start.end(), ContiguousStrides(shape).begin(), Index{0});
        EXPECT_EQ(sub.raw(), static_cast<const char*>(a.raw()) + offset * ItemSize(dtype)) << "a view is expected";
      }
    }

    // CopyFrom writes exactly the box.
    NdArray target = test::RandomArray(rng, dtype, shape, test::Values::kFull).Copy();
    const NdArray before = target.Copy();
    const NdArray values = test::RandomArray(rng, dtype, box.shape(), test::Values::kFull);
    target.CopyFrom(values, box);
    EXPECT_TRUE(test::ArraysMatch(values, target.Sub(box)));
    NdArray expected = before.Copy();
    test::PasteBoxForTest(values, box, expected);
    EXPECT_TRUE(test::ArraysMatch(expected, target)) << "CopyFrom must leave the rest untouched";

    // CopyBox from a box of one array into an equally shaped box of another.
    NdArray dst = NdArray::Zeros(dtype, box.shape());
    CopyBox(a, box, dst, Box::Full(box.shape()));
    EXPECT_TRUE(test::ArraysMatch(want, dst));
  });
}

TEST(NdArray, AsTypeMatchesCastValueForAllPairs) {
  Rng rng(test::SeedForCurrentTest());
  for (DType from : kAllDTypes) {
    for (DType to : kAllDTypes) {
      SCOPED_TRACE(std::string(DTypeName(from)) + " -> " + std::string(DTypeName(to)));
      const NdArray a =
          test::RandomArray(rng, from, {3, 7}, rng.Chance(0.5) ? test::Values::kFull : test::Values::kNaN);
      const NdArray got = a.AsType(to);
      EXPECT_TRUE(test::ArraysMatch(test::EagerAsType(a, to), got));
      if (from == to) {
        EXPECT_NE(got.raw(), a.raw()) << "AsType returns a copy";
      }
    }
  }
}

}  // namespace
}  // namespace hyperchunk
