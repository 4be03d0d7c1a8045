// Shapes, indices and boxes. All in array order (C order, last axis fastest) and in elements.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hyperchunk {

/// The one signed index type of the project: element counts, offsets, axis lengths.
using Index = int64_t;
/// Extent of each axis, array order.
using Shape = std::vector<Index>;

/// Product of the extents (1 for a 0-d shape).
Index NumElements(const Shape& shape);
/// C-order strides in elements.
std::vector<Index> ContiguousStrides(const Shape& shape);
/// "(15, 15)" — numpy's tuple notation ("(5,)" for one axis, "()" for none).
std::string ShapeToString(const Shape& shape);

/// A hyper-rectangle [start, stop) per axis, array order.
struct Box {
  std::vector<Index> start;
  std::vector<Index> stop;

  static Box Full(const Shape& shape);
  size_t rank() const { return start.size(); }
  Index extent(size_t dim) const { return stop[dim] - start[dim]; }
  Shape shape() const;
  Index num_elements() const;
  bool empty() const;
  bool operator==(const Box&) const = default;
  /// "[0:5, 10:15]"
  std::string ToString() const;
};

/// The common part of two boxes of the same rank (may be empty).
Box Intersect(const Box& a, const Box& b);
/// `inner` expressed relative to `outer.start`.
Box Relative(const Box& inner, const Box& outer);
bool Contains(const Box& outer, const Box& inner);

}  // namespace hyperchunk
