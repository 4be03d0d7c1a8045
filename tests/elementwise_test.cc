// Elementwise operations against the eager reference: every BinaryOp and UnaryOp over all dtypes,
// broadcasting, Python scalars (value-based casting), where, clip, astype; plus numpy spot checks
// with literal values (which also check the reference itself).
#include <cmath>
#include <limits>
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

constexpr BinaryOp kAllBinaryOps[] = {
    BinaryOp::kAdd,        BinaryOp::kSubtract,  BinaryOp::kMultiply,  BinaryOp::kDivide,  BinaryOp::kFloorDivide,
    BinaryOp::kMod,        BinaryOp::kPower,     BinaryOp::kMaximum,   BinaryOp::kMinimum, BinaryOp::kEqual,
    BinaryOp::kNotEqual,   BinaryOp::kLess,      BinaryOp::kLessEqual, BinaryOp::kGreater, BinaryOp::kGreaterEqual,
    BinaryOp::kLogicalAnd, BinaryOp::kLogicalOr,
};
constexpr UnaryOp kAllUnaryOps[] = {
    UnaryOp::kNegative, UnaryOp::kAbs,   UnaryOp::kSquare, UnaryOp::kSqrt,  UnaryOp::kExp,      UnaryOp::kLog,
    UnaryOp::kLog10,    UnaryOp::kLog1p, UnaryOp::kSin,    UnaryOp::kCos,   UnaryOp::kTan,      UnaryOp::kFloor,
    UnaryOp::kCeil,     UnaryOp::kRint,  UnaryOp::kSign,   UnaryOp::kIsNan, UnaryOp::kIsFinite, UnaryOp::kLogicalNot,
};

/// Values suited to the right-hand operand of `op`.
Values RightValues(Rng& rng, BinaryOp op) {
  if (op == BinaryOp::kPower) return Values::kExponent;
  return rng.Chance(0.7) ? Values::kSmall : Values::kFull;
}
Values LeftValues(Rng& rng, BinaryOp op) {
  if (op == BinaryOp::kPower) return Values::kSmall;
  return rng.Chance(0.7) ? Values::kSmall : Values::kFull;
}
Values UnaryValues(Rng& rng, UnaryOp op) {
  const bool log_like = op == UnaryOp::kLog || op == UnaryOp::kLog10 || op == UnaryOp::kLog1p || op == UnaryOp::kSqrt;
  if (log_like && rng.Chance(0.7)) return Values::kPositive;
  return rng.Chance(0.7) ? Values::kSmall : Values::kFull;
}

/// Checks op(a, b) computed lazily with random chunks and thread count against the reference.
void CheckBinary(Rng& rng, BinaryOp op, const NdArray& a, const NdArray& b) {
  std::string chunks_a;
  std::string chunks_b;
  const Array lazy_a = test::LazyWithRandomChunks(rng, a, &chunks_a);
  const Array lazy_b = test::LazyWithRandomChunks(rng, b, &chunks_b);
  SCOPED_TRACE(std::string(BinaryOpName(op)) + "(" + test::Describe(a) + " chunks " + chunks_a + ", " +
               test::Describe(b) + " chunks " + chunks_b + ")\n  a = " + test::ValuesString(a, 24) +
               "\n  b = " + test::ValuesString(b, 24));
  Context& ctx = test::RandomContext(rng);
  const Array lazy = Elementwise(op, lazy_a, lazy_b);
  Result<NdArray> want = test::EagerBinary(op, a, b);
  if (!want.ok()) {
    EXPECT_TRUE(test::FailsToCompute(ctx, lazy)) << "numpy refuses: " << want.status().ToString();
    return;
  }
  EXPECT_TRUE(test::ComputesTo(ctx, lazy, *want, test::ElementwiseTolerance(want->dtype())));
}

void CheckUnary(Rng& rng, UnaryOp op, const NdArray& a) {
  std::string chunks;
  const Array lazy_a = test::LazyWithRandomChunks(rng, a, &chunks);
  SCOPED_TRACE(std::string(UnaryOpName(op)) + "(" + test::Describe(a) + " chunks " + chunks +
               ")\n  a = " + test::ValuesString(a, 24));
  Context& ctx = test::RandomContext(rng);
  const Array lazy = lazy_a.Map(op);
  Result<NdArray> want = test::EagerUnary(op, a);
  if (!want.ok()) {
    EXPECT_TRUE(test::FailsToCompute(ctx, lazy)) << "numpy refuses: " << want.status().ToString();
    return;
  }
  EXPECT_TRUE(test::ComputesTo(ctx, lazy, *want, test::ElementwiseTolerance(want->dtype())));
}

