// Status and Result<T>: codes, messages, context, and the helper macros.
#include "hyperchunk/core/status.h"

#include <string>

#include <gtest/gtest.h>

#include "testing/compare.h"

namespace hyperchunk {
namespace {

TEST(Status, DefaultIsOk) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kOk);
  EXPECT_EQ(status.message(), "");
  EXPECT_EQ(status.ToString(), "OK");
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(Status, FactoriesSetTheirCodes) {
  EXPECT_EQ(InvalidArgument("x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OutOfRange("x").code(), StatusCode::kOutOfRange);
  EXPECT_EQ(NotFound("x").code(), StatusCode::kNotFound);
  EXPECT_EQ(AlreadyExists("x").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ResourceExhausted("x").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(Cancelled("x").code(), StatusCode::kCancelled);
  EXPECT_EQ(DataLoss("x").code(), StatusCode::kDataLoss);
  EXPECT_EQ(Unimplemented("x").code(), StatusCode::kUnimplemented);
  EXPECT_EQ(IoError("x").code(), StatusCode::kIoError);
  EXPECT_EQ(Internal("x").code(), StatusCode::kInternal);
  EXPECT_FALSE(Internal("x").ok());
}

TEST(Status, ToStringNamesTheCode) {
  EXPECT_EQ(InvalidArgument("bad axis 3").ToString(), "InvalidArgument: bad axis 3");
  EXPECT_EQ(DataLoss("truncated").ToString(), "DataLoss: truncated");
  EXPECT_EQ(StatusCodeName(StatusCode::kResourceExhausted), "ResourceExhausted");
}

TEST(Status, WithContextPrependsAndKeepsTheOriginal) {
  const Status leaf = DataLoss("deflate stream ends early");
  const Status outer = leaf.WithContext("reading chunk (3, 0, 1)").WithContext("scan.hspy");
  EXPECT_EQ(outer.code(), StatusCode::kDataLoss);
  EXPECT_EQ(outer.message(), "scan.hspy: reading chunk (3, 0, 1): deflate stream ends early");
  EXPECT_EQ(leaf.message(), "deflate stream ends early");
  EXPECT_TRUE(Status::Ok().WithContext("anything").ok());
}

TEST(Result, HoldsAValueOrAStatus) {
  Result<int> value = 42;
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 42);
  EXPECT_TRUE(value.status().ok());

  Result<int> error = NotFound("no such dataset");
  EXPECT_FALSE(error.ok());
  EXPECT_EQ(error.status().code(), StatusCode::kNotFound);
}

TEST(Result, FromOkStatusIsAnInternalError) {
  Result<int> broken = Status::Ok();
  EXPECT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), StatusCode::kInternal);
}

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  HC_ASSIGN_OR_RETURN(const int half, Half(x));
  HC_ASSIGN_OR_RETURN(const int quarter, Half(half));
  return quarter;
}

Status CheckEven(int x) {
  HC_RETURN_IF_ERROR(Half(x));
  return Status::Ok();
}

TEST(Result, MacrosPropagateTheFirstError) {
  Result<int> ok = Quarter(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 2);
  Result<int> bad = Quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "odd: 3");
  HC_EXPECT_OK(CheckEven(4));
  HC_EXPECT_CODE(CheckEven(5), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hyperchunk
