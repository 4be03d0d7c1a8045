#include "hyperchunk/core/dtype.h"

#include <cmath>
#include <string>

namespace hyperchunk {

int64_t ItemSize(DType dtype) {
  switch (dtype) {
    case DType::kBool:
    case DType::kInt8:
    case DType::kUInt8: return 1;
    case DType::kInt16:
    case DType::kUInt16: return 2;
    case DType::kInt32:
    case DType::kUInt32:
    case DType::kFloat32: return 4;
    case DType::kInt64:
    case DType::kUInt64:
    case DType::kFloat64: return 8;
  }
  return 8;
}

DTypeKind Kind(DType dtype) {
  switch (dtype) {
    case DType::kBool: return DTypeKind::kBool;
    case DType::kInt8:
    case DType::kInt16:
    case DType::kInt32:
    case DType::kInt64: return DTypeKind::kSignedInt;
    case DType::kUInt8:
    case DType::kUInt16:
    case DType::kUInt32:
    case DType::kUInt64: return DTypeKind::kUnsignedInt;
    case DType::kFloat32:
    case DType::kFloat64: return DTypeKind::kFloat;
  }
  return DTypeKind::kFloat;
}

bool IsFloat(DType dtype) { return Kind(dtype) == DTypeKind::kFloat; }
bool IsInteger(DType dtype) { return Kind(dtype) == DTypeKind::kSignedInt || Kind(dtype) == DTypeKind::kUnsignedInt; }
bool IsSigned(DType dtype) { return Kind(dtype) == DTypeKind::kSignedInt || Kind(dtype) == DTypeKind::kFloat; }

std::string_view DTypeName(DType dtype) {
  switch (dtype) {
    case DType::kBool: return "bool";
    case DType::kInt8: return "int8";
    case DType::kInt16: return "int16";
    case DType::kInt32: return "int32";
    case DType::kInt64: return "int64";
    case DType::kUInt8: return "uint8";
    case DType::kUInt16: return "uint16";
    case DType::kUInt32: return "uint32";
    case DType::kUInt64: return "uint64";
    case DType::kFloat32: return "float32";
    case DType::kFloat64: return "float64";
  }
  return "?";
}

Result<DType> ParseDType(std::string_view name) {
  for (DType d : kAllDTypes) {
    if (DTypeName(d) == name) return d;
  }
  if (name == "float" || name == "double" || name == "f8" || name == "<f8") return DType::kFloat64;
  if (name == "f4" || name == "<f4" || name == "single") return DType::kFloat32;
  if (name == "int" || name == "i8" || name == "<i8") return DType::kInt64;
  if (name == "uint" || name == "u8" || name == "<u8") return DType::kUInt64;
  if (name == "bool_" || name == "?") return DType::kBool;
  return InvalidArgument("unknown dtype '" + std::string(name) +
                         "' (expected bool, int8..int64, uint8..uint64, float32 or float64)");
}

namespace {

DType SignedOfSize(int64_t size) {
  switch (size) {
    case 1: return DType::kInt8;
    case 2: return DType::kInt16;
    case 4: return DType::kInt32;
    default: return DType::kInt64;
  }
}

}  // namespace

DType PromoteTypes(DType a, DType b) {
  if (a == b) return a;
  const DTypeKind ka = Kind(a), kb = Kind(b);
  if (ka == DTypeKind::kBool) return b;
  if (kb == DTypeKind::kBool) return a;
  if (ka == kb) return ItemSize(a) >= ItemSize(b) ? a : b;
  if (ka == DTypeKind::kFloat || kb == DTypeKind::kFloat) {
    const DType f = ka == DTypeKind::kFloat ? a : b;
    const DType i = ka == DTypeKind::kFloat ? b : a;
    if (f == DType::kFloat64) return f;
    return ItemSize(i) <= 2 ? DType::kFloat32 : DType::kFloat64;
  }
  // One signed, one unsigned integer.
  const DType s = ka == DTypeKind::kSignedInt ? a : b;
  const DType u = ka == DTypeKind::kSignedInt ? b : a;
  if (ItemSize(u) < ItemSize(s)) return s;
  if (ItemSize(u) == 8) return DType::kFloat64;
  return SignedOfSize(ItemSize(u) * 2);
}

double Scalar::AsDouble() const {
  if (kind == Kind::kFloat) return float_value;
  if (uint64_above_int64) return static_cast<double>(static_cast<uint64_t>(int_value));
  return static_cast<double>(int_value);
}

namespace {

int Category(DTypeKind k) {
  switch (k) {
    case DTypeKind::kBool: return 0;
    case DTypeKind::kSignedInt:
    case DTypeKind::kUnsignedInt: return 1;
    case DTypeKind::kFloat: return 2;
  }
  return 2;
}

int Category(Scalar::Kind k) {
  switch (k) {
    case Scalar::Kind::kBool: return 0;
    case Scalar::Kind::kInt: return 1;
    case Scalar::Kind::kFloat: return 2;
  }
  return 2;
}

// numpy.min_scalar_type of a Python int, plus numpy's "small unsigned" flag: a non-negative value
// that also fits the signed type of the same size.
DType MinIntType(const Scalar& s, bool* small_unsigned) {
  *small_unsigned = false;
  if (s.uint64_above_int64) return DType::kUInt64;
  const int64_t v = s.int_value;
  if (v >= 0) {
    DType t = DType::kUInt64;
    if (v <= 0xFF) t = DType::kUInt8;
    else if (v <= 0xFFFF) t = DType::kUInt16;
    else if (v <= 0xFFFFFFFFLL) t = DType::kUInt32;
    const int64_t signed_max = ItemSize(t) == 8 ? INT64_MAX : (int64_t{1} << (8 * ItemSize(t) - 1)) - 1;
    *small_unsigned = v <= signed_max;
    return t;
  }
  if (v >= INT8_MIN) return DType::kInt8;
  if (v >= INT16_MIN) return DType::kInt16;
  if (v >= INT32_MIN) return DType::kInt32;
  return DType::kInt64;
}

}  // namespace

DType ResultTypeWithScalar(DType array_dtype, const Scalar& scalar) {
  if (Category(scalar.kind) > Category(Kind(array_dtype))) {
    // The scalar's default type takes part: Python int -> int64 (uint64 past it), float -> float64.
    DType def = DType::kFloat64;
    if (scalar.kind == Scalar::Kind::kInt) def = scalar.uint64_above_int64 ? DType::kUInt64 : DType::kInt64;
    if (scalar.kind == Scalar::Kind::kBool) def = DType::kBool;
    return PromoteTypes(array_dtype, def);
  }
  switch (scalar.kind) {
    case Scalar::Kind::kBool: return array_dtype;
    case Scalar::Kind::kInt: {
      bool small_unsigned = false;
      DType t = MinIntType(scalar, &small_unsigned);
      if (small_unsigned && Kind(array_dtype) == DTypeKind::kSignedInt) t = SignedOfSize(ItemSize(t));
      return PromoteTypes(array_dtype, t);
    }
    case Scalar::Kind::kFloat: {
      const double a = std::fabs(scalar.float_value);
      // float16 and float32 minimum types both leave a float32 array as it is.
      if (std::isfinite(a) && a > 3.4028234663852886e38) return DType::kFloat64;
      return array_dtype;
    }
  }
  return array_dtype;
}

DType SumResultType(DType dtype) {
  switch (Kind(dtype)) {
    case DTypeKind::kBool:
    case DTypeKind::kSignedInt: return DType::kInt64;
    case DTypeKind::kUnsignedInt: return DType::kUInt64;
    case DTypeKind::kFloat: return dtype;
  }
  return dtype;
}

DType MeanResultType(DType dtype) { return IsFloat(dtype) ? dtype : DType::kFloat64; }

DType FloatUfuncResultType(DType dtype) {
  if (IsFloat(dtype)) return dtype;
  return ItemSize(dtype) <= 2 ? DType::kFloat32 : DType::kFloat64;
}

}  // namespace hyperchunk