// ---- binary ---------------------------------------------------------------------------------------

TEST(Elementwise, RandomBinaryWithBroadcasting) {
  ForEachRandomCase(200, [](Rng& rng) {
    const BinaryOp op = kAllBinaryOps[rng.Int(0, std::size(kAllBinaryOps) - 1)];
    const DType da = test::RandomDType(rng);
    const DType db = rng.Chance(0.5) ? da : test::RandomDType(rng);
    const auto [out_shape, shapes] = test::RandomBroadcastShapes(rng, 2);
    const NdArray a = test::RandomArray(rng, da, shapes[0], LeftValues(rng, op));
    const NdArray b = test::RandomArray(rng, db, shapes[1], RightValues(rng, op));
    CheckBinary(rng, op, a, b);
  });
}

TEST(Elementwise, EveryBinaryOpOnEveryDType) {
  Rng rng(test::SeedForCurrentTest());
  for (BinaryOp op : kAllBinaryOps) {
    for (DType dtype : kAllDTypes) {
      const Shape shape = test::RandomShape(rng, 1, 3, 6, 0.0);
      CheckBinary(rng, op, test::RandomArray(rng, dtype, shape, LeftValues(rng, op)),
                  test::RandomArray(rng, dtype, shape, RightValues(rng, op)));
    }
  }
}

TEST(Elementwise, EveryDTypePairPromotes) {
  Rng rng(test::SeedForCurrentTest());
  for (DType da : kAllDTypes) {
    for (DType db : kAllDTypes) {
      for (BinaryOp op : {BinaryOp::kAdd, BinaryOp::kLess, BinaryOp::kMaximum, BinaryOp::kDivide}) {
        const Shape shape = test::RandomShape(rng, 1, 2, 5, 0.0);
        CheckBinary(rng, op, test::RandomArray(rng, da, shape), test::RandomArray(rng, db, {shape.back()}));
      }
    }
  }
}

TEST(Elementwise, NaNAndInfinityInEveryBinaryOp) {
  ForEachRandomCase(120, [](Rng& rng) {
    const BinaryOp op = kAllBinaryOps[rng.Int(0, std::size(kAllBinaryOps) - 1)];
    const DType dtype = rng.Chance(0.5) ? DType::kFloat32 : DType::kFloat64;
    const auto [out_shape, shapes] = test::RandomBroadcastShapes(rng, 2, 3);
    CheckBinary(rng, op, test::RandomArray(rng, dtype, shapes[0], Values::kNaN),
                test::RandomArray(rng, rng.Chance(0.7) ? dtype : test::RandomDType(rng), shapes[1], Values::kNaN));
  });
}

