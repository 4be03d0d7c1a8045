// Planning and running computations: many outputs in one pass over their sources.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "hyperchunk/array/array.h"
#include "hyperchunk/core/ndarray.h"
#include "hyperchunk/exec/context.h"

namespace hyperchunk {

/// What a plan will do, before it runs.
struct PlanInfo {
  int64_t stages = 0;          ///< passes over the data (a reduction feeding more work adds one)
  int64_t tasks = 0;           ///< scheduled tasks (fused: one task reads a chunk once for every output)
  int64_t source_chunks = 0;   ///< distinct source chunks read
  int64_t source_bytes = 0;    ///< decoded bytes of those chunks
  int64_t output_bytes = 0;    ///< bytes held in memory for results (and reductions' running states)
  int64_t max_task_bytes = 0;  ///< the largest working set of one task
  int64_t required_bytes = 0;  ///< the least memory budget that can run the plan
  /// Bytes the plan reads from its sources (decoded): every stage's reads, and of a chunk read
  /// partially (uncompressed storage) only the part the computation needs.
  int64_t read_bytes = 0;
  /// Chunk reads that read only a part of their chunk (ChunkSource::ReadChunkBox).
  int64_t partial_chunk_reads = 0;
  /// Chunks read tile by tile as they are processed, never held whole (large uncompressed chunks
  /// that one task walks once): each byte passes through memory once.
  int64_t streamed_chunk_reads = 0;
  /// Of those, the chunks read in bands of rows, each band serving several narrow walks over the
  /// same rows (the channel windows of several line maps of uncompressed data).
  int64_t banded_chunk_reads = 0;
  /// One line: "1 stage, 9 tasks, 9 source chunks (1.76 kiB), reads 1.76 kiB, results 16 B, needs
  /// 224 B"; with partial reads: "... 4 source chunks (248 MiB), reads 3.10 MiB (4 partial), ...".
  std::string Summary() const;
};

/// Plans the outputs together and reports; nothing is read.
Result<PlanInfo> Explain(Context& ctx, const std::vector<Array>& outputs);

/// The plan as a Graphviz DOT graph: source chunks, fused tasks, reductions, outputs.
Result<std::string> GraphDot(Context& ctx, const std::vector<Array>& outputs);

/// Computes every output into memory in one pass: each needed source chunk is read once.
/// Refused before any work when the plan does not fit ctx's memory limit.
Result<std::vector<NdArray>> Compute(Context& ctx, const std::vector<Array>& outputs);
Result<NdArray> Compute(Context& ctx, const Array& output);

/// Computes `array` chunk by chunk and hands each chunk to `sink` as soon as it is ready, without
/// holding the whole result: for arrays larger than memory (saving, streaming). `sink` is called
/// from worker threads, possibly at once, in no particular order.
Status ComputeChunks(Context& ctx, const Array& array,
                     const std::function<Status(const ChunkIndex& chunk, const Box& box, const NdArray& values)>& sink);

}  // namespace hyperchunk
