// The eager reference: dtype rules, elementwise operations and sources.
#include "testing/eager.h"

#include <cmath>
#include <limits>
#include <string>

#include "testing/eager_internal.h"

namespace hyperchunk::test {
namespace {

using internal::BroadcastStrides;
using internal::Dot;
using internal::ForEachIndex;
using internal::kIsInt;
using internal::WrapAdd;
using internal::WrapMul;
using internal::WrapNeg;
using internal::WrapSub;

bool IsComparison(BinaryOp op) {
  return op == BinaryOp::kEqual || op == BinaryOp::kNotEqual || op == BinaryOp::kLess || op == BinaryOp::kLessEqual ||
         op == BinaryOp::kGreater || op == BinaryOp::kGreaterEqual;
}
bool IsLogical(BinaryOp op) { return op == BinaryOp::kLogicalAnd || op == BinaryOp::kLogicalOr; }

// ---- numpy's float floor division and remainder (npy_divmod, numpy 1.24) ----------------------------
template <typename T>
T NumpyDivmod(T a, T b, T* modulus) {
  T mod = std::fmod(a, b);
  T div = (a - mod) / b;
  if (mod != T(0)) {
    if ((b < T(0)) != (mod < T(0))) {
      mod += b;
      div -= T(1);
    }
  } else {
    mod = std::copysign(T(0), b);
  }
  T floordiv;
  if (div != T(0)) {
    floordiv = std::floor(div);
    if (div - floordiv > T(0.5)) floordiv += T(1);
  } else {
    floordiv = std::copysign(T(0), a / b);
  }
  *modulus = mod;
  return floordiv;
}
template <typename T>
T NumpyFloorDivide(T a, T b) {
  if (b == T(0)) return a / b;
  T mod;
  return NumpyDivmod(a, b, &mod);
}
template <typename T>
T NumpyRemainder(T a, T b) {
  if (b == T(0)) return std::fmod(a, b);
  T mod;
  NumpyDivmod(a, b, &mod);
  return mod;
}

// ---- Python's integer floor division and modulo (x // 0 = 0, x % 0 = 0 as numpy) ------------------
template <typename T>
T PyFloorDiv(T x, T y) {
  if (y == 0) return 0;
  if constexpr (std::is_signed_v<T>) {
    if (y == -1) return WrapNeg(x);  // MIN // -1 wraps to MIN, as numpy
    T q = static_cast<T>(x / y);
    if (x % y != 0 && ((x < 0) != (y < 0))) q = static_cast<T>(q - 1);
    return q;
  } else {
    return static_cast<T>(x / y);
  }
}
template <typename T>
T PyMod(T x, T y) {
  if (y == 0) return 0;
  if constexpr (std::is_signed_v<T>) {
    if (y == -1) return 0;
    T r = static_cast<T>(x % y);
    if (r != 0 && ((r < 0) != (y < 0))) r = static_cast<T>(r + y);
    return r;
  } else {
    return static_cast<T>(x % y);
  }
}
template <typename T>
T IntPower(T base, T exponent) {
  uint64_t result = 1;
  uint64_t b = static_cast<uint64_t>(base);
  uint64_t e = static_cast<uint64_t>(exponent);
  while (e != 0) {
    if (e & 1) result *= b;
    b *= b;
    e >>= 1;
  }
  return static_cast<T>(result);
}

/// One element of an arithmetic op in the loop type T (the result type).
template <typename T>
T Arithmetic(BinaryOp op, T x, T y, Status& error) {
  if constexpr (std::is_same_v<T, bool>) {
    switch (op) {
      case BinaryOp::kAdd:
      case BinaryOp::kMaximum: return x || y;
      case BinaryOp::kMultiply:
      case BinaryOp::kMinimum: return x && y;
      default: break;
    }
  } else if constexpr (kIsInt<T>) {
    switch (op) {
      case BinaryOp::kAdd: return WrapAdd(x, y);
      case BinaryOp::kSubtract: return WrapSub(x, y);
      case BinaryOp::kMultiply: return WrapMul(x, y);
      case BinaryOp::kFloorDivide: return PyFloorDiv(x, y);
      case BinaryOp::kMod: return PyMod(x, y);
      case BinaryOp::kPower:
        if constexpr (std::is_signed_v<T>) {
          if (y < 0) {
            error = InvalidArgument("Integers to negative integer powers are not allowed.");
            return 0;
          }
        }
        return IntPower(x, y);
      case BinaryOp::kMaximum: return x >= y ? x : y;
      case BinaryOp::kMinimum: return x <= y ? x : y;
      default: break;
    }
  } else {
    switch (op) {
      case BinaryOp::kAdd: return x + y;
      case BinaryOp::kSubtract: return x - y;
      case BinaryOp::kMultiply: return x * y;
      case BinaryOp::kDivide: return x / y;
      case BinaryOp::kFloorDivide: return NumpyFloorDivide(x, y);
      case BinaryOp::kMod: return NumpyRemainder(x, y);
      case BinaryOp::kPower: return std::pow(x, y);
      case BinaryOp::kMaximum: return (x >= y || std::isnan(x)) ? x : y;  // numpy: NaN propagates
      case BinaryOp::kMinimum: return (x <= y || std::isnan(x)) ? x : y;
      default: break;
    }
  }
  error = Internal("eager reference: op not valid for the loop type");
  return T{};
}

template <typename T>
bool Compare(BinaryOp op, T x, T y) {
  switch (op) {
    case BinaryOp::kEqual: return x == y;
    case BinaryOp::kNotEqual: return x != y;
    case BinaryOp::kLess: return x < y;
    case BinaryOp::kLessEqual: return x <= y;
    case BinaryOp::kGreater: return x > y;
    case BinaryOp::kGreaterEqual: return x >= y;
    case BinaryOp::kLogicalAnd: return x && y;
    case BinaryOp::kLogicalOr: return x || y;
    default: return false;
  }
}

/// The loop type of a binary op: the type both operands are cast to before the op.
DType LoopType(BinaryOp op, DType a, DType b, DType result) {
  if (IsLogical(op)) return DType::kBool;
  if (IsComparison(op)) return PromoteTypes(a, b);
  return result;
}

template <typename T>
T UnaryInLoopType(UnaryOp op, T x) {
  if constexpr (std::is_same_v<T, bool>) {
    return x;  // abs
  } else if constexpr (kIsInt<T>) {
    switch (op) {
      case UnaryOp::kNegative: return WrapNeg(x);
      case UnaryOp::kAbs:
        if constexpr (std::is_signed_v<T>) return x < 0 ? WrapNeg(x) : x;
        else return x;
      case UnaryOp::kSquare: return WrapMul(x, x);
      case UnaryOp::kSign:
        if constexpr (std::is_signed_v<T>) return static_cast<T>((x > 0) - (x < 0));
        else return static_cast<T>(x > 0 ? 1 : 0);
      default: return x;
    }
  } else {
    switch (op) {
      case UnaryOp::kNegative: return -x;
      case UnaryOp::kAbs: return std::fabs(x);
      case UnaryOp::kSquare: return x * x;
      case UnaryOp::kSqrt: return std::sqrt(x);
      case UnaryOp::kExp: return std::exp(x);
      case UnaryOp::kLog: return std::log(x);
      case UnaryOp::kLog10: return std::log10(x);
      case UnaryOp::kLog1p: return std::log1p(x);
      case UnaryOp::kSin: return std::sin(x);
      case UnaryOp::kCos: return std::cos(x);
      case UnaryOp::kTan: return std::tan(x);
      case UnaryOp::kFloor: return std::floor(x);
      case UnaryOp::kCeil: return std::ceil(x);
      case UnaryOp::kRint: return std::nearbyint(x);
      case UnaryOp::kSign: return std::isnan(x) ? x : static_cast<T>((x > 0) - (x < 0));
      default: return x;
    }
  }
}

template <typename T>
bool UnaryPredicate(UnaryOp op, T x) {
  switch (op) {
    case UnaryOp::kIsNan:
      if constexpr (std::is_floating_point_v<T>) return std::isnan(x);
      else return false;
    case UnaryOp::kIsFinite:
      if constexpr (std::is_floating_point_v<T>) return std::isfinite(x);
      else return true;
    default:  // logical_not
      return x == T(0);
  }
}

bool IsPredicate(UnaryOp op) { return op == UnaryOp::kIsNan || op == UnaryOp::kIsFinite || op == UnaryOp::kLogicalNot; }

}  // namespace

// ---- rules ------------------------------------------------------------------------------------

Index CountElements(const Shape& shape) {
  Index n = 1;
  for (Index extent : shape) n *= extent;
  return n;
}

Result<Shape> BroadcastShapes(const Shape& a, const Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const Index ea = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const Index eb = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (ea != eb && ea != 1 && eb != 1) {
      return InvalidArgument("operands could not be broadcast together with shapes " + std::to_string(a.size()) +
                             "-d and " + std::to_string(b.size()) + "-d");
    }
    out[i] = ea == 1 ? eb : ea;
  }
  return out;
}