TEST(Elementwise, RandomArrayWithPythonScalar) {
  ForEachRandomCase(200, [](Rng& rng) {
    const BinaryOp op = kAllBinaryOps[rng.Int(0, std::size(kAllBinaryOps) - 1)];
    const DType dtype = test::RandomDType(rng);
    const NdArray a = test::RandomArray(rng, dtype, test::RandomShape(rng, 0, 3, 6, 0.02), LeftValues(rng, op));
    Scalar scalar;
    switch (rng.Int(0, 4)) {
      case 0: scalar = Scalar::Int(rng.Int(op == BinaryOp::kPower ? 0 : -9, 9)); break;
      case 1:
        scalar = Scalar::Int(rng.Pick(std::vector<int64_t>{127, 128, 255, 256, 300, 70000, 1 << 20, -129, -40000}));
        break;
      case 2: scalar = Scalar::Float(static_cast<double>(rng.Int(-40, 40)) / 4.0); break;
      case 3: scalar = Scalar::Bool(rng.Chance(0.5)); break;
      default: scalar = Scalar::Float(rng.Real(-100, 100)); break;
    }
    if (op == BinaryOp::kPower && scalar.kind != Scalar::Kind::kFloat) scalar = Scalar::Int(rng.Int(0, 4));
    const bool scalar_first = rng.Chance(0.3);
    std::string chunks;
    const Array lazy_a = test::LazyWithRandomChunks(rng, a, &chunks);
    SCOPED_TRACE(std::string(BinaryOpName(op)) + " of " + test::Describe(a) + " chunks " + chunks + " and scalar " +
                 std::to_string(scalar.AsDouble()) +
                 (scalar.kind == Scalar::Kind::kFloat ? " (float)"
                  : scalar.kind == Scalar::Kind::kInt ? " (int)"
                                                      : " (bool)") +
                 (scalar_first ? " on the left" : " on the right") + "\n  a = " + test::ValuesString(a, 24));
    Context& ctx = test::RandomContext(rng);
    const Array lazy = scalar_first ? Elementwise(op, scalar, lazy_a) : Elementwise(op, lazy_a, scalar);
    Result<NdArray> want = scalar_first ? test::EagerBinary(op, scalar, a) : test::EagerBinary(op, a, scalar);
    if (!want.ok()) {
      EXPECT_TRUE(test::FailsToCompute(ctx, lazy)) << want.status().ToString();
      return;
    }
    EXPECT_TRUE(test::ComputesTo(ctx, lazy, *want, test::ElementwiseTolerance(want->dtype())));
  });
}

/// Computes `lazy` on one thread and returns it (fails the test on error).
NdArray Eval(const Array& lazy) {
  Result<NdArray> got = Compute(test::SharedContext(1), lazy);
  EXPECT_TRUE(got.ok()) << got.status().ToString();
  return got.ok() ? *got : NdArray();
}

template <typename T>
NdArray Vec(std::vector<T> values) {
  const Index n = static_cast<Index>(values.size());
  return NdArray::FromVector<T>(values, {n});
}

/// Expects op(a, b) == want, both lazily and in the reference (checks the reference against numpy).
void ExpectLiteral(BinaryOp op, const NdArray& a, const NdArray& b, const NdArray& want) {
  SCOPED_TRACE(std::string(BinaryOpName(op)) + "(" + test::ValuesString(a) + ", " + test::ValuesString(b) + ")");
  Result<NdArray> reference = test::EagerBinary(op, a, b);
  ASSERT_TRUE(reference.ok()) << reference.status().ToString();
  EXPECT_TRUE(test::ArraysMatch(want, *reference)) << "the reference disagrees with numpy";
  const Array lazy = Elementwise(op, Array::FromNdArray(a, Shape{2}), Array::FromNdArray(b, Shape{3}));
  EXPECT_TRUE(test::ComputesTo(test::SharedContext(1), lazy, want));
  EXPECT_TRUE(test::ComputesTo(test::SharedContext(2), lazy, want));
}

