// How an array is cut into chunks: per axis, a list of chunk lengths (regular or irregular).
#pragma once

#include <string>
#include <vector>

#include "hyperchunk/core/shape.h"
#include "hyperchunk/core/status.h"

namespace hyperchunk {

/// Position of a chunk in the grid, one coordinate per axis (array order).
using ChunkIndex = std::vector<Index>;

/// Per-axis chunk lengths, array order (dask's `chunks` tuple-of-tuples). Every axis has at least
/// one chunk; a zero-length axis has one chunk of length 0.
class ChunkGrid {
 public:
  ChunkGrid() = default;
  /// Checks that the lengths on each axis are positive (or a single 0) and add up to the shape.
  static Result<ChunkGrid> Make(std::vector<std::vector<Index>> chunks);
  /// Regular chunks of `chunk_shape` (entries <= 0 or past the axis mean the whole axis); the last
  /// chunk of an axis is ragged when the length is not a multiple.
  static ChunkGrid Regular(const Shape& shape, const Shape& chunk_shape);
  /// One chunk covering the whole array.
  static ChunkGrid Single(const Shape& shape);

  size_t rank() const { return chunks_.size(); }
  Shape shape() const;
  /// Chunk lengths along `dim`.
  const std::vector<Index>& lengths(size_t dim) const { return chunks_[dim]; }
  const std::vector<std::vector<Index>>& all_lengths() const { return chunks_; }
  /// Chunk boundaries along `dim`: lengths(dim).size() + 1 offsets starting at 0.
  std::vector<Index> boundaries(size_t dim) const;
  /// Number of chunks along each axis.
  Shape grid_shape() const;
  Index num_chunks() const;
  /// The largest chunk length on each axis (dask's `chunksize`).
  Shape max_chunk_shape() const;
  /// Elements of the largest chunk.
  Index max_chunk_elements() const;
  bool is_regular() const;

  /// The box a chunk covers.
  Box ChunkBox(const ChunkIndex& chunk) const;
  /// Chunk index for a C-order linear chunk number, and back.
  ChunkIndex Unravel(Index linear) const;
  Index Ravel(const ChunkIndex& chunk) const;
  /// The range [first, last] of chunk positions along each axis that `box` touches.
  void Overlapping(const Box& box, std::vector<Index>& first, std::vector<Index>& last) const;

  bool operator==(const ChunkGrid&) const = default;
  /// dask style: "((5, 5, 5), (5, 5, 5))"
  std::string ToString() const;

 private:
  explicit ChunkGrid(std::vector<std::vector<Index>> chunks);
  std::vector<std::vector<Index>> chunks_;
  std::vector<std::vector<Index>> bounds_;  // cached boundaries
};

/// The chunks of one axis cut at the boundaries of both `a` and `b` (dask's common refinement).
std::vector<Index> RefineChunks(const std::vector<Index>& a, const std::vector<Index>& b);

}  // namespace hyperchunk
