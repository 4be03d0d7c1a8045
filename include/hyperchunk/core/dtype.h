// Element types and numpy's type-promotion rules (numpy 1.24, the version HyperSpy 1.7.3 runs on).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "hyperchunk/core/status.h"

namespace hyperchunk {

/// Element type of an array. float16 and complex types are not supported.
enum class DType : uint8_t {
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
};

inline constexpr DType kAllDTypes[] = {DType::kBool,   DType::kInt8,    DType::kInt16,  DType::kInt32,
                                       DType::kInt64,  DType::kUInt8,   DType::kUInt16, DType::kUInt32,
                                       DType::kUInt64, DType::kFloat32, DType::kFloat64};

/// Kind in numpy's ordering of categories: bool < integer < float.
enum class DTypeKind : uint8_t { kBool, kSignedInt, kUnsignedInt, kFloat };

/// Size of one element in bytes.
int64_t ItemSize(DType dtype);
DTypeKind Kind(DType dtype);
bool IsFloat(DType dtype);
bool IsInteger(DType dtype);  ///< signed or unsigned integer (not bool)
bool IsSigned(DType dtype);   ///< signed integers and floats
/// numpy's name: "bool", "int8", ..., "uint64", "float32", "float64".
std::string_view DTypeName(DType dtype);
/// Parses numpy names and a few aliases ("float" = float64, "int" = int64, "uint" = uint64).
Result<DType> ParseDType(std::string_view name);

/// numpy.promote_types(a, b): the smallest type both cast to safely (int64 with uint64 is float64).
DType PromoteTypes(DType a, DType b);

/// A Python scalar operand (numpy 1.x value-based casting): the kind and the value matter.
struct Scalar {
  enum class Kind : uint8_t { kBool, kInt, kFloat };
  Kind kind = Kind::kFloat;
  double float_value = 0;           ///< the value when kind is kFloat (or kBool/kInt as double)
  int64_t int_value = 0;            ///< the value when kind is kInt or kBool
  bool uint64_above_int64 = false;  ///< an integer >= 2^63 held in int_value's bits

  static Scalar Bool(bool v) { return {Kind::kBool, v ? 1.0 : 0.0, v ? 1 : 0, false}; }
  static Scalar Int(int64_t v) { return {Kind::kInt, static_cast<double>(v), v, false}; }
  static Scalar Float(double v) { return {Kind::kFloat, v, 0, false}; }
  double AsDouble() const;
};

/// numpy.result_type(array_of_dtype, python_scalar) under numpy 1.x value-based casting:
/// a scalar of a lower or equal category adopts the array's type when its value fits.
DType ResultTypeWithScalar(DType array_dtype, const Scalar& scalar);

/// Result dtypes of reductions (numpy, on a 64-bit Linux): sum/nansum of bool and signed ints is
/// int64, of unsigned ints uint64, floats keep theirs; mean/var/std of bool and ints is float64;
/// max/min keep the dtype; argmax/argmin are int64.
DType SumResultType(DType dtype);
DType MeanResultType(DType dtype);

/// Result dtype of numpy's float ufuncs (sqrt, exp, log, sin, ..., true divide's float loop) for
/// one input: floats keep theirs; int8/uint8/bool would be float16 in numpy — hyperchunk has no
/// float16 and gives float32; int16/uint16 give float32; wider ints give float64.
DType FloatUfuncResultType(DType dtype);

/// The C++ type of each DType, and back.
template <DType D>
struct DTypeTraits;
#define HC_DTYPE_TRAITS(D, T) \
  template <>                 \
  struct DTypeTraits<D> {     \
    using type = T;           \
  };
HC_DTYPE_TRAITS(DType::kBool, bool)
HC_DTYPE_TRAITS(DType::kInt8, int8_t)
HC_DTYPE_TRAITS(DType::kInt16, int16_t)
HC_DTYPE_TRAITS(DType::kInt32, int32_t)
HC_DTYPE_TRAITS(DType::kInt64, int64_t)
HC_DTYPE_TRAITS(DType::kUInt8, uint8_t)
HC_DTYPE_TRAITS(DType::kUInt16, uint16_t)
HC_DTYPE_TRAITS(DType::kUInt32, uint32_t)
HC_DTYPE_TRAITS(DType::kUInt64, uint64_t)
HC_DTYPE_TRAITS(DType::kFloat32, float)
HC_DTYPE_TRAITS(DType::kFloat64, double)
#undef HC_DTYPE_TRAITS

template <typename T>
constexpr DType DTypeOf() {
  if constexpr (std::is_same_v<T, bool>) return DType::kBool;
  else if constexpr (std::is_same_v<T, int8_t>) return DType::kInt8;
  else if constexpr (std::is_same_v<T, int16_t>) return DType::kInt16;
  else if constexpr (std::is_same_v<T, int32_t>) return DType::kInt32;
  else if constexpr (std::is_same_v<T, int64_t>) return DType::kInt64;
  else if constexpr (std::is_same_v<T, uint8_t>) return DType::kUInt8;
  else if constexpr (std::is_same_v<T, uint16_t>) return DType::kUInt16;
  else if constexpr (std::is_same_v<T, uint32_t>) return DType::kUInt32;
  else if constexpr (std::is_same_v<T, uint64_t>) return DType::kUInt64;
  else if constexpr (std::is_same_v<T, float>) return DType::kFloat32;
  else if constexpr (std::is_same_v<T, double>) return DType::kFloat64;
  else static_assert(sizeof(T) == 0, "unsupported element type");
}

/// Calls `f.template operator()<T>()` with T the C++ type of `dtype`.
template <typename F>
decltype(auto) VisitDType(DType dtype, F&& f) {
  switch (dtype) {
    case DType::kBool: return f.template operator()<bool>();
    case DType::kInt8: return f.template operator()<int8_t>();
    case DType::kInt16: return f.template operator()<int16_t>();
    case DType::kInt32: return f.template operator()<int32_t>();
    case DType::kInt64: return f.template operator()<int64_t>();
    case DType::kUInt8: return f.template operator()<uint8_t>();
    case DType::kUInt16: return f.template operator()<uint16_t>();
    case DType::kUInt32: return f.template operator()<uint32_t>();
    case DType::kUInt64: return f.template operator()<uint64_t>();
    case DType::kFloat32: return f.template operator()<float>();
    case DType::kFloat64: break;
  }
  return f.template operator()<double>();
}

/// numpy's cast of one value (astype with casting="unsafe"): floats to ints truncate toward zero;
/// NaN and out-of-range values give the target's minimum (what numpy does on x86-64) instead of C++'s
/// undefined behaviour; integers wrap; anything non-zero is true.
template <typename To, typename From>
inline To CastValue(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
    // Valid range of the truncated value: [min, max] of To. Compare in long double to be exact.
    if (!(v == v)) return std::numeric_limits<To>::min();
    const long double t = static_cast<long double>(v);
    if (t <= static_cast<long double>(std::numeric_limits<To>::min()) - 1.0L ||
        t >= static_cast<long double>(std::numeric_limits<To>::max()) + 1.0L)
      return std::numeric_limits<To>::min();
    return static_cast<To>(v);
  } else {
    return static_cast<To>(v);
  }
}

}  // namespace hyperchunk
