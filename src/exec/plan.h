// The plan of a computation (internal): stages of fused tasks over source chunks.
//
// Reductions are computed as partial states per chunk of their input, folded into one accumulator
// per output chunk in plan order. A reduction whose result feeds further work is computed in an
// earlier stage and then read from memory. Within a stage, units of work (an output chunk to
// write, or an input chunk to fold into a reduction) that touch exactly the same source chunks are
// fused into one task: the chunks are read once and flow through every consumer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "array/node.h"
#include "array/reduce_kernels.h"
#include "hyperchunk/exec/compute.h"

namespace hyperchunk::internal {

/// A source chunk: which source and which chunk (C-order linear index).
struct ChunkKey {
  const SourceNode* source = nullptr;
  Index linear = 0;
  bool operator==(const ChunkKey&) const = default;
  bool operator<(const ChunkKey& o) const {
    return source->id() != o.source->id() ? source->id() < o.source->id() : linear < o.linear;
  }
};
struct ChunkKeyHash {
  size_t operator()(const ChunkKey& k) const {
    return std::hash<const void*>()(k.source) ^ (std::hash<Index>()(k.linear) * 0x9E3779B97F4A7C15ULL);
  }
};

/// What a stage produces: a node's values written chunk by chunk, or a reduction's accumulators.
struct Target {
  NodePtr node;
  bool is_reduce = false;
  bool streaming = false;  ///< chunks go to a sink instead of an array in memory
  std::unique_ptr<Reducer> reducer;
  bool splittable = true;  ///< tiles may cut the target's units (false under map_blocks)
  Index tile_elements = 0;
};

/// One unit of work.
struct Unit {
  int target = 0;
  /// Write: the target's output chunk. Reduce: the chunk of the reduction's input.
  ChunkIndex chunk;
  Box box;
  /// Global position in the stage (task order, then unit order): the fold order of partials.
  int64_t sequence = 0;
};

struct Task {
  std::vector<Unit> units;
  std::vector<ChunkKey> chunks;  ///< distinct source chunks read, sorted
  Index cost = 0;                ///< bytes reserved while the task runs (chunks, temporaries, partials)
  Index source_bytes = 0;        ///< bytes its chunks move from storage (throughput)
};

/// What a stage reads of one source chunk, once, into its chunk cache.
struct ChunkRead {
  /// Source coordinates. The whole chunk, or — when the source reads partially and the stage's
  /// units pull less than the chunk — the bounding box of everything they pull from it.
  Box box;
  bool partial = false;  ///< read with ChunkSource::ReadChunkBox
  /// Never held decoded: its one task reads each tile's part as the tile is processed and reduces
  /// it while it is in the CPU's cache — from storage (ReadChunkBox: uncompressed chunks) or from
  /// the chunk's staged bytes (ReadFromStaged: a gzip + shuffle chunk inflated once, each tile
  /// unshuffled from it). For large chunks that one task walks without reading a byte twice.
  bool streamed = false;
  /// Streamed in bands of rows (with `streamed`): the task's units walk narrow parts of the same
  /// rows (two channel windows of a spectrum image), each with tiles of the same rows. Each band —
  /// a tile's rows of `box`, every column — is read once and serves every walk's tile in it; the
  /// task interleaves its walks so that they meet in each band.
  bool banded = false;
  int uses = 0;     ///< tasks touching the chunk
  Index bytes = 0;  ///< decoded bytes of `box`
};

/// Chunks at least this many tiles large are streamed when they can be (ChunkRead::streamed):
/// smaller ones stay in the CPU's last-level cache between the read and the tiles anyway.
inline constexpr Index kStreamMinTiles = 16;

struct Stage {
  std::vector<Target> targets;
  std::vector<Task> tasks;
  std::unordered_map<ChunkKey, ChunkRead, ChunkKeyHash> chunk_reads;  ///< every chunk the stage reads
};

struct Plan {
  std::vector<Stage> stages;
  /// For each requested output: (stage, target).
  std::vector<std::pair<int, int>> outputs;
  PlanInfo info;
};

/// Builds the plan; `streaming_output` makes the single output's target a streaming one.
Result<Plan> BuildPlan(const std::vector<NodePtr>& outputs, int64_t tile_bytes, bool streaming_output);

/// Calls f(key, part) for every source chunk needed to compute `box` of `node`, with `part` the
/// part of the chunk needed (source coordinates; a chunk may be reported more than once); nodes in
/// `materialized` are already in memory.
void CollectChunks(const Node& node, const Box& box, const std::function<bool(const Node*)>& materialized,
                   const std::function<void(const ChunkKey&, const Box&)>& f);

/// Cuts `box` into tiles of at most `max_elements` elements, splitting leading axes first.
std::vector<Box> SplitIntoTiles(const Box& box, Index max_elements);

/// The plan as Graphviz DOT.
std::string PlanToDot(const Plan& plan);

}  // namespace hyperchunk::internal
