#include "testing/compare.h"

#include <cmath>
#include <cstring>
#include <sstream>

#include "testing/random.h"

namespace hyperchunk::test {
namespace {

/// Multi-index of a C-order linear position, as "(1, 0, 2)".
std::string PositionString(const Shape& shape, Index linear) {
  Shape index(shape.size());
  for (size_t dim = shape.size(); dim-- > 0;) {
    if (shape[dim] > 0) {
      index[dim] = linear % shape[dim];
      linear /= shape[dim];
    }
  }
  return ShapeString(index);
}

/// The element as exact text (integers as integers, floats with enough digits).
std::string ElementString(const NdArray& array, Index linear) {
  return VisitDType(array.dtype(), [&]<typename T>() -> std::string {
    const T v = array.data<T>()[linear];
    if constexpr (std::is_same_v<T, bool>) {
      return v ? "true" : "false";
    } else if constexpr (std::is_floating_point_v<T>) {
      std::ostringstream os;
      os.precision(std::is_same_v<T, float> ? 9 : 17);
      os << v;
      return os.str();
    } else {
      return std::to_string(v);
    }
  });
}

bool FloatsClose(double want, double got, const Tolerance& tol) {
  if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got);
  if (std::isinf(want) || std::isinf(got)) return want == got;
  return std::fabs(got - want) <= tol.rtol * std::fabs(want) + tol.atol;
}

}  // namespace

double BaseTolerance(DType dtype) {
  switch (dtype) {
    case DType::kFloat32: return 1e-5;
    case DType::kFloat64: return 1e-12;
    default: return 0;
  }
}

Tolerance ElementwiseTolerance(DType result) {
  const double base = BaseTolerance(result);
  return {base, base};
}

Tolerance ReductionTolerance(ReduceOp op, DType result, Index reduced, double max_abs) {
  const double base = BaseTolerance(result);
  const double n = static_cast<double>(std::max<Index>(reduced, 1));
  const double m = std::max(max_abs, 1.0);
  switch (op) {
    case ReduceOp::kMean:
    case ReduceOp::kNanMean: return {base, base * m};
    case ReduceOp::kVar: return {base, base * m * m * n};
    case ReduceOp::kStd: return {base, std::sqrt(base * m * m * n)};
    default: return {base, base * m * n};
  }
}

double MaxAbs(const NdArray& array) {
  double best = 0;
  for (Index i = 0; i < array.size(); ++i) {
    const double v = VisitDType(array.dtype(), [&]<typename T>() { return static_cast<double>(array.data<T>()[i]); });
    if (std::isfinite(v)) best = std::max(best, std::fabs(v));
  }
  return best;
}

::testing::AssertionResult ArraysMatch(const NdArray& want, const NdArray& got, Tolerance tol) {
  if (want.dtype() != got.dtype()) {
    return ::testing::AssertionFailure() << "dtype: want " << DTypeName(want.dtype()) << ", got "
                                         << DTypeName(got.dtype());
  }
  if (want.shape() != got.shape()) {
    return ::testing::AssertionFailure() << "shape: want " << ShapeString(want.shape()) << ", got "
                                         << ShapeString(got.shape());
  }
  if (want.size() > 0 && (want.raw() == nullptr || got.raw() == nullptr)) {
    return ::testing::AssertionFailure() << "no storage (want valid " << want.valid() << ", got valid " << got.valid()
                                         << ")";
  }
  const bool is_float = IsFloat(want.dtype());
  Index mismatches = 0;
  std::ostringstream details;
  for (Index i = 0; i < want.size(); ++i) {
    bool same = false;
    VisitDType(want.dtype(), [&]<typename T>() {
      const T w = want.data<T>()[i];
      const T g = got.data<T>()[i];
      if constexpr (std::is_floating_point_v<T>)
        same = FloatsClose(static_cast<double>(w), static_cast<double>(g), tol);
      else same = (w == g);
    });
    if (!same) {
      if (++mismatches <= 8) {
        details << "\n  at " << PositionString(want.shape(), i) << ": want " << ElementString(want, i) << ", got "
                << ElementString(got, i);
      }
    }
  }
  if (mismatches == 0) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  failure << mismatches << " of " << want.size() << " elements differ (" << DTypeName(want.dtype()) << " "
          << ShapeString(want.shape());
  if (is_float) failure << ", rtol " << tol.rtol << ", atol " << tol.atol;
  failure << "):" << details.str();
  if (want.size() <= 64) failure << "\n  want " << ValuesString(want, 64) << "\n  got  " << ValuesString(got, 64);
  return failure;
}

