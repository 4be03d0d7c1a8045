// Elementwise kernels: numpy semantics for every UnaryOp and BinaryOp, where and casts, with
// broadcasting. Integer arithmetic wraps (two's complement, like numpy) without undefined behaviour.
#include <cmath>
#include <limits>
#include <type_traits>

#include <fmt/format.h>

#include "node.h"

namespace hyperchunk::internal {

namespace {

// Unsigned type wide enough that arithmetic on it neither promotes to int nor overflows.
template <typename T>
using WrapT = std::conditional_t<(sizeof(T) < 4), uint32_t, std::make_unsigned_t<T>>;

template <typename T>
T WrapAdd(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
    return static_cast<T>(static_cast<WrapT<T>>(a) + static_cast<WrapT<T>>(b));
  else return a + b;
}
template <typename T>
T WrapSub(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
    return static_cast<T>(static_cast<WrapT<T>>(a) - static_cast<WrapT<T>>(b));
  else return a - b;
}
template <typename T>
T WrapMul(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
    return static_cast<T>(static_cast<WrapT<T>>(a) * static_cast<WrapT<T>>(b));
  else if constexpr (std::is_same_v<T, bool>) return a && b;
  else return a * b;
}

template <typename T>
bool Nan(T v) {
  if constexpr (std::is_floating_point_v<T>) return v != v;
  else return false;
}

// numpy's npy_divmod for floats.
template <typename T>
void FloatDivmod(T a, T b, T* floordiv, T* mod) {
  T m = std::fmod(a, b);
  if (b == T(0)) {
    *mod = m;
    *floordiv = a / b;
    return;
  }
  T div = (a - m) / b;
  if (m != T(0)) {
    if ((b < 0) != (m < 0)) {
      m += b;
      div -= T(1);
    }
  } else {
    m = std::copysign(T(0), b);
  }
  T fd;
  if (div != T(0)) {
    fd = std::floor(div);
    if (div - fd > T(0.5)) fd += T(1);
  } else {
    fd = std::copysign(T(0), a / b);
  }
  *floordiv = fd;
  *mod = m;
}

template <typename T>
T FloorDivide(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    T fd, m;
    FloatDivmod(a, b, &fd, &m);
    return fd;
  } else if constexpr (std::is_same_v<T, bool>) {
    return b ? a : false;
  } else {
    if (b == 0) return 0;
    if constexpr (std::is_signed_v<T>) {
      if (a == std::numeric_limits<T>::min() && b == -1) return a;
      T q = static_cast<T>(a / b);
      if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
      return q;
    } else {
      return static_cast<T>(a / b);
    }
  }
}

template <typename T>
T Mod(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    T fd, m;
    FloatDivmod(a, b, &fd, &m);
    return m;
  } else if constexpr (std::is_same_v<T, bool>) {
    return false;
  } else {
    if (b == 0) return 0;
    if constexpr (std::is_signed_v<T>) {
      if (b == -1) return 0;
      T r = static_cast<T>(a % b);
      if (r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
      return r;
    } else {
      return static_cast<T>(a % b);
    }
  }
}

template <typename T>
T IntPower(T base, T exp) {
  T result = 1;
  WrapT<T> e = static_cast<WrapT<T>>(exp);
  T b = base;
  while (e) {
    if (e & 1u) result = WrapMul(result, b);
    b = WrapMul(b, b);
    e >>= 1;
  }
  return result;
}

// Walks the output in C order as runs along the last axis; each input has broadcast strides.
struct Walk {
  std::vector<Index> extent;
  std::vector<std::vector<Index>> strides;  // per input, per axis (0 on broadcast axes)
  std::vector<Index> inner;                 // per input: stride along the run
  Index inner_n = 1;
};

Walk MakeWalk(const Shape& out_shape, std::span<const NdArray> ins) {
  Walk w;
  const size_t rank = out_shape.size();
  std::vector<std::vector<Index>> full(ins.size(), std::vector<Index>(rank, 0));
  for (size_t i = 0; i < ins.size(); ++i) {
    const auto& s = ins[i].shape();
    const auto st = ContiguousStrides(s);
    const size_t lead = rank - s.size();
    for (size_t d = 0; d < s.size(); ++d) full[i][lead + d] = (s[d] == 1 && out_shape[lead + d] != 1) ? 0 : st[d];
  }
  // Collapse axes where every input's strides stay consistent.
  std::vector<Index> ext;
  std::vector<std::vector<Index>> strd(ins.size());
  for (size_t d = 0; d < rank; ++d) {
    if (out_shape[d] == 1) continue;
    bool merge = !ext.empty();
    for (size_t i = 0; merge && i < ins.size(); ++i) merge = strd[i].back() == full[i][d] * out_shape[d];
    if (merge) {
      ext.back() *= out_shape[d];
      for (size_t i = 0; i < ins.size(); ++i) strd[i].back() = full[i][d];
      continue;
    }
    ext.push_back(out_shape[d]);
    for (size_t i = 0; i < ins.size(); ++i) strd[i].push_back(full[i][d]);
  }
  w.inner.assign(ins.size(), 0);
  if (!ext.empty()) {
    w.inner_n = ext.back();
    ext.pop_back();
    for (size_t i = 0; i < ins.size(); ++i) {
      w.inner[i] = strd[i].back();
      strd[i].pop_back();
    }
  }
  w.extent = std::move(ext);
  w.strides = std::move(strd);
  return w;
}

// Calls f(out_offset, in_offsets) per run.
template <typename F>
void ForEachRun(const Walk& w, F&& f) {
  const size_t outer = w.extent.size();
  const size_t k = w.strides.size();
  std::vector<Index> pos(outer, 0), offs(k, 0);
  Index o = 0;
  while (true) {
    f(o, offs);
    o += w.inner_n;
    size_t d = outer;
    while (true) {
      if (d == 0) return;
      --d;
      ++pos[d];
      for (size_t i = 0; i < k; ++i) offs[i] += w.strides[i][d];
      if (pos[d] < w.extent[d]) break;
      for (size_t i = 0; i < k; ++i) offs[i] -= w.strides[i][d] * pos[d];
      pos[d] = 0;
    }
  }
}

template <typename T, typename O, typename F>
void RunBinary(const Walk& w, const T* a, const T* b, O* out, F f) {
  const Index sa = w.inner[0], sb = w.inner[1], n = w.inner_n;
  ForEachRun(w, [&](Index o, const std::vector<Index>& offs) {
    const T* pa = a + offs[0];
    const T* pb = b + offs[1];
    O* po = out + o;
    if (sa == 1 && sb == 1) {
      for (Index i = 0; i < n; ++i) po[i] = f(pa[i], pb[i]);
    } else if (sa == 1 && sb == 0) {
      const T vb = *pb;
      for (Index i = 0; i < n; ++i) po[i] = f(pa[i], vb);
    } else if (sa == 0 && sb == 1) {
      const T va = *pa;
      for (Index i = 0; i < n; ++i) po[i] = f(va, pb[i]);
    } else {
      for (Index i = 0; i < n; ++i) po[i] = f(pa[i * sa], pb[i * sb]);
    }
  });
}

template <typename T, typename O, typename F>
void RunUnary(const Walk& w, const T* a, O* out, F f) {
  const Index sa = w.inner[0], n = w.inner_n;
  ForEachRun(w, [&](Index o, const std::vector<Index>& offs) {
    const T* pa = a + offs[0];
    O* po = out + o;
    if (sa == 1) {
      for (Index i = 0; i < n; ++i) po[i] = f(pa[i]);
    } else {
      for (Index i = 0; i < n; ++i) po[i] = f(pa[i * sa]);
    }
  });
}

template <typename T>
Status ApplyBinary(BinaryOp op, const Walk& w, const NdArray& a, const NdArray& b, NdArray& out) {
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  if (out.dtype() == DType::kBool && DTypeOf<T>() != DType::kBool) {
    bool* o = out.data<bool>();
    switch (op) {
      case BinaryOp::kEqual: RunBinary(w, pa, pb, o, [](T x, T y) { return x == y; }); break;
      case BinaryOp::kNotEqual: RunBinary(w, pa, pb, o, [](T x, T y) { return x != y; }); break;
      case BinaryOp::kLess: RunBinary(w, pa, pb, o, [](T x, T y) { return x < y; }); break;
      case BinaryOp::kLessEqual: RunBinary(w, pa, pb, o, [](T x, T y) { return x <= y; }); break;
      case BinaryOp::kGreater: RunBinary(w, pa, pb, o, [](T x, T y) { return x > y; }); break;
      case BinaryOp::kGreaterEqual: RunBinary(w, pa, pb, o, [](T x, T y) { return x >= y; }); break;
      case BinaryOp::kLogicalAnd: RunBinary(w, pa, pb, o, [](T x, T y) { return x != T(0) && y != T(0); }); break;
      case BinaryOp::kLogicalOr: RunBinary(w, pa, pb, o, [](T x, T y) { return x != T(0) || y != T(0); }); break;
      default: return Internal(fmt::format("{} cannot produce bool from {}", BinaryOpName(op), DTypeName(a.dtype())));
    }
    return Status::Ok();
  }
  T* o = out.data<T>();
  switch (op) {
    case BinaryOp::kAdd:
      if constexpr (std::is_same_v<T, bool>) RunBinary(w, pa, pb, o, [](T x, T y) { return x || y; });
      else RunBinary(w, pa, pb, o, [](T x, T y) { return WrapAdd(x, y); });
      break;
    case BinaryOp::kSubtract:
      if constexpr (std::is_same_v<T, bool>) RunBinary(w, pa, pb, o, [](T x, T y) { return x != y; });
      else RunBinary(w, pa, pb, o, [](T x, T y) { return WrapSub(x, y); });
      break;
    case BinaryOp::kMultiply:
      if constexpr (std::is_same_v<T, bool>) RunBinary(w, pa, pb, o, [](T x, T y) { return x && y; });
      else RunBinary(w, pa, pb, o, [](T x, T y) { return WrapMul(x, y); });
      break;
    case BinaryOp::kDivide: RunBinary(w, pa, pb, o, [](T x, T y) { return static_cast<T>(x / y); }); break;
    case BinaryOp::kFloorDivide: RunBinary(w, pa, pb, o, [](T x, T y) { return FloorDivide(x, y); }); break;
    case BinaryOp::kMod: RunBinary(w, pa, pb, o, [](T x, T y) { return Mod(x, y); }); break;
    case BinaryOp::kPower:
      if constexpr (std::is_floating_point_v<T>) {
        RunBinary(w, pa, pb, o, [](T x, T y) { return static_cast<T>(std::pow(x, y)); });
      } else if constexpr (std::is_same_v<T, bool>) {
        RunBinary(w, pa, pb, o, [](T x, T y) { return x || !y; });
      } else {
        if constexpr (std::is_signed_v<T>) {
          for (Index i = 0; i < b.size(); ++i) {
            if (pb[i] < 0) return InvalidArgument("integers to negative integer powers are not allowed");
          }
        }
        RunBinary(w, pa, pb, o, [](T x, T y) { return IntPower(x, y); });
      }
      break;
    case BinaryOp::kMaximum:
      RunBinary(w, pa, pb, o, [](T x, T y) { return Nan(x) ? x : (Nan(y) ? y : (x >= y ? x : y)); });
      break;
    case BinaryOp::kMinimum:
      RunBinary(w, pa, pb, o, [](T x, T y) { return Nan(x) ? x : (Nan(y) ? y : (x <= y ? x : y)); });
      break;
    case BinaryOp::kEqual: RunBinary(w, pa, pb, o, [](T x, T y) { return static_cast<T>(x == y); }); break;
    case BinaryOp::kNotEqual: RunBinary(w, pa, pb, o, [](T x, T y) { return static_cast<T>(x != y); }); break;
    case BinaryOp::kLess: RunBinary(w, pa, pb, o, [](T x, T y) { return static_cast<T>(x < y); }); break;
    case BinaryOp::kLessEqual: RunBinary(w, pa, pb, o, [](T x, T y) { return static_cast<T>(x <= y); }); break;
    case BinaryOp::kGreater: RunBinary(w, pa, pb, o, [](T x, T y) { return static_cast<T>(x > y); }); break;
    case BinaryOp::kGreaterEqual: RunBinary(w, pa, pb, o, [](T x, T y) { return static_cast<T>(x >= y); }); break;
    case BinaryOp::kLogicalAnd:
      RunBinary(w, pa, pb, o, [](T x, T y) { return static_cast<T>(x != T(0) && y != T(0)); });
      break;
    case BinaryOp::kLogicalOr:
      RunBinary(w, pa, pb, o, [](T x, T y) { return static_cast<T>(x != T(0) || y != T(0)); });
      break;
  }
  return Status::Ok();
}

template <typename T>
T Sign(T v) {
  if constexpr (std::is_same_v<T, bool>) return v;
  else if constexpr (std::is_unsigned_v<T>) return v > 0 ? T(1) : T(0);
  else if constexpr (std::is_floating_point_v<T>) return Nan(v) ? v : (v > 0 ? T(1) : (v < 0 ? T(-1) : T(0)));
  else return static_cast<T>((v > 0) - (v < 0));
}

template <typename T>
T Abs(T v) {
  if constexpr (std::is_floating_point_v<T>) return std::fabs(v);
  else if constexpr (std::is_unsigned_v<T> || std::is_same_v<T, bool>) return v;
  else return v < 0 ? WrapSub(T(0), v) : v;
}

template <typename T>
Status ApplyUnary(UnaryOp op, const Walk& w, const NdArray& a, NdArray& out) {
  const T* pa = a.data<T>();
  if (out.dtype() == DType::kBool && DTypeOf<T>() != DType::kBool) {
    bool* o = out.data<bool>();
    switch (op) {
      case UnaryOp::kIsNan: RunUnary(w, pa, o, [](T x) { return Nan(x); }); break;
      case UnaryOp::kIsFinite:
        if constexpr (std::is_floating_point_v<T>) RunUnary(w, pa, o, [](T x) { return std::isfinite(x); });
        else RunUnary(w, pa, o, [](T) { return true; });
        break;
      case UnaryOp::kLogicalNot: RunUnary(w, pa, o, [](T x) { return x == T(0); }); break;
      default: return Internal(fmt::format("{} cannot produce bool from {}", UnaryOpName(op), DTypeName(a.dtype())));
    }
    return Status::Ok();
  }
  T* o = out.data<T>();
  switch (op) {
    case UnaryOp::kNegative: RunUnary(w, pa, o, [](T x) { return WrapSub(T(0), x); }); break;
    case UnaryOp::kAbs: RunUnary(w, pa, o, [](T x) { return Abs(x); }); break;
    case UnaryOp::kSquare: RunUnary(w, pa, o, [](T x) { return WrapMul(x, x); }); break;
    case UnaryOp::kSign: RunUnary(w, pa, o, [](T x) { return Sign(x); }); break;
    case UnaryOp::kIsNan: RunUnary(w, pa, o, [](T x) { return static_cast<T>(Nan(x)); }); break;
    case UnaryOp::kIsFinite: RunUnary(w, pa, o, [](T) { return static_cast<T>(true); }); break;
    case UnaryOp::kLogicalNot: RunUnary(w, pa, o, [](T x) { return static_cast<T>(x == T(0)); }); break;
    default:
      if constexpr (std::is_floating_point_v<T>) {
        switch (op) {
          case UnaryOp::kSqrt: RunUnary(w, pa, o, [](T x) { return std::sqrt(x); }); break;
          case UnaryOp::kExp: RunUnary(w, pa, o, [](T x) { return std::exp(x); }); break;
          case UnaryOp::kLog: RunUnary(w, pa, o, [](T x) { return std::log(x); }); break;
          case UnaryOp::kLog10: RunUnary(w, pa, o, [](T x) { return std::log10(x); }); break;
          case UnaryOp::kLog1p: RunUnary(w, pa, o, [](T x) { return std::log1p(x); }); break;
          case UnaryOp::kSin: RunUnary(w, pa, o, [](T x) { return std::sin(x); }); break;
          case UnaryOp::kCos: RunUnary(w, pa, o, [](T x) { return std::cos(x); }); break;
          case UnaryOp::kTan: RunUnary(w, pa, o, [](T x) { return std::tan(x); }); break;
          case UnaryOp::kFloor: RunUnary(w, pa, o, [](T x) { return std::floor(x); }); break;
          case UnaryOp::kCeil: RunUnary(w, pa, o, [](T x) { return std::ceil(x); }); break;
          case UnaryOp::kRint: RunUnary(w, pa, o, [](T x) { return std::nearbyint(x); }); break;
          default: break;
        }
      } else {
        return Internal(fmt::format("{} needs a float input, got {}", UnaryOpName(op), DTypeName(a.dtype())));
      }
  }
  return Status::Ok();
}

}  // namespace