TEST(Elementwise, ValueBasedScalarCasting) {
  const NdArray u8 = Vec<uint8_t>({0, 100, 255});
  const Array a = Array::FromNdArray(u8, Shape{2});
  EXPECT_EQ((a + 300).dtype(), DType::kUInt16);
  EXPECT_TRUE(test::ArraysMatch(Vec<uint16_t>({300, 400, 555}), Eval(a + 300)));
  EXPECT_EQ((a + (-1)).dtype(), DType::kInt16);
  EXPECT_TRUE(test::ArraysMatch(Vec<int16_t>({-1, 99, 254}), Eval(a + (-1))));
  EXPECT_EQ((a + 1).dtype(), DType::kUInt8);
  EXPECT_TRUE(test::ArraysMatch(Vec<uint8_t>({1, 101, 0}), Eval(a + 1))) << "uint8 wraps";
  EXPECT_EQ((a * 0.5).dtype(), DType::kFloat64);
  EXPECT_EQ((a / 2).dtype(), DType::kFloat64);
  const Array f32 = Array::FromNdArray(Vec<float>({1.0f, 2.0f}), Shape{1});
  EXPECT_EQ((f32 * 0.1).dtype(), DType::kFloat32);
  EXPECT_TRUE(test::ArraysMatch(Vec<float>({0.1f, 0.2f}), Eval(f32 * 0.1)));
  EXPECT_EQ((f32 + 70000).dtype(), DType::kFloat64) << "numpy 1.24: min_scalar_type(70000) = uint32";
  const Array i8 = Array::FromNdArray(Vec<int8_t>({127, -128}), Shape{1});
  EXPECT_TRUE(test::ArraysMatch(Vec<int8_t>({-128, -127}), Eval(i8 + 1))) << "int8 wraps";
  EXPECT_EQ((i8 - 200).dtype(), DType::kInt16);
  NdArray bools = NdArray::Empty(DType::kBool, {2});
  bools.data<bool>()[0] = true;
  bools.data<bool>()[1] = false;
  EXPECT_EQ((Array::FromNdArray(bools, Shape{1}) + 1).dtype(), DType::kInt64);
  EXPECT_TRUE(test::ArraysMatch(Vec<int64_t>({2, 1}), Eval(Array::FromNdArray(bools, Shape{1}) + 1)));
  // Comparisons with a scalar the dtype cannot hold still compare values (uint8 < -1 is false).
  EXPECT_TRUE(test::ArraysMatch(test::EagerBinary(BinaryOp::kLess, u8, Scalar::Int(-1)).value(),
                                Eval(Elementwise(BinaryOp::kLess, a, Scalar::Int(-1)))));
  EXPECT_TRUE(test::ArraysMatch(test::EagerBinary(BinaryOp::kGreater, Scalar::Int(256), u8).value(),
                                Eval(Elementwise(BinaryOp::kGreater, Scalar::Int(256), a))));
}

TEST(Elementwise, IntegerSemanticsMatchNumpy) {
  using BO = BinaryOp;
  ExpectLiteral(BO::kAdd, Vec<int8_t>({127, -128, 100}), Vec<int8_t>({1, -1, 100}), Vec<int8_t>({-128, 127, -56}));
  ExpectLiteral(BO::kSubtract, Vec<uint8_t>({0, 5, 3}), Vec<uint8_t>({1, 3, 5}), Vec<uint8_t>({255, 2, 254}));
  ExpectLiteral(BO::kMultiply, Vec<uint16_t>({65535, 300, 2}), Vec<uint16_t>({65535, 300, 3}),
                Vec<uint16_t>({1, 24464, 6}));
  ExpectLiteral(BO::kFloorDivide, Vec<int64_t>({5, -5, 5, -5}), Vec<int64_t>({3, 3, -3, -3}),
                Vec<int64_t>({1, -2, -2, 1}));
  ExpectLiteral(BO::kMod, Vec<int64_t>({5, -5, 5, -5}), Vec<int64_t>({3, 3, -3, -3}), Vec<int64_t>({2, 1, -1, -2}));
  ExpectLiteral(BO::kFloorDivide, Vec<int32_t>({5, 0, -7}), Vec<int32_t>({0, 0, 0}), Vec<int32_t>({0, 0, 0}));
  ExpectLiteral(BO::kMod, Vec<uint32_t>({5, 0, 7}), Vec<uint32_t>({0, 0, 0}), Vec<uint32_t>({0, 0, 0}));
  ExpectLiteral(BO::kDivide, Vec<int32_t>({1, 0, -1, 7}), Vec<int32_t>({0, 0, 0, 2}),
                Vec<double>({HUGE_VAL, std::nan(""), -HUGE_VAL, 3.5}));
  ExpectLiteral(BO::kPower, Vec<int8_t>({2, 3, 0, -2}), Vec<int8_t>({9, 5, 0, 3}), Vec<int8_t>({0, -13, 1, -8}));
  ExpectLiteral(BO::kPower, Vec<uint8_t>({3, 2}), Vec<uint8_t>({7, 8}), Vec<uint8_t>({139, 0}));
  ExpectLiteral(BO::kMaximum, Vec<int64_t>({-1, 5}), Vec<uint8_t>({200, 3}), Vec<int64_t>({200, 5}));
  ExpectLiteral(BO::kAdd, Vec<int64_t>({1, -1}), Vec<uint64_t>({1, 2}), Vec<double>({2.0, 1.0}));
  ExpectLiteral(BO::kLess, Vec<int64_t>({-1, 3}), Vec<uint64_t>({1, 2}),
                test::EagerBinary(BO::kLess, Vec<double>({-1, 3}), Vec<double>({1, 2})).value());
}