Result<DType> BinaryResultType(BinaryOp op, DType a, DType b) {
  const DType promoted = PromoteTypes(a, b);
  if (IsComparison(op) || IsLogical(op)) return DType::kBool;
  switch (op) {
    case BinaryOp::kSubtract:
      if (promoted == DType::kBool) return InvalidArgument("numpy boolean subtract is not supported");
      return promoted;
    case BinaryOp::kDivide: return IsFloat(promoted) ? promoted : DType::kFloat64;
    case BinaryOp::kFloorDivide:
    case BinaryOp::kMod:
    case BinaryOp::kPower: return promoted == DType::kBool ? DType::kInt8 : promoted;
    default: return promoted;
  }
}

Result<DType> UnaryResultType(UnaryOp op, DType a) {
  switch (op) {
    case UnaryOp::kNegative:
      if (a == DType::kBool) return InvalidArgument("numpy boolean negative is not supported");
      return a;
    case UnaryOp::kSign:
      if (a == DType::kBool) return InvalidArgument("numpy sign has no loop for bool");
      return a;
    case UnaryOp::kSquare: return a == DType::kBool ? DType::kInt8 : a;
    case UnaryOp::kAbs: return a;
    case UnaryOp::kIsNan:
    case UnaryOp::kIsFinite:
    case UnaryOp::kLogicalNot: return DType::kBool;
    default: return FloatUfuncResultType(a);
  }
}

