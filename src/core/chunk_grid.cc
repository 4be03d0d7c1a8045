#include "hyperchunk/core/chunk_grid.h"

#include <algorithm>

#include <fmt/format.h>

namespace hyperchunk {

ChunkGrid::ChunkGrid(std::vector<std::vector<Index>> chunks) : chunks_(std::move(chunks)) {
  bounds_.resize(chunks_.size());
  for (size_t d = 0; d < chunks_.size(); ++d) {
    auto& b = bounds_[d];
    b.reserve(chunks_[d].size() + 1);
    b.push_back(0);
    for (Index len : chunks_[d]) b.push_back(b.back() + len);
  }
}

Result<ChunkGrid> ChunkGrid::Make(std::vector<std::vector<Index>> chunks) {
  for (size_t d = 0; d < chunks.size(); ++d) {
    const auto& lens = chunks[d];
    if (lens.empty()) return InvalidArgument(fmt::format("axis {} has no chunks", d));
    const bool zero_axis = lens.size() == 1 && lens[0] == 0;
    for (Index len : lens) {
      if (len < 0 || (len == 0 && !zero_axis))
        return InvalidArgument(fmt::format("axis {} has a chunk of length {}; lengths must be positive", d, len));
    }
  }
  return ChunkGrid(std::move(chunks));
}

ChunkGrid ChunkGrid::Regular(const Shape& shape, const Shape& chunk_shape) {
  std::vector<std::vector<Index>> chunks(shape.size());
  for (size_t d = 0; d < shape.size(); ++d) {
    const Index n = shape[d];
    Index c = d < chunk_shape.size() ? chunk_shape[d] : n;
    if (c <= 0 || c > n) c = n;
    if (n == 0) {
      chunks[d] = {0};
      continue;
    }
    for (Index pos = 0; pos < n; pos += c) chunks[d].push_back(std::min(c, n - pos));
  }
  return ChunkGrid(std::move(chunks));
}

ChunkGrid ChunkGrid::Single(const Shape& shape) { return Regular(shape, shape); }

Shape ChunkGrid::shape() const {
  Shape s(rank());
  for (size_t d = 0; d < rank(); ++d) s[d] = bounds_[d].back();
  return s;
}

std::vector<Index> ChunkGrid::boundaries(size_t dim) const { return bounds_[dim]; }

Shape ChunkGrid::grid_shape() const {
  Shape s(rank());
  for (size_t d = 0; d < rank(); ++d) s[d] = static_cast<Index>(chunks_[d].size());
  return s;
}

Index ChunkGrid::num_chunks() const { return NumElements(grid_shape()); }

Shape ChunkGrid::max_chunk_shape() const {
  Shape s(rank());
  for (size_t d = 0; d < rank(); ++d) s[d] = *std::max_element(chunks_[d].begin(), chunks_[d].end());
  return s;
}

Index ChunkGrid::max_chunk_elements() const { return NumElements(max_chunk_shape()); }

bool ChunkGrid::is_regular() const {
  for (const auto& lens : chunks_) {
    for (size_t i = 0; i + 1 < lens.size(); ++i) {
      if (lens[i] != lens[0]) return false;
    }
    if (lens.back() > lens[0]) return false;
  }
  return true;
}

Box ChunkGrid::ChunkBox(const ChunkIndex& chunk) const {
  Box b;
  b.start.resize(rank());
  b.stop.resize(rank());
  for (size_t d = 0; d < rank(); ++d) {
    b.start[d] = bounds_[d][chunk[d]];
    b.stop[d] = bounds_[d][chunk[d] + 1];
  }
  return b;
}

ChunkIndex ChunkGrid::Unravel(Index linear) const {
  ChunkIndex idx(rank());
  for (size_t d = rank(); d-- > 0;) {
    const Index n = static_cast<Index>(chunks_[d].size());
    idx[d] = linear % n;
    linear /= n;
  }
  return idx;
}

Index ChunkGrid::Ravel(const ChunkIndex& chunk) const {
  Index linear = 0;
  for (size_t d = 0; d < rank(); ++d) linear = linear * static_cast<Index>(chunks_[d].size()) + chunk[d];
  return linear;
}

void ChunkGrid::Overlapping(const Box& box, std::vector<Index>& first, std::vector<Index>& last) const {
  first.resize(rank());
  last.resize(rank());
  for (size_t d = 0; d < rank(); ++d) {
    const auto& b = bounds_[d];
    // Chunk c covers [b[c], b[c+1]); the first chunk whose end is past box.start.
    first[d] = std::upper_bound(b.begin() + 1, b.end(), box.start[d]) - (b.begin() + 1);
    last[d] = std::lower_bound(b.begin() + 1, b.end(), box.stop[d]) - (b.begin() + 1);
    const Index n = static_cast<Index>(chunks_[d].size());
    first[d] = std::min(first[d], n - 1);
    last[d] = std::min(last[d], n - 1);
  }
}

std::string ChunkGrid::ToString() const {
  std::vector<std::string> axes;
  for (const auto& lens : chunks_) {
    axes.push_back(lens.size() == 1 ? fmt::format("({},)", lens[0]) : fmt::format("({})", fmt::join(lens, ", ")));
  }
  if (axes.size() == 1) return "(" + axes[0] + ",)";
  return fmt::format("({})", fmt::join(axes, ", "));
}

std::vector<Index> RefineChunks(const std::vector<Index>& a, const std::vector<Index>& b) {
  std::vector<Index> out;
  size_t ia = 0, ib = 0;
  Index ea = a.empty() ? 0 : a[0], eb = b.empty() ? 0 : b[0], pos = 0;
  while (ia < a.size() && ib < b.size()) {
    const Index next = std::min(ea, eb);
    if (next > pos) out.push_back(next - pos);
    pos = next;
    if (ea == next && ++ia < a.size()) ea += a[ia];
    if (eb == next && ++ib < b.size()) eb += b[ib];
  }
  if (out.empty()) out.push_back(0);
  return out;
}

}  // namespace hyperchunk
