// Small helpers that turn reference data into lazy arrays for the randomized suites.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "hyperchunk/array/array.h"
#include "testing/random.h"

namespace hyperchunk::test {

/// `data` wrapped as a lazy array with random chunks; `chunks_text` (if given) receives the chunks.
inline Array LazyWithRandomChunks(Rng& rng, const NdArray& data, std::string* chunks_text = nullptr) {
  const ChunkGrid grid = RandomChunks(rng, data.shape());
  if (chunks_text != nullptr) *chunks_text = ChunksString(grid);
  return Array::FromNdArray(data, grid);
}

/// One of the shared Contexts with 1, 2 or 4 threads.
inline Context& RandomContext(Rng& rng) {
  return SharedContext(kThreadCounts[rng.Int(0, static_cast<int64_t>(std::size(kThreadCounts)) - 1)]);
}

/// A shape and a broadcast-compatible shape for each of `operands` operands: each operand is a
/// suffix of the result shape with some extents replaced by 1.
inline std::pair<Shape, std::vector<Shape>> RandomBroadcastShapes(Rng& rng, int operands, int max_rank = 4,
                                                                  Index max_extent = 6) {
  const Shape out = RandomShape(rng, 0, max_rank, max_extent, 0.02);
  std::vector<Shape> shapes;
  for (int k = 0; k < operands; ++k) {
    const size_t rank = static_cast<size_t>(rng.Int(0, static_cast<int64_t>(out.size())));
    Shape shape(out.end() - static_cast<std::ptrdiff_t>(rank), out.end());
    for (auto& extent : shape) {
      if (rng.Chance(0.25)) extent = 1;
    }
    shapes.push_back(std::move(shape));
  }
  // The result of broadcasting may be smaller than `out` when every operand dropped an axis.
  return {out, shapes};
}

}  // namespace hyperchunk::test
