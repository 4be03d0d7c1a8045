// Comparing computed arrays with the eager reference, and Status assertions.
//
// Tolerances (stated once, used everywhere):
//   integers and bool: exact.
//   elementwise floats: |got - want| <= rtol * |want| + atol with rtol = atol = 1e-12 (float64) or
//     1e-5 (float32): transcendental functions may differ by an ulp between implementations.
//   reductions of n elements of magnitude <= M: the same rtol, and atol = rtol * M * n for sums
//     (summation order), rtol * M for means, rtol * M^2 * n for var, sqrt(that) for std.
//   NaN equals NaN; infinities must match in sign.
#pragma once

#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "hyperchunk/array/array.h"
#include "hyperchunk/core/dtype.h"
#include "hyperchunk/core/ndarray.h"
#include "hyperchunk/core/status.h"
#include "hyperchunk/exec/compute.h"
#include "hyperchunk/exec/context.h"

namespace hyperchunk {
// Readable gtest output for the engine's enums and statuses.
inline void PrintTo(DType dtype, std::ostream* os) { *os << DTypeName(dtype); }
inline void PrintTo(StatusCode code, std::ostream* os) { *os << StatusCodeName(code); }
inline void PrintTo(const Status& status, std::ostream* os) { *os << status.ToString(); }
}  // namespace hyperchunk

namespace hyperchunk::test {

struct Tolerance {
  double rtol = 0;
  double atol = 0;
};

/// Relative precision of the result type (0 for integers and bool).
double BaseTolerance(DType dtype);
Tolerance ElementwiseTolerance(DType result);
/// `reduced` is the number of input elements per output element; `max_abs` the largest finite
/// magnitude in the input.
Tolerance ReductionTolerance(ReduceOp op, DType result, Index reduced, double max_abs);
/// Largest finite |x| of the array (0 when it has none).
double MaxAbs(const NdArray& array);

/// dtype, shape and values equal (floats within `tol`; NaN == NaN).
::testing::AssertionResult ArraysMatch(const NdArray& want, const NdArray& got, Tolerance tol = {});
/// dtype, shape and bytes identical (for determinism across thread counts).
::testing::AssertionResult ArraysIdentical(const NdArray& want, const NdArray& got);
/// Lazy metadata agrees with the reference (ok, dtype, shape, chunks cover the shape), `lazy`
/// computes in `ctx`, and the result matches `want`. The result is stored in `got` if given.
::testing::AssertionResult ComputesTo(Context& ctx, const Array& lazy, const NdArray& want, Tolerance tol = {},
                                      NdArray* got = nullptr);
/// The array is an error, or computing it fails; `code` if given must match.
::testing::AssertionResult FailsToCompute(Context& ctx, const Array& lazy,
                                          std::optional<StatusCode> code = std::nullopt);

/// Values of a small array as text: "[1, 2, nan]" (for messages).
std::string ValuesString(const NdArray& array, Index max_values = 16);

}  // namespace hyperchunk::test

#define HC_EXPECT_OK(expr)                                                               \
  do {                                                                                   \
    const ::hyperchunk::Status hc_test_status_ = ::hyperchunk::internal::AsStatus(expr); \
    EXPECT_TRUE(hc_test_status_.ok()) << hc_test_status_.ToString();                     \
  } while (false)

#define HC_ASSERT_OK(expr)                                                               \
  do {                                                                                   \
    const ::hyperchunk::Status hc_test_status_ = ::hyperchunk::internal::AsStatus(expr); \
    ASSERT_TRUE(hc_test_status_.ok()) << hc_test_status_.ToString();                     \
  } while (false)

#define HC_ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  ASSERT_TRUE(tmp.ok()) << tmp.status().ToString();  \
  lhs = std::move(tmp).value()

/// `HC_ASSERT_OK_AND_ASSIGN(NdArray x, Compute(ctx, a));`
#define HC_ASSERT_OK_AND_ASSIGN(lhs, expr) HC_ASSERT_OK_AND_ASSIGN_IMPL(HC_CONCAT(hc_test_result_, __LINE__), lhs, expr)

/// Expects a failed Status/Result with the given code.
#define HC_EXPECT_CODE(expr, expected_code)                                              \
  do {                                                                                   \
    const ::hyperchunk::Status hc_test_status_ = ::hyperchunk::internal::AsStatus(expr); \
    EXPECT_EQ(hc_test_status_.code(), expected_code) << hc_test_status_.ToString();      \
  } while (false)