Result<NdArray> ApplyElementwise(const ElementwiseFn& fn, DType compute_dtype, DType out_dtype, const Shape& out_shape,
                                 std::span<const NdArray> ins) {
  std::vector<NdArray> cast;
  cast.reserve(ins.size());
  for (size_t i = 0; i < ins.size(); ++i) {
    const DType want = (fn.kind == ElementwiseFn::Kind::kWhere && i == 0) ? DType::kBool
                       : fn.kind == ElementwiseFn::Kind::kCast            ? ins[i].dtype()
                                                                          : compute_dtype;
    cast.push_back(ins[i].dtype() == want ? ins[i] : ins[i].AsType(want));
  }
  NdArray out = NdArray::Empty(out_dtype, out_shape);
  if (out.size() == 0) return out;
  const Walk w = MakeWalk(out_shape, cast);
  Status st;
  switch (fn.kind) {
    case ElementwiseFn::Kind::kCast:
      VisitDType(cast[0].dtype(), [&]<typename From>() {
        VisitDType(out_dtype, [&]<typename To>() {
          RunUnary(w, cast[0].data<From>(), out.data<To>(), [](From v) { return CastValue<To>(v); });
        });
      });
      break;
    case ElementwiseFn::Kind::kUnary:
      st = VisitDType(compute_dtype, [&]<typename T>() { return ApplyUnary<T>(fn.unary, w, cast[0], out); });
      break;
    case ElementwiseFn::Kind::kBinary:
      st = VisitDType(compute_dtype, [&]<typename T>() { return ApplyBinary<T>(fn.binary, w, cast[0], cast[1], out); });
      break;
    case ElementwiseFn::Kind::kWhere:
      VisitDType(compute_dtype, [&]<typename T>() {
        const bool* c = cast[0].data<bool>();
        const T* a = cast[1].data<T>();
        const T* b = cast[2].data<T>();
        T* o = out.data<T>();
        ForEachRun(w, [&](Index off, const std::vector<Index>& offs) {
          for (Index i = 0; i < w.inner_n; ++i)
            o[off + i] = c[offs[0] + i * w.inner[0]] ? a[offs[1] + i * w.inner[1]] : b[offs[2] + i * w.inner[2]];
        });
      });
      break;
  }
  if (!st.ok()) return st;
  return out;
}

}  // namespace hyperchunk::internal