TEST(Elementwise, IntegerMinimumEdgeCases) {
  // INT_MIN // -1 and INT_MIN % -1 are undefined in C++; numpy gives MIN and 0.
  using BO = BinaryOp;
  ExpectLiteral(BO::kFloorDivide, Vec<int8_t>({-128, 7}), Vec<int8_t>({-1, -1}), Vec<int8_t>({-128, -7}));
  ExpectLiteral(BO::kMod, Vec<int8_t>({-128, 7}), Vec<int8_t>({-1, -1}), Vec<int8_t>({0, 0}));
  const int64_t min64 = std::numeric_limits<int64_t>::min();
  ExpectLiteral(BO::kFloorDivide, Vec<int64_t>({min64, 9}), Vec<int64_t>({-1, -1}), Vec<int64_t>({min64, -9}));
  ExpectLiteral(BO::kMod, Vec<int64_t>({min64, 9}), Vec<int64_t>({-1, -1}), Vec<int64_t>({0, 0}));
  const Array lazy = Array::FromNdArray(Vec<int8_t>({-128, 5, -5}), Shape{2});
  EXPECT_TRUE(test::ArraysMatch(Vec<int8_t>({-128, -5, 5}), Eval(-lazy)));
  EXPECT_TRUE(test::ArraysMatch(Vec<int8_t>({-128, 5, 5}), Eval(lazy.Map(UnaryOp::kAbs))));
}

TEST(Elementwise, FloatFloorDivideAndModFollowPython) {
  using BO = BinaryOp;
  const double nan = std::nan("");
  ExpectLiteral(BO::kFloorDivide, Vec<double>({1.0, 1.0, 0.0, -1.0, 7.5}), Vec<double>({0.1, 0.0, 0.0, 0.0, -2.0}),
                Vec<double>({9.0, HUGE_VAL, nan, -HUGE_VAL, -4.0}));
  ExpectLiteral(BO::kMod, Vec<double>({1.0, 5.5, -5.5, 5.5, -5.5, 1.0}), Vec<double>({0.1, 3.0, 3.0, -3.0, -3.0, 0.0}),
                Vec<double>({0.09999999999999995, 2.5, 0.5, -0.5, -2.5, nan}));
  ExpectLiteral(BO::kFloorDivide, Vec<float>({1.0f, -7.0f}), Vec<float>({0.1f, 2.0f}), Vec<float>({9.0f, -4.0f}));
}

TEST(Elementwise, BoolOperandsFollowNumpy) {
  NdArray t = NdArray::Empty(DType::kBool, {4});
  NdArray u = NdArray::Empty(DType::kBool, {4});
  const bool tv[] = {true, true, false, false};
  const bool uv[] = {true, false, true, false};
  for (int i = 0; i < 4; ++i) {
    t.data<bool>()[i] = tv[i];
    u.data<bool>()[i] = uv[i];
  }
  Context& ctx = test::SharedContext(1);
  const Array a = Array::FromNdArray(t, Shape{3});
  const Array b = Array::FromNdArray(u, Shape{2});
  for (BinaryOp op : kAllBinaryOps) {
    SCOPED_TRACE(BinaryOpName(op));
    Result<NdArray> want = test::EagerBinary(op, t, u);
    if (!want.ok()) {
      EXPECT_TRUE(test::FailsToCompute(ctx, Elementwise(op, a, b))) << "numpy: " << want.status().ToString();
    } else {
      EXPECT_TRUE(test::ComputesTo(ctx, Elementwise(op, a, b), *want));
    }
  }
  EXPECT_EQ(Elementwise(BinaryOp::kAdd, a, b).dtype(), DType::kBool);
  EXPECT_EQ(Elementwise(BinaryOp::kFloorDivide, a, b).dtype(), DType::kInt8);
  EXPECT_EQ(Elementwise(BinaryOp::kDivide, a, b).dtype(), DType::kFloat64);
  EXPECT_TRUE(test::FailsToCompute(ctx, -a)) << "numpy: boolean negative is not supported";
  EXPECT_TRUE(test::FailsToCompute(ctx, a - b)) << "numpy: boolean subtract is not supported";
}

