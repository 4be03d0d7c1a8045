// Status and Result<T>: errors as values inside the engine; messages and exit codes at the edges.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace hyperchunk {

/// The kind of failure; front ends map it to exit codes (CLI) or exception types (Python).
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    ///< the caller asked for something malformed (bad axis, shape mismatch)
  kOutOfRange,         ///< an index or value outside an axis
  kNotFound,           ///< a file, dataset or key that does not exist
  kAlreadyExists,      ///< a target that must not be overwritten
  kResourceExhausted,  ///< the plan does not fit the memory budget
  kCancelled,          ///< the computation was cancelled (Ctrl-C, an earlier error)
  kDataLoss,           ///< corrupt or truncated input
  kUnimplemented,      ///< a valid request this build cannot serve (e.g. an unknown filter)
  kIoError,            ///< the operating system refused a read or write
  kInternal,           ///< a broken invariant: a bug in hyperchunk
};

std::string_view StatusCodeName(StatusCode code);

/// The result of an operation that returns nothing: ok, or a code with a message.
/// Messages read from the outside in: each layer prepends its context ("reading chunk (3,0,1) of
/// /data in scan.hspy: deflate stream ends early").
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  const std::string& message() const;

  /// A copy of this status whose message starts with `context: `.
  Status WithContext(std::string_view context) const;
  /// "InvalidArgument: message", or "OK".
  std::string ToString() const;

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const State> state_;
};

Status InvalidArgument(std::string message);
Status OutOfRange(std::string message);
Status NotFound(std::string message);
Status AlreadyExists(std::string message);
Status ResourceExhausted(std::string message);
Status Cancelled(std::string message);
Status DataLoss(std::string message);
Status Unimplemented(std::string message);
Status IoError(std::string message);
Status Internal(std::string message);

/// A value of type T, or the Status saying why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : value_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (std::get<Status>(value_).ok()) value_ = Status(StatusCode::kInternal, "Result built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(value_); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(value_); }

  T& value() & { return std::get<T>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> value_;
};

namespace internal {
inline Status AsStatus(Status s) { return s; }
template <typename T>
Status AsStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace hyperchunk

#define HC_CONCAT_INNER(a, b) a##b
#define HC_CONCAT(a, b) HC_CONCAT_INNER(a, b)

/// Returns the status of `expr` from the enclosing function when it is not OK.
#define HC_RETURN_IF_ERROR(expr)                                              \
  do {                                                                        \
    ::hyperchunk::Status hc_status_ = ::hyperchunk::internal::AsStatus(expr); \
    if (!hc_status_.ok()) return hc_status_;                                  \
  } while (false)

#define HC_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()

/// `HC_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a Result or returns its error.
#define HC_ASSIGN_OR_RETURN(lhs, expr) HC_ASSIGN_OR_RETURN_IMPL(HC_CONCAT(hc_result_, __LINE__), lhs, expr)