DType ReduceResultType(ReduceOp op, DType a) {
  switch (op) {
    case ReduceOp::kSum:
    case ReduceOp::kNanSum: return SumResultType(a);
    case ReduceOp::kMean:
    case ReduceOp::kNanMean:
    case ReduceOp::kVar:
    case ReduceOp::kStd: return MeanResultType(a);
    case ReduceOp::kMin:
    case ReduceOp::kMax: return a;
    case ReduceOp::kArgMin:
    case ReduceOp::kArgMax: return DType::kInt64;
  }
  return a;
}

DType ClipResultType(DType a, const std::optional<Scalar>& lo, const std::optional<Scalar>& hi) {
  // numpy 1.24 combines both scalars' values with the array's dtype; applying the value-based rule
  // bound by bound agrees with it wherever lo <= hi (np.clip(uint8, -1, 300) is int16).
  DType result = a;
  if (lo) result = ResultTypeWithScalar(result, *lo);
  if (hi) result = ResultTypeWithScalar(result, *hi);
  return result;
}

// ---- elementwise ------------------------------------------------------------------------------

NdArray EagerAsType(const NdArray& a, DType dtype) {
  NdArray out = NdArray::Empty(dtype, a.shape());
  VisitDType(a.dtype(), [&]<typename From>() {
    VisitDType(dtype, [&]<typename To>() {
      const From* src = a.data<From>();
      To* dst = out.data<To>();
      for (Index i = 0; i < a.size(); ++i) dst[i] = CastValue<To>(src[i]);
    });
  });
  return out;
}

NdArray ScalarArray(const Scalar& scalar, DType dtype) {
  NdArray out = NdArray::Empty(dtype, {});
  VisitDType(dtype, [&]<typename T>() {
    T* dst = out.data<T>();
    if (scalar.kind == Scalar::Kind::kFloat) dst[0] = CastValue<T>(scalar.float_value);
    else if (scalar.uint64_above_int64) dst[0] = CastValue<T>(static_cast<uint64_t>(scalar.int_value));
    else dst[0] = CastValue<T>(scalar.int_value);
  });
  return out;
}

Result<NdArray> EagerBinary(BinaryOp op, const NdArray& a, const NdArray& b) {
  HC_ASSIGN_OR_RETURN(const Shape out_shape, BroadcastShapes(a.shape(), b.shape()));
  HC_ASSIGN_OR_RETURN(const DType result, BinaryResultType(op, a.dtype(), b.dtype()));
  const DType loop = LoopType(op, a.dtype(), b.dtype(), result);
  const NdArray la = EagerAsType(a, loop);
  const NdArray lb = EagerAsType(b, loop);
  NdArray out = NdArray::Empty(result, out_shape);
  const std::vector<Index> sa = BroadcastStrides(a.shape(), out_shape);
  const std::vector<Index> sb = BroadcastStrides(b.shape(), out_shape);
  Status error;
  VisitDType(loop, [&]<typename T>() {
    const T* pa = la.data<T>();
    const T* pb = lb.data<T>();
    if (result == DType::kBool && (IsComparison(op) || IsLogical(op))) {
      bool* dst = out.data<bool>();
      ForEachIndex(out_shape, [&](const std::vector<Index>& index, Index linear) {
        dst[linear] = Compare(op, pa[Dot(index, sa)], pb[Dot(index, sb)]);
      });
    } else {
      T* dst = out.data<T>();
      ForEachIndex(out_shape, [&](const std::vector<Index>& index, Index linear) {
        dst[linear] = Arithmetic(op, pa[Dot(index, sa)], pb[Dot(index, sb)], error);
      });
    }
  });
  if (!error.ok()) return error;
  return out;
}