TEST(Elementwise, IntegersToNegativePowersFail) {
  Context& ctx = test::SharedContext(2);
  const Array a = Array::FromNdArray(Vec<int32_t>({2, 3, 4}), Shape{1});
  EXPECT_TRUE(test::FailsToCompute(ctx, Elementwise(BinaryOp::kPower, a, Scalar::Int(-1))));
  const Array e = Array::FromNdArray(Vec<int32_t>({1, -1, 2}), Shape{1});
  EXPECT_TRUE(test::FailsToCompute(ctx, Elementwise(BinaryOp::kPower, a, e)));
  EXPECT_TRUE(test::ComputesTo(ctx, Elementwise(BinaryOp::kPower, a, Scalar::Float(-1.0)),
                               Vec<double>({0.5, 1.0 / 3.0, 0.25}), test::ElementwiseTolerance(DType::kFloat64)));
}

TEST(Elementwise, ShapeMismatchIsAnErrorValue) {
  const Array a = Array::Ones(DType::kFloat64, {3, 4}, {2, 2});
  const Array b = Array::Ones(DType::kFloat64, {5}, {5});
  const Array bad = a + b;
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument) << bad.status().ToString();
  EXPECT_EQ((bad * 2).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.Sum().status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.Map(UnaryOp::kExp).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(test::FailsToCompute(test::SharedContext(1), bad.Sum({0}), StatusCode::kInvalidArgument));
  EXPECT_FALSE(Array().ok()) << "a default Array is invalid";
  EXPECT_FALSE((Array() + a).ok());
}

TEST(Elementwise, OperatorsAreElementwise) {
  Rng rng(test::SeedForCurrentTest());
  const NdArray x = test::RandomArray(rng, DType::kFloat64, {4, 5});
  const NdArray y = test::RandomArray(rng, DType::kInt16, {5});
  const Array a = Array::FromNdArray(x, Shape{3, 2});
  const Array b = Array::FromNdArray(y, Shape{4});
  const auto tol = test::ElementwiseTolerance(DType::kFloat64);
  Context& ctx = test::SharedContext(2);
  EXPECT_TRUE(test::ComputesTo(ctx, a + b, *test::EagerBinary(BinaryOp::kAdd, x, y), tol));
  EXPECT_TRUE(test::ComputesTo(ctx, a - b, *test::EagerBinary(BinaryOp::kSubtract, x, y), tol));
  EXPECT_TRUE(test::ComputesTo(ctx, a * b, *test::EagerBinary(BinaryOp::kMultiply, x, y), tol));
  EXPECT_TRUE(test::ComputesTo(ctx, a / b, *test::EagerBinary(BinaryOp::kDivide, x, y), tol));
  EXPECT_TRUE(test::ComputesTo(ctx, -a, *test::EagerUnary(UnaryOp::kNegative, x), tol));
  EXPECT_TRUE(test::ComputesTo(ctx, a + 2, *test::EagerBinary(BinaryOp::kAdd, x, Scalar::Int(2)), tol));
  EXPECT_TRUE(test::ComputesTo(ctx, 2.5 * b, *test::EagerBinary(BinaryOp::kMultiply, Scalar::Float(2.5), y), tol));
  EXPECT_TRUE(test::ComputesTo(ctx, 1 - b, *test::EagerBinary(BinaryOp::kSubtract, Scalar::Int(1), y), tol));
  EXPECT_TRUE(test::ComputesTo(ctx, b / 4, *test::EagerBinary(BinaryOp::kDivide, y, Scalar::Int(4)), tol));
}

TEST(Elementwise, KeepsTheChunksOfItsOperand) {
  const ChunkGrid grid = test::MakeGrid({{1, 3, 2}, {4, 1}});
  const Array a = Array::FromNdArray(NdArray::Zeros(DType::kInt32, {6, 5}), grid);
  EXPECT_EQ((a * 3).chunks(), grid);
  EXPECT_EQ(a.Map(UnaryOp::kSqrt).chunks(), grid);
  EXPECT_EQ((a + a).chunks(), grid);
  EXPECT_EQ(a.AsType(DType::kUInt8).chunks(), grid);
}

// ---- unary --------------------------------------------------------------------------------------

