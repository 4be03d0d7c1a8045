// dtype rules against numpy 1.24.2 (tables generated with numpy.promote_types / numpy.result_type).
#include "hyperchunk/core/dtype.h"

#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "testing/compare.h"

namespace hyperchunk {
namespace {

using D = DType;

// numpy.promote_types(row, column), both in kAllDTypes order.
constexpr DType kPromoteTable[11][11] = {
    {D::kBool, D::kInt8, D::kInt16, D::kInt32, D::kInt64, D::kUInt8, D::kUInt16, D::kUInt32, D::kUInt64, D::kFloat32,
     D::kFloat64},
    {D::kInt8, D::kInt8, D::kInt16, D::kInt32, D::kInt64, D::kInt16, D::kInt32, D::kInt64, D::kFloat64, D::kFloat32,
     D::kFloat64},
    {D::kInt16, D::kInt16, D::kInt16, D::kInt32, D::kInt64, D::kInt16, D::kInt32, D::kInt64, D::kFloat64, D::kFloat32,
     D::kFloat64},
    {D::kInt32, D::kInt32, D::kInt32, D::kInt32, D::kInt64, D::kInt32, D::kInt32, D::kInt64, D::kFloat64, D::kFloat64,
     D::kFloat64},
    {D::kInt64, D::kInt64, D::kInt64, D::kInt64, D::kInt64, D::kInt64, D::kInt64, D::kInt64, D::kFloat64, D::kFloat64,
     D::kFloat64},
    {D::kUInt8, D::kInt16, D::kInt16, D::kInt32, D::kInt64, D::kUInt8, D::kUInt16, D::kUInt32, D::kUInt64, D::kFloat32,
     D::kFloat64},
    {D::kUInt16, D::kInt32, D::kInt32, D::kInt32, D::kInt64, D::kUInt16, D::kUInt16, D::kUInt32, D::kUInt64,
     D::kFloat32, D::kFloat64},
    {D::kUInt32, D::kInt64, D::kInt64, D::kInt64, D::kInt64, D::kUInt32, D::kUInt32, D::kUInt32, D::kUInt64,
     D::kFloat64, D::kFloat64},
    {D::kUInt64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kUInt64, D::kUInt64, D::kUInt64, D::kUInt64,
     D::kFloat64, D::kFloat64},
    {D::kFloat32, D::kFloat32, D::kFloat32, D::kFloat64, D::kFloat64, D::kFloat32, D::kFloat32, D::kFloat64,
     D::kFloat64, D::kFloat32, D::kFloat64},
    {D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64,
     D::kFloat64, D::kFloat64, D::kFloat64},
};

struct ScalarCase {
  Scalar scalar;
  const char* text;
  DType result[11];  // numpy.result_type(np.zeros(2, dtype), scalar) for each of kAllDTypes
};

const std::vector<ScalarCase>& ScalarCases() {
  static const std::vector<ScalarCase> cases = {
      {Scalar::Int(0),
       "0",
       {D::kInt64, D::kInt8, D::kInt16, D::kInt32, D::kInt64, D::kUInt8, D::kUInt16, D::kUInt32, D::kUInt64,
        D::kFloat32, D::kFloat64}},
      {Scalar::Int(1),
       "1",
       {D::kInt64, D::kInt8, D::kInt16, D::kInt32, D::kInt64, D::kUInt8, D::kUInt16, D::kUInt32, D::kUInt64,
        D::kFloat32, D::kFloat64}},
      {Scalar::Int(-1),
       "-1",
       {D::kInt64, D::kInt8, D::kInt16, D::kInt32, D::kInt64, D::kInt16, D::kInt32, D::kInt64, D::kFloat64, D::kFloat32,
        D::kFloat64}},
      {Scalar::Int(127),
       "127",
       {D::kInt64, D::kInt8, D::kInt16, D::kInt32, D::kInt64, D::kUInt8, D::kUInt16, D::kUInt32, D::kUInt64,
        D::kFloat32, D::kFloat64}},
      {Scalar::Int(128),
       "128",
       {D::kInt64, D::kInt16, D::kInt16, D::kInt32, D::kInt64, D::kUInt8, D::kUInt16, D::kUInt32, D::kUInt64,
        D::kFloat32, D::kFloat64}},
      {Scalar::Int(255),
       "255",
       {D::kInt64, D::kInt16, D::kInt16, D::kInt32, D::kInt64, D::kUInt8, D::kUInt16, D::kUInt32, D::kUInt64,
        D::kFloat32, D::kFloat64}},
      {Scalar::Int(256),
       "256",
       {D::kInt64, D::kInt16, D::kInt16, D::kInt32, D::kInt64, D::kUInt16, D::kUInt16, D::kUInt32, D::kUInt64,
        D::kFloat32, D::kFloat64}},
      {Scalar::Int(-128),
       "-128",
       {D::kInt64, D::kInt8, D::kInt16, D::kInt32, D::kInt64, D::kInt16, D::kInt32, D::kInt64, D::kFloat64, D::kFloat32,
        D::kFloat64}},
      {Scalar::Int(-129),
       "-129",
       {D::kInt64, D::kInt16, D::kInt16, D::kInt32, D::kInt64, D::kInt16, D::kInt32, D::kInt64, D::kFloat64,
        D::kFloat32, D::kFloat64}},
      {Scalar::Int(300),
       "300",
       {D::kInt64, D::kInt16, D::kInt16, D::kInt32, D::kInt64, D::kUInt16, D::kUInt16, D::kUInt32, D::kUInt64,
        D::kFloat32, D::kFloat64}},
      {Scalar::Int(32767),
       "32767",
       {D::kInt64, D::kInt16, D::kInt16, D::kInt32, D::kInt64, D::kUInt16, D::kUInt16, D::kUInt32, D::kUInt64,
        D::kFloat32, D::kFloat64}},
      {Scalar::Int(32768),
       "32768",
       {D::kInt64, D::kInt32, D::kInt32, D::kInt32, D::kInt64, D::kUInt16, D::kUInt16, D::kUInt32, D::kUInt64,
        D::kFloat32, D::kFloat64}},
      {Scalar::Int(65535),
       "65535",
       {D::kInt64, D::kInt32, D::kInt32, D::kInt32, D::kInt64, D::kUInt16, D::kUInt16, D::kUInt32, D::kUInt64,
        D::kFloat32, D::kFloat64}},
      {Scalar::Int(65536),
       "65536",
       {D::kInt64, D::kInt32, D::kInt32, D::kInt32, D::kInt64, D::kUInt32, D::kUInt32, D::kUInt32, D::kUInt64,
        D::kFloat64, D::kFloat64}},
      {Scalar::Int(-32769),
       "-32769",
       {D::kInt64, D::kInt32, D::kInt32, D::kInt32, D::kInt64, D::kInt32, D::kInt32, D::kInt64, D::kFloat64,
        D::kFloat64, D::kFloat64}},
      {Scalar::Int(2147483648),
       "2**31",
       {D::kInt64, D::kInt64, D::kInt64, D::kInt64, D::kInt64, D::kUInt32, D::kUInt32, D::kUInt32, D::kUInt64,
        D::kFloat64, D::kFloat64}},
      {Scalar::Int(4294967296),
       "2**32",
       {D::kInt64, D::kInt64, D::kInt64, D::kInt64, D::kInt64, D::kUInt64, D::kUInt64, D::kUInt64, D::kUInt64,
        D::kFloat64, D::kFloat64}},
      {Scalar::Int(-2147483649),
       "-2**31-1",
       {D::kInt64, D::kInt64, D::kInt64, D::kInt64, D::kInt64, D::kInt64, D::kInt64, D::kInt64, D::kFloat64,
        D::kFloat64, D::kFloat64}},
      {Scalar::Int(4611686018427387904),
       "2**62",
       {D::kInt64, D::kInt64, D::kInt64, D::kInt64, D::kInt64, D::kUInt64, D::kUInt64, D::kUInt64, D::kUInt64,
        D::kFloat64, D::kFloat64}},
      {Scalar::Float(0.5),
       "0.5",
       {D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64,
        D::kFloat64, D::kFloat32, D::kFloat64}},
      {Scalar::Float(1e40),
       "1e40",
       {D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64,
        D::kFloat64, D::kFloat64, D::kFloat64}},
      {Scalar::Float(-3.0),
       "-3.0",
       {D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64,
        D::kFloat64, D::kFloat32, D::kFloat64}},
      {Scalar::Bool(true),
       "True",
       {D::kBool, D::kInt8, D::kInt16, D::kInt32, D::kInt64, D::kUInt8, D::kUInt16, D::kUInt32, D::kUInt64, D::kFloat32,
        D::kFloat64}},
      {Scalar::Bool(false),
       "False",
       {D::kBool, D::kInt8, D::kInt16, D::kInt32, D::kInt64, D::kUInt8, D::kUInt16, D::kUInt32, D::kUInt64, D::kFloat32,
        D::kFloat64}},
  };
  return cases;
}

TEST(DType, SizesKindsAndNames) {
  const int64_t sizes[] = {1, 1, 2, 4, 8, 1, 2, 4, 8, 4, 8};
  const char* names[] = {"bool",   "int8",   "int16",  "int32",   "int64",  "uint8",
                         "uint16", "uint32", "uint64", "float32", "float64"};
  for (size_t i = 0; i < std::size(kAllDTypes); ++i) {
    const DType dtype = kAllDTypes[i];
    EXPECT_EQ(ItemSize(dtype), sizes[i]) << names[i];
    EXPECT_EQ(DTypeName(dtype), names[i]);
    HC_ASSERT_OK_AND_ASSIGN(const DType parsed, ParseDType(names[i]));
    EXPECT_EQ(parsed, dtype);
    VisitDType(dtype, [&]<typename T>() {
      EXPECT_EQ(static_cast<int64_t>(sizeof(T)), sizes[i]);
      EXPECT_EQ(DTypeOf<T>(), dtype);
    });
  }
  EXPECT_EQ(Kind(DType::kBool), DTypeKind::kBool);
  EXPECT_EQ(Kind(DType::kInt16), DTypeKind::kSignedInt);
  EXPECT_EQ(Kind(DType::kUInt64), DTypeKind::kUnsignedInt);
  EXPECT_EQ(Kind(DType::kFloat32), DTypeKind::kFloat);
  EXPECT_TRUE(IsFloat(DType::kFloat64));
  EXPECT_FALSE(IsFloat(DType::kInt64));
  EXPECT_TRUE(IsInteger(DType::kUInt8));
  EXPECT_TRUE(IsInteger(DType::kInt8));
  EXPECT_FALSE(IsInteger(DType::kBool));
  EXPECT_FALSE(IsInteger(DType::kFloat32));
  EXPECT_TRUE(IsSigned(DType::kInt32));
  EXPECT_TRUE(IsSigned(DType::kFloat32));
  EXPECT_FALSE(IsSigned(DType::kUInt32));
  EXPECT_FALSE(IsSigned(DType::kBool));
}

TEST(DType, ParseAliasesAndErrors) {
  EXPECT_EQ(*ParseDType("float"), DType::kFloat64);
  EXPECT_EQ(*ParseDType("int"), DType::kInt64);
  EXPECT_EQ(*ParseDType("uint"), DType::kUInt64);
  for (const char* bad : {"float16", "complex64", "bad", "", "Float32x", "int128"}) {
    Result<DType> parsed = ParseDType(bad);
    EXPECT_FALSE(parsed.ok()) << "'" << bad << "' parsed as " << DTypeName(*parsed);
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << bad;
      EXPECT_NE(parsed.status().message().find(bad), std::string::npos)
          << "the message should quote the bad name: " << parsed.status().ToString();
    }
  }
}

TEST(DType, PromoteSpotChecks) {
  EXPECT_EQ(PromoteTypes(D::kInt64, D::kUInt64), D::kFloat64);
  EXPECT_EQ(PromoteTypes(D::kInt8, D::kUInt8), D::kInt16);
  EXPECT_EQ(PromoteTypes(D::kUInt16, D::kInt32), D::kInt32);
  EXPECT_EQ(PromoteTypes(D::kFloat32, D::kInt32), D::kFloat64);
  EXPECT_EQ(PromoteTypes(D::kBool, D::kInt8), D::kInt8);
}

TEST(DType, PromoteMatchesNumpyForAllPairs) {
  for (size_t a = 0; a < 11; ++a) {
    for (size_t b = 0; b < 11; ++b) {
      EXPECT_EQ(PromoteTypes(kAllDTypes[a], kAllDTypes[b]), kPromoteTable[a][b])
          << "promote_types(" << DTypeName(kAllDTypes[a]) << ", " << DTypeName(kAllDTypes[b]) << ")";
    }
  }
}

TEST(DType, ResultTypeWithScalarSpotChecks) {
  EXPECT_EQ(ResultTypeWithScalar(D::kUInt8, Scalar::Int(300)), D::kUInt16);
  EXPECT_EQ(ResultTypeWithScalar(D::kUInt8, Scalar::Int(-1)), D::kInt16);
  EXPECT_EQ(ResultTypeWithScalar(D::kInt8, Scalar::Int(1)), D::kInt8);
  EXPECT_EQ(ResultTypeWithScalar(D::kFloat32, Scalar::Float(0.5)), D::kFloat32);
  EXPECT_EQ(ResultTypeWithScalar(D::kInt16, Scalar::Float(0.5)), D::kFloat64);
  EXPECT_EQ(ResultTypeWithScalar(D::kBool, Scalar::Int(1)), D::kInt64);
}

TEST(DType, ResultTypeWithScalarMatchesNumpy) {
  for (const ScalarCase& c : ScalarCases()) {
    for (size_t a = 0; a < 11; ++a) {
      EXPECT_EQ(ResultTypeWithScalar(kAllDTypes[a], c.scalar), c.result[a])
          << "numpy.result_type(np.zeros(2, " << DTypeName(kAllDTypes[a]) << "), " << c.text << ")";
    }
  }
}

TEST(DType, ResultTypeWithScalarAboveInt64) {
  // A Python int >= 2**63 (held in int_value's bits): numpy's min_scalar_type is uint64.
  Scalar big;
  big.kind = Scalar::Kind::kInt;
  big.int_value = std::numeric_limits<int64_t>::min();  // the bits of 2**63
  big.float_value = 9223372036854775808.0;
  big.uint64_above_int64 = true;
  EXPECT_EQ(big.AsDouble(), 9223372036854775808.0);
  EXPECT_EQ(ResultTypeWithScalar(D::kBool, big), D::kUInt64);
  EXPECT_EQ(ResultTypeWithScalar(D::kUInt8, big), D::kUInt64);
  EXPECT_EQ(ResultTypeWithScalar(D::kUInt64, big), D::kUInt64);
  EXPECT_EQ(ResultTypeWithScalar(D::kInt8, big), D::kFloat64);
  EXPECT_EQ(ResultTypeWithScalar(D::kInt64, big), D::kFloat64);
  EXPECT_EQ(ResultTypeWithScalar(D::kFloat32, big), D::kFloat64);
}

TEST(DType, ToScalarOfLargeUnsignedValues) {
  // A uint64 above INT64_MAX is a Python int above 2**63, not a negative one.
  const Scalar s = ToScalar(uint64_t{1} << 63);
  EXPECT_EQ(s.kind, Scalar::Kind::kInt);
  EXPECT_EQ(s.AsDouble(), 9223372036854775808.0);
  EXPECT_EQ(ResultTypeWithScalar(D::kUInt64, s), D::kUInt64) << "numpy: uint64 array + 2**63 stays uint64";
}

TEST(DType, ScalarAsDouble) {
  EXPECT_EQ(Scalar::Int(-7).AsDouble(), -7.0);
  EXPECT_EQ(Scalar::Float(2.5).AsDouble(), 2.5);
  EXPECT_EQ(Scalar::Bool(true).AsDouble(), 1.0);
  EXPECT_EQ(ToScalar(3).kind, Scalar::Kind::kInt);
  EXPECT_EQ(ToScalar(uint8_t{3}).kind, Scalar::Kind::kInt);
  EXPECT_EQ(ToScalar(3.0f).kind, Scalar::Kind::kFloat);
  EXPECT_EQ(ToScalar(true).kind, Scalar::Kind::kBool);
}

TEST(DType, ReductionResultTypes) {
  // numpy on 64-bit Linux: np.sum(x).dtype, np.mean(x).dtype for x of each dtype.
  const DType sums[] = {D::kInt64,  D::kInt64,  D::kInt64,  D::kInt64,   D::kInt64,  D::kUInt64,
                        D::kUInt64, D::kUInt64, D::kUInt64, D::kFloat32, D::kFloat64};
  const DType means[] = {D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat64,
                         D::kFloat64, D::kFloat64, D::kFloat64, D::kFloat32, D::kFloat64};
  for (size_t i = 0; i < 11; ++i) {
    EXPECT_EQ(SumResultType(kAllDTypes[i]), sums[i]) << DTypeName(kAllDTypes[i]);
    EXPECT_EQ(MeanResultType(kAllDTypes[i]), means[i]) << DTypeName(kAllDTypes[i]);
  }
  EXPECT_EQ(SumResultType(D::kUInt16), D::kUInt64);
  EXPECT_EQ(SumResultType(D::kInt8), D::kInt64);
  EXPECT_EQ(SumResultType(D::kFloat32), D::kFloat32);
  EXPECT_EQ(MeanResultType(D::kUInt16), D::kFloat64);
}

TEST(DType, FloatUfuncResultTypes) {
  // numpy.sqrt(x).dtype, with float16 replaced by float32 (hyperchunk has no float16).
  const DType want[] = {D::kFloat32, D::kFloat32, D::kFloat32, D::kFloat64, D::kFloat64, D::kFloat32,
                        D::kFloat32, D::kFloat64, D::kFloat64, D::kFloat32, D::kFloat64};
  for (size_t i = 0; i < 11; ++i) EXPECT_EQ(FloatUfuncResultType(kAllDTypes[i]), want[i]) << DTypeName(kAllDTypes[i]);
}

TEST(DType, CastValueFollowsNumpyOnX86) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // NaN and out-of-range floats give the target's minimum (numpy on x86-64).
  EXPECT_EQ(CastValue<int32_t>(nan), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(CastValue<int64_t>(nan), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(CastValue<uint8_t>(nan), 0);
  EXPECT_EQ(CastValue<int32_t>(1e20), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(CastValue<int16_t>(std::numeric_limits<float>::infinity()), std::numeric_limits<int16_t>::min());
  // Truncation toward zero, including at the edge of the range.
  EXPECT_EQ(CastValue<int32_t>(3.7), 3);
  EXPECT_EQ(CastValue<int32_t>(-3.7), -3);
  EXPECT_EQ(CastValue<int8_t>(127.9), 127);
  EXPECT_EQ(CastValue<int8_t>(-128.9), -128);
  EXPECT_EQ(CastValue<uint8_t>(-0.5), 0);
  EXPECT_EQ(CastValue<int64_t>(9.2e18), int64_t{9200000000000000000});
  // Integers wrap; anything non-zero is true; bools are 0 and 1.
  EXPECT_EQ(CastValue<uint8_t>(int8_t{-1}), 255);
  EXPECT_EQ(CastValue<int8_t>(int32_t{300}), 44);
  EXPECT_EQ(CastValue<uint16_t>(int64_t{-1}), 65535);
  EXPECT_EQ(CastValue<bool>(0.1), true);
  EXPECT_EQ(CastValue<bool>(nan), true);
  EXPECT_EQ(CastValue<bool>(int16_t{0}), false);
  EXPECT_EQ(CastValue<double>(true), 1.0);
  EXPECT_EQ(CastValue<float>(uint64_t{1} << 63), 9223372036854775808.0f);
  EXPECT_TRUE(std::isnan(CastValue<float>(nan)));
}

}  // namespace
}  // namespace hyperchunk