Result<NdArray> EagerBinary(BinaryOp op, const NdArray& a, const Scalar& b) {
  return EagerBinary(op, a, ScalarArray(b, ResultTypeWithScalar(a.dtype(), b)));
}

Result<NdArray> EagerBinary(BinaryOp op, const Scalar& a, const NdArray& b) {
  return EagerBinary(op, ScalarArray(a, ResultTypeWithScalar(b.dtype(), a)), b);
}

Result<NdArray> EagerUnary(UnaryOp op, const NdArray& a) {
  HC_ASSIGN_OR_RETURN(const DType result, UnaryResultType(op, a.dtype()));
  if (IsPredicate(op)) {
    NdArray out = NdArray::Empty(DType::kBool, a.shape());
    VisitDType(a.dtype(), [&]<typename T>() {
      const T* src = a.data<T>();
      bool* dst = out.data<bool>();
      for (Index i = 0; i < a.size(); ++i) dst[i] = UnaryPredicate(op, src[i]);
    });
    return out;
  }
  NdArray out = EagerAsType(a, result);  // the loop type is the result type
  VisitDType(result, [&]<typename T>() {
    T* dst = out.data<T>();
    for (Index i = 0; i < out.size(); ++i) dst[i] = UnaryInLoopType(op, dst[i]);
  });
  return out;
}

Result<NdArray> EagerWhere(const NdArray& cond, const NdArray& a, const NdArray& b) {
  HC_ASSIGN_OR_RETURN(const Shape ab_shape, BroadcastShapes(a.shape(), b.shape()));
  HC_ASSIGN_OR_RETURN(const Shape out_shape, BroadcastShapes(cond.shape(), ab_shape));
  const DType result = PromoteTypes(a.dtype(), b.dtype());
  const NdArray lc = EagerAsType(cond, DType::kBool);
  const NdArray la = EagerAsType(a, result);
  const NdArray lb = EagerAsType(b, result);
  NdArray out = NdArray::Empty(result, out_shape);
  const std::vector<Index> sc = BroadcastStrides(cond.shape(), out_shape);
  const std::vector<Index> sa = BroadcastStrides(a.shape(), out_shape);
  const std::vector<Index> sb = BroadcastStrides(b.shape(), out_shape);
  VisitDType(result, [&]<typename T>() {
    T* dst = out.data<T>();
    ForEachIndex(out_shape, [&](const std::vector<Index>& index, Index linear) {
      dst[linear] = lc.data<bool>()[Dot(index, sc)] ? la.data<T>()[Dot(index, sa)] : lb.data<T>()[Dot(index, sb)];
    });
  });
  return out;
}

Result<NdArray> EagerClip(const NdArray& a, const std::optional<Scalar>& lo, const std::optional<Scalar>& hi) {
  const DType result = ClipResultType(a.dtype(), lo, hi);
  NdArray out = EagerAsType(a, result);
  VisitDType(result, [&]<typename T>() {
    T* dst = out.data<T>();
    const T lo_value = lo ? ScalarArray(*lo, result).data<T>()[0] : T{};
    const T hi_value = hi ? ScalarArray(*hi, result).data<T>()[0] : T{};
    for (Index i = 0; i < out.size(); ++i) {
      T x = dst[i];
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(x)) continue;
      }
      if (lo && x < lo_value) x = lo_value;
      if (hi && x > hi_value) x = hi_value;
      dst[i] = x;
    }
  });
  return out;
}

// ---- sources ----------------------------------------------------------------------------------

NdArray EagerFull(double value, DType dtype, const Shape& shape) {
  NdArray out = NdArray::Empty(dtype, shape);
  VisitDType(dtype, [&]<typename T>() {
    T* dst = out.data<T>();
    for (Index i = 0; i < out.size(); ++i) dst[i] = CastValue<T>(value);
  });
  return out;
}

NdArray EagerArange(double start, double stop, double step, DType dtype) {
  const double count = std::ceil((stop - start) / step);
  const Index length = count > 0 ? static_cast<Index>(count) : 0;
  NdArray out = NdArray::Empty(dtype, {length});
  VisitDType(dtype, [&]<typename T>() {
    T* dst = out.data<T>();
    for (Index i = 0; i < length; ++i) dst[i] = CastValue<T>(start + static_cast<double>(i) * step);
  });
  return out;
}

}  // namespace hyperchunk::test