TEST(Elementwise, RandomUnary) {
  ForEachRandomCase(200, [](Rng& rng) {
    const UnaryOp op = kAllUnaryOps[rng.Int(0, std::size(kAllUnaryOps) - 1)];
    const DType dtype = test::RandomDType(rng);
    CheckUnary(rng, op, test::RandomArray(rng, dtype, test::RandomShape(rng), UnaryValues(rng, op)));
  });
}

TEST(Elementwise, EveryUnaryOpOnEveryDType) {
  Rng rng(test::SeedForCurrentTest());
  for (UnaryOp op : kAllUnaryOps) {
    for (DType dtype : kAllDTypes) {
      CheckUnary(rng, op, test::RandomArray(rng, dtype, test::RandomShape(rng, 1, 3, 6, 0.0), UnaryValues(rng, op)));
    }
  }
}

TEST(Elementwise, NaNAndInfinityInEveryUnaryOp) {
  Rng rng(test::SeedForCurrentTest());
  for (UnaryOp op : kAllUnaryOps) {
    for (DType dtype : {DType::kFloat32, DType::kFloat64}) {
      CheckUnary(rng, op, test::RandomArray(rng, dtype, {3, 7}, Values::kNaN));
    }
  }
}

TEST(Elementwise, UnarySpotChecks) {
  const double nan = std::nan("");
  const Array x = Array::FromNdArray(Vec<double>({0.5, 1.5, 2.5, -0.5, -1.5, nan}), Shape{4});
  EXPECT_TRUE(
      test::ComputesTo(test::SharedContext(1), x.Map(UnaryOp::kRint), Vec<double>({0.0, 2.0, 2.0, -0.0, -2.0, nan})))
      << "rint rounds half to even";
  EXPECT_TRUE(
      test::ComputesTo(test::SharedContext(1), x.Map(UnaryOp::kSign), Vec<double>({1.0, 1.0, 1.0, -1.0, -1.0, nan})));
  const Array i = Array::FromNdArray(Vec<int16_t>({-3, 0, 4}), Shape{2});
  EXPECT_EQ(i.Map(UnaryOp::kFloor).dtype(), DType::kFloat32) << "numpy 1.x: floor of int16 is float32 (like sqrt)";
  EXPECT_EQ(Array::FromNdArray(Vec<int64_t>({1}), Shape{1}).Map(UnaryOp::kRint).dtype(), DType::kFloat64);
  EXPECT_EQ(i.Map(UnaryOp::kSqrt).dtype(), DType::kFloat32);
  EXPECT_EQ(Array::FromNdArray(Vec<uint8_t>({1}), Shape{1}).Map(UnaryOp::kExp).dtype(), DType::kFloat32);
  EXPECT_EQ(Array::FromNdArray(Vec<int32_t>({1}), Shape{1}).Map(UnaryOp::kLog).dtype(), DType::kFloat64);
  EXPECT_TRUE(test::ComputesTo(test::SharedContext(1), i.Map(UnaryOp::kSign), Vec<int16_t>({-1, 0, 1})));
}

// ---- where, clip, astype --------------------------------------------------------------------------

TEST(Elementwise, RandomWhere) {
  ForEachRandomCase(120, [](Rng& rng) {
    const auto [out_shape, shapes] = test::RandomBroadcastShapes(rng, 3);
    const DType cond_dtype = rng.Chance(0.6) ? DType::kBool : test::RandomDType(rng);
    const NdArray c = test::RandomArray(rng, cond_dtype, shapes[0], rng.Chance(0.2) ? Values::kNaN : Values::kSmall);
    const NdArray a = test::RandomArray(rng, test::RandomDType(rng), shapes[1], Values::kFull);
    const NdArray b = test::RandomArray(rng, test::RandomDType(rng), shapes[2], Values::kFull);
    std::string ca;
    std::string cb;
    std::string cc;
    const Array lazy = Where(test::LazyWithRandomChunks(rng, c, &cc), test::LazyWithRandomChunks(rng, a, &ca),
                             test::LazyWithRandomChunks(rng, b, &cb));
    SCOPED_TRACE("where(" + test::Describe(c) + " " + cc + ", " + test::Describe(a) + " " + ca + ", " +
                 test::Describe(b) + " " + cb + ")");
    HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerWhere(c, a, b));
    EXPECT_TRUE(test::ComputesTo(test::RandomContext(rng), lazy, want));
  });
}