::testing::AssertionResult ArraysIdentical(const NdArray& want, const NdArray& got) {
  if (want.dtype() != got.dtype() || want.shape() != got.shape()) return ArraysMatch(want, got);
  if (want.nbytes() == 0 || std::memcmp(want.raw(), got.raw(), static_cast<size_t>(want.nbytes())) == 0) {
    return ::testing::AssertionSuccess();
  }
  for (Index i = 0; i < want.size(); ++i) {
    const size_t item = static_cast<size_t>(ItemSize(want.dtype()));
    const auto* a = static_cast<const char*>(want.raw()) + static_cast<size_t>(i) * item;
    const auto* b = static_cast<const char*>(got.raw()) + static_cast<size_t>(i) * item;
    if (std::memcmp(a, b, item) != 0) {
      return ::testing::AssertionFailure() << "not bit-identical at " << PositionString(want.shape(), i) << ": "
                                           << ElementString(want, i) << " vs " << ElementString(got, i);
    }
  }
  return ::testing::AssertionFailure() << "not bit-identical";
}

::testing::AssertionResult ComputesTo(Context& ctx, const Array& lazy, const NdArray& want, Tolerance tol,
                                      NdArray* got_out) {
  if (!lazy.ok()) return ::testing::AssertionFailure() << "the lazy array is an error: " << lazy.status().ToString();
  if (lazy.dtype() != want.dtype()) {
    return ::testing::AssertionFailure() << "lazy dtype: want " << DTypeName(want.dtype()) << ", got "
                                         << DTypeName(lazy.dtype());
  }
  if (lazy.shape() != want.shape()) {
    return ::testing::AssertionFailure() << "lazy shape: want " << ShapeString(want.shape()) << ", got "
                                         << ShapeString(lazy.shape());
  }
  if (lazy.chunks().shape() != lazy.shape()) {
    return ::testing::AssertionFailure() << "chunks " << ChunksString(lazy.chunks()) << " do not cover the shape "
                                         << ShapeString(lazy.shape());
  }
  Result<NdArray> got = Compute(ctx, lazy);
  if (!got.ok()) return ::testing::AssertionFailure() << "Compute failed: " << got.status().ToString();
  if (got_out != nullptr) *got_out = *got;
  auto match = ArraysMatch(want, *got, tol);
  if (!match) {
    return ::testing::AssertionFailure() << "computed with " << ctx.threads() << " thread(s), chunks "
                                         << ChunksString(lazy.chunks()) << ": " << match.message();
  }
  return match;
}

::testing::AssertionResult FailsToCompute(Context& ctx, const Array& lazy, std::optional<StatusCode> code) {
  Status status = lazy.status();
  if (status.ok()) {
    Result<NdArray> got = Compute(ctx, lazy);
    if (got.ok()) return ::testing::AssertionFailure() << "computed without error: " << ValuesString(*got);
    status = got.status();
  }
  if (code.has_value() && status.code() != *code) {
    return ::testing::AssertionFailure() << "want " << StatusCodeName(*code) << ", got " << status.ToString();
  }
  return ::testing::AssertionSuccess() << status.ToString();
}

std::string ValuesString(const NdArray& array, Index max_values) {
  std::string out = "[";
  const Index n = std::min(array.size(), max_values);
  for (Index i = 0; i < n; ++i) {
    if (i > 0) out += ", ";
    out += ElementString(array, i);
  }
  if (array.size() > n) out += ", ...";
  return out + "]";
}

}  // namespace hyperchunk::test
