// NdArray: an in-memory, contiguous, C-order N-d array with shared ownership of 64-byte aligned bytes.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string>

#include "hyperchunk/core/dtype.h"
#include "hyperchunk/core/shape.h"
#include "hyperchunk/core/status.h"

namespace hyperchunk {

/// A dense array in memory. Copies share the bytes (like a numpy view): use Copy() for a deep copy.
/// A default-constructed NdArray is a 0-d float64 array with no storage (`valid()` is false).
class NdArray {
 public:
  NdArray() = default;
  /// Uninitialised storage of dtype and shape.
  static NdArray Empty(DType dtype, Shape shape);
  /// Zero-filled storage.
  static NdArray Zeros(DType dtype, Shape shape);
  /// Wraps existing bytes, keeping `owner` alive as long as any view exists.
  static NdArray Wrap(DType dtype, Shape shape, std::shared_ptr<void> owner, void* data);
  /// Copies a typed buffer of exactly NumElements(shape) values.
  template <typename T>
  static NdArray FromVector(const std::vector<T>& values, Shape shape) {
    NdArray a = Empty(DTypeOf<T>(), std::move(shape));
    T* out = a.data<T>();
    for (size_t i = 0; i < values.size(); ++i) out[i] = values[i];  // std::vector<bool> has no data()
    return a;
  }

  bool valid() const { return data_ != nullptr || NumElements(shape_) == 0; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  size_t rank() const { return shape_.size(); }
  Index size() const { return NumElements(shape_); }
  Index nbytes() const { return size() * ItemSize(dtype_); }

  void* raw() { return data_; }
  const void* raw() const { return data_; }
  template <typename T>
  T* data() {
    return static_cast<T*>(data_);
  }
  template <typename T>
  const T* data() const {
    return static_cast<const T*>(data_);
  }
  /// Element at a C-order linear position, converted to double (for tests and printing).
  double GetAsDouble(Index linear) const;

  /// The same bytes seen with another shape of equal element count.
  Result<NdArray> Reshape(Shape shape) const;
  /// The sub-box `box` (relative to this array): a view when contiguous, else a copy.
  NdArray Sub(const Box& box) const;
  /// Whether Sub(box) would be a view (no copy).
  bool IsContiguousSub(const Box& box) const;
  /// A deep copy with its own storage.
  NdArray Copy() const;
  /// Copies `src` (shape = dst_box.shape()) into the sub-box `dst_box` of this array.
  void CopyFrom(const NdArray& src, const Box& dst_box);
  /// A converted copy (numpy astype, unsafe casting).
  NdArray AsType(DType dtype) const;

 private:
  DType dtype_ = DType::kFloat64;
  Shape shape_;
  std::shared_ptr<void> owner_;
  void* data_ = nullptr;
};

/// Copies the sub-box `src_box` of `src` into the sub-box `dst_box` of `dst` (equal shapes,
/// equal dtypes). Boxes are relative to each array.
void CopyBox(const NdArray& src, const Box& src_box, NdArray& dst, const Box& dst_box);

}  // namespace hyperchunk
