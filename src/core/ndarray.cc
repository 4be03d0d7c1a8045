#include "hyperchunk/core/ndarray.h"

#include <cstdlib>
#include <new>

#include <fmt/format.h>

namespace hyperchunk {

namespace {

constexpr size_t kAlignment = 64;

std::shared_ptr<void> AllocateBytes(Index nbytes) {
  const size_t n = static_cast<size_t>(std::max<Index>(nbytes, 1));
  void* p = ::operator new(n, std::align_val_t(kAlignment));
  return std::shared_ptr<void>(p, [](void* q) { ::operator delete(q, std::align_val_t(kAlignment)); });
}

}  // namespace

NdArray NdArray::Empty(DType dtype, Shape shape) {
  NdArray a;
  a.dtype_ = dtype;
  a.shape_ = std::move(shape);
  a.owner_ = AllocateBytes(a.nbytes());
  a.data_ = a.owner_.get();
  return a;
}

NdArray NdArray::Zeros(DType dtype, Shape shape) {
  NdArray a = Empty(dtype, std::move(shape));
  std::memset(a.data_, 0, static_cast<size_t>(a.nbytes()));
  return a;
}

NdArray NdArray::Wrap(DType dtype, Shape shape, std::shared_ptr<void> owner, void* data) {
  NdArray a;
  a.dtype_ = dtype;
  a.shape_ = std::move(shape);
  a.owner_ = std::move(owner);
  a.data_ = data;
  return a;
}

double NdArray::GetAsDouble(Index linear) const {
  return VisitDType(dtype_, [&]<typename T>() { return static_cast<double>(data<T>()[linear]); });
}

Result<NdArray> NdArray::Reshape(Shape shape) const {
  if (NumElements(shape) != size())
    return InvalidArgument(
        fmt::format("cannot reshape an array of shape {} into {}", ShapeToString(shape_), ShapeToString(shape)));
  NdArray a = *this;
  a.shape_ = std::move(shape);
  return a;
}

bool NdArray::IsContiguousSub(const Box& box) const {
  if (box.empty()) return true;
  int last_partial = -1;
  for (size_t d = 0; d < rank(); ++d) {
    if (box.extent(d) != shape_[d]) last_partial = static_cast<int>(d);
  }
  for (int d = 0; d < last_partial; ++d) {
    if (box.extent(static_cast<size_t>(d)) != 1) return false;
  }
  return true;
}

NdArray NdArray::Sub(const Box& box) const {
  if (IsContiguousSub(box)) {
    const auto strides = ContiguousStrides(shape_);
    Index offset = 0;
    if (!box.empty()) {
      for (size_t d = 0; d < rank(); ++d) offset += box.start[d] * strides[d];
    }
    NdArray a = *this;
    a.shape_ = box.shape();
    a.data_ = static_cast<char*>(data_) + offset * ItemSize(dtype_);
    return a;
  }
  NdArray out = Empty(dtype_, box.shape());
  CopyBox(*this, box, out, Box::Full(out.shape()));
  return out;
}

NdArray NdArray::Copy() const {
  NdArray out = Empty(dtype_, shape_);
  if (nbytes() > 0) std::memcpy(out.data_, data_, static_cast<size_t>(nbytes()));
  return out;
}

void NdArray::CopyFrom(const NdArray& src, const Box& dst_box) { CopyBox(src, Box::Full(src.shape()), *this, dst_box); }

NdArray NdArray::AsType(DType dtype) const {
  if (dtype == dtype_) return Copy();
  NdArray out = Empty(dtype, shape_);
  const Index n = size();
  VisitDType(dtype_, [&]<typename From>() {
    const From* in = data<From>();
    VisitDType(dtype, [&]<typename To>() {
      To* o = out.data<To>();
      for (Index i = 0; i < n; ++i) o[i] = CastValue<To>(in[i]);
    });
  });
  return out;
}

void CopyBox(const NdArray& src, const Box& src_box, NdArray& dst, const Box& dst_box) {
  const size_t rank = src.rank();
  const Index item = ItemSize(src.dtype());
  if (src_box.empty()) return;
  if (rank == 0) {
    std::memcpy(dst.raw(), src.raw(), static_cast<size_t>(item));
    return;
  }
  // Merge trailing axes that both boxes cover fully into one contiguous run.
  size_t inner = rank - 1;
  while (inner > 0 && src_box.extent(inner) == src.shape()[inner] && dst_box.extent(inner) == dst.shape()[inner])
    --inner;
  Index run = 1;
  for (size_t d = inner; d < rank; ++d) run *= src_box.extent(d);
  const auto ss = ContiguousStrides(src.shape());
  const auto ds = ContiguousStrides(dst.shape());
  const char* sp = static_cast<const char*>(src.raw());
  char* dp = static_cast<char*>(dst.raw());
  Index s_off = 0, d_off = 0;
  for (size_t d = 0; d < rank; ++d) {
    s_off += src_box.start[d] * ss[d];
    d_off += dst_box.start[d] * ds[d];
  }
  std::vector<Index> pos(inner, 0);
  const size_t run_bytes = static_cast<size_t>(run * item);
  while (true) {
    std::memcpy(dp + d_off * item, sp + s_off * item, run_bytes);
    size_t d = inner;
    while (d > 0) {
      --d;
      ++pos[d];
      s_off += ss[d];
      d_off += ds[d];
      if (pos[d] < src_box.extent(d)) break;
      s_off -= ss[d] * pos[d];
      d_off -= ds[d] * pos[d];
      pos[d] = 0;
      if (d == 0) return;
    }
    if (inner == 0) return;
  }
}

}  // namespace hyperchunk