std::optional<Scalar> RandomBound(Rng& rng, bool integral) {
  if (rng.Chance(0.2)) return std::nullopt;
  if (integral) return Scalar::Int(rng.Int(-6, 6));
  return Scalar::Float(static_cast<double>(rng.Int(-24, 24)) / 4.0);
}

TEST(Elementwise, RandomClip) {
  ForEachRandomCase(120, [](Rng& rng) {
    const DType dtype = test::RandomDType(rng);
    const NdArray a = test::RandomArray(rng, dtype, test::RandomShape(rng),
                                        IsFloat(dtype) && rng.Chance(0.3) ? Values::kNaN : Values::kSmall);
    const bool integral = rng.Chance(0.5);
    std::optional<Scalar> lo = RandomBound(rng, integral);
    std::optional<Scalar> hi = RandomBound(rng, integral);
    if (lo && hi && lo->AsDouble() > hi->AsDouble()) std::swap(lo, hi);
    std::string chunks;
    const Array lazy = test::LazyWithRandomChunks(rng, a, &chunks).Clip(lo, hi);
    SCOPED_TRACE("clip(" + test::Describe(a) + " " + chunks + ", " + (lo ? std::to_string(lo->AsDouble()) : "None") +
                 ", " + (hi ? std::to_string(hi->AsDouble()) : "None") + ")");
    HC_ASSERT_OK_AND_ASSIGN(const NdArray want, test::EagerClip(a, lo, hi));
    EXPECT_TRUE(test::ComputesTo(test::RandomContext(rng), lazy, want));
  });
}

TEST(Elementwise, ClipDTypesMatchNumpy) {
  const Array u8 = Array::FromNdArray(Vec<uint8_t>({1, 2}), Shape{1});
  EXPECT_EQ(u8.Clip(Scalar::Int(0), Scalar::Int(300)).dtype(), DType::kUInt16);
  EXPECT_EQ(u8.Clip(Scalar::Float(0.0), Scalar::Float(3.0)).dtype(), DType::kFloat64);
  EXPECT_EQ(u8.Clip(std::nullopt, Scalar::Int(3)).dtype(), DType::kUInt8);
  EXPECT_EQ(u8.Clip(Scalar::Int(-1), Scalar::Int(300)).dtype(), DType::kInt16);
  EXPECT_EQ(u8.Clip(Scalar::Int(0), Scalar::Int(70000)).dtype(), DType::kUInt32);
  const Array f32 = Array::FromNdArray(Vec<float>({1, 2}), Shape{1});
  EXPECT_EQ(f32.Clip(Scalar::Int(0), Scalar::Float(3.5)).dtype(), DType::kFloat32);
  const Array f64 = Array::FromNdArray(Vec<double>({std::nan(""), 1, 5}), Shape{2});
  EXPECT_TRUE(test::ComputesTo(test::SharedContext(1), f64.Clip(Scalar::Int(2), Scalar::Int(3)),
                               Vec<double>({std::nan(""), 2, 3})));
  const Array i64 = Array::FromNdArray(Vec<int64_t>({1, 5, 9}), Shape{2});
  EXPECT_TRUE(
      test::ComputesTo(test::SharedContext(1), i64.Clip(Scalar::Int(6), Scalar::Int(3)), Vec<int64_t>({3, 3, 3})))
      << "numpy: lo > hi gives hi";
}

TEST(Elementwise, AsTypeEveryPair) {
  Rng rng(test::SeedForCurrentTest());
  for (DType from : kAllDTypes) {
    for (DType to : kAllDTypes) {
      const NdArray a = test::RandomArray(rng, from, test::RandomShape(rng, 1, 3, 6, 0.0),
                                          rng.Chance(0.5) ? Values::kFull : Values::kNaN);
      std::string chunks;
      const Array lazy = test::LazyWithRandomChunks(rng, a, &chunks).AsType(to);
      SCOPED_TRACE(test::Describe(a) + " " + chunks + " astype " + std::string(DTypeName(to)));
      EXPECT_TRUE(test::ComputesTo(test::RandomContext(rng), lazy, test::EagerAsType(a, to)));
    }
  }
}

}  // namespace
}  // namespace hyperchunk
