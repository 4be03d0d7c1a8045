#include "hyperchunk/core/shape.h"

#include <algorithm>

#include <fmt/format.h>

namespace hyperchunk {

Index NumElements(const Shape& shape) {
  Index n = 1;
  for (Index e : shape) n *= e;
  return n;
}

std::vector<Index> ContiguousStrides(const Shape& shape) {
  std::vector<Index> strides(shape.size());
  Index s = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

std::string ShapeToString(const Shape& shape) {
  if (shape.size() == 1) return fmt::format("({},)", shape[0]);
  return fmt::format("({})", fmt::join(shape, ", "));
}

Box Box::Full(const Shape& shape) { return Box{std::vector<Index>(shape.size(), 0), shape}; }

Shape Box::shape() const {
  Shape s(rank());
  for (size_t d = 0; d < rank(); ++d) s[d] = stop[d] - start[d];
  return s;
}

Index Box::num_elements() const { return NumElements(shape()); }

bool Box::empty() const {
  for (size_t d = 0; d < rank(); ++d) {
    if (stop[d] <= start[d]) return true;
  }
  return false;
}

std::string Box::ToString() const {
  std::string s = "[";
  for (size_t d = 0; d < rank(); ++d) {
    if (d) s += ", ";
    s += fmt::format("{}:{}", start[d], stop[d]);
  }
  return s + "]";
}

Box Intersect(const Box& a, const Box& b) {
  Box r = a;
  for (size_t d = 0; d < a.rank(); ++d) {
    r.start[d] = std::max(a.start[d], b.start[d]);
    r.stop[d] = std::max(r.start[d], std::min(a.stop[d], b.stop[d]));
  }
  return r;
}

Box Relative(const Box& inner, const Box& outer) {
  Box r = inner;
  for (size_t d = 0; d < inner.rank(); ++d) {
    r.start[d] -= outer.start[d];
    r.stop[d] -= outer.start[d];
  }
  return r;
}

bool Contains(const Box& outer, const Box& inner) {
  for (size_t d = 0; d < outer.rank(); ++d) {
    if (inner.start[d] < outer.start[d] || inner.stop[d] > outer.stop[d]) return false;
  }
  return true;
}

}  // namespace hyperchunk
