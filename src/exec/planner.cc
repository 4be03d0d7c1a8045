#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "exec/plan.h"
#include "hyperchunk/core/format.h"

namespace hyperchunk::internal {

namespace {

// Calls f(chunk_index) for every chunk of `grid` overlapping `box` (C order).
template <typename F>
void ForEachOverlapping(const ChunkGrid& grid, const Box& box, F&& f) {
  if (box.empty() && box.rank() > 0) return;
  std::vector<Index> first, last;
  grid.Overlapping(box, first, last);
  ChunkIndex idx = first;
  const size_t rank = grid.rank();
  while (true) {
    f(idx);
    size_t d = rank;
    while (true) {
      if (d == 0) return;
      --d;
      if (++idx[d] <= last[d]) break;
      idx[d] = first[d];
    }
  }
}

// Calls f(chunk_index) for every chunk of `grid`, skipping empty ones.
template <typename F>
void ForEachChunk(const ChunkGrid& grid, F&& f) {
  const Index n = grid.num_chunks();
  for (Index i = 0; i < n; ++i) {
    ChunkIndex c = grid.Unravel(i);
    Box b = grid.ChunkBox(c);
    if (b.rank() > 0 && b.empty()) continue;
    f(c, b);
  }
}

Index BoxBytes(const Box& box, DType dtype) { return box.num_elements() * ItemSize(dtype); }

// Grows `acc` to cover `box` as well (same rank).
void ExtendBox(Box& acc, const Box& box) {
  for (size_t d = 0; d < acc.rank(); ++d) {
    acc.start[d] = std::min(acc.start[d], box.start[d]);
    acc.stop[d] = std::max(acc.stop[d], box.stop[d]);
  }
}

// Whether `box` (relative to an array of `shape`) is one contiguous run of it: NdArray::Sub
// returns a view, not a copy.
bool IsContiguousIn(const Box& box, const Shape& shape) {
  if (box.empty()) return true;
  size_t partial = 0;  // one past the last axis whose extent is not the whole axis
  for (size_t d = 0; d < box.rank(); ++d) {
    if (box.extent(d) != shape[d]) partial = d + 1;
  }
  for (size_t d = 0; d + 1 < partial; ++d) {
    if (box.extent(d) != 1) return false;
  }
  return true;
}

using ChunkReads = std::unordered_map<ChunkKey, ChunkRead, ChunkKeyHash>;

bool IsSplittable(const Node& node) {
  if (node.chunk_exact()) return false;
  if (node.kind() == NodeKind::kReduce || node.kind() == NodeKind::kSource || node.kind() == NodeKind::kMemory)
    return true;
  for (const auto& in : node.inputs()) {
    if (!IsSplittable(*in)) return false;
  }
  return true;
}

// How many source elements a tile of `node` pulls per element of its own (coarsen and rebin nodes
// read several input elements per output element), measured on its first chunk. Tiles are sized
// in pulled elements so that what a tile reads still fits the cache.
double PullExpansion(const Node& node) {
  if (node.kind() == NodeKind::kReduce || node.kind() == NodeKind::kSource || node.kind() == NodeKind::kMemory)
    return 1.0;
  if (node.chunks().num_chunks() == 0) return 1.0;
  const Box box = node.chunks().ChunkBox(ChunkIndex(node.chunks().rank(), 0));
  const Index out = NumElements(box.shape());
  if (out == 0) return 1.0;
  double widest = 1.0;
  for (size_t i = 0; i < node.inputs().size(); ++i) {
    if (auto ib = node.InputBox(i, box)) {
      const double ratio = static_cast<double>(NumElements(ib->shape())) / static_cast<double>(out);
      widest = std::max(widest, ratio * PullExpansion(*node.inputs()[i]));
    }
  }
  return widest;
}

// Bytes of temporaries made while pulling `box` of `node` (an upper estimate); `reads` says what
// the stage's chunk cache holds of each source chunk.
Index EstimateTemporaries(const Node& node, const Box& box, const ChunkReads& reads) {
  if (box.rank() > 0 && box.empty()) return 0;
  switch (node.kind()) {
    case NodeKind::kSource: {
      std::vector<Index> first, last;
      node.chunks().Overlapping(box, first, last);
      if (first != last) return BoxBytes(box, node.dtype());
      const auto it = reads.find(ChunkKey{static_cast<const SourceNode*>(&node), node.chunks().Ravel(first)});
      const Box held = it != reads.end() ? it->second.box : node.chunks().ChunkBox(first);
      return Contains(held, box) && IsContiguousIn(Relative(box, held), held.shape()) ? 0 : BoxBytes(box, node.dtype());
    }
    case NodeKind::kMemory:
    case NodeKind::kReduce: return BoxBytes(box, node.dtype());
    default: break;
  }
  Index total = BoxBytes(box, node.dtype());
  if (node.chunk_exact()) {
    ForEachOverlapping(node.chunks(), box, [&](const ChunkIndex& c) {
      const Box cb = node.chunks().ChunkBox(c);
      total += BoxBytes(cb, node.dtype());
      for (size_t i = 0; i < node.inputs().size(); ++i) {
        if (auto ib = node.InputBox(i, cb)) total += EstimateTemporaries(*node.inputs()[i], *ib, reads);
      }
    });
    return total;
  }
  for (size_t i = 0; i < node.inputs().size(); ++i) {
    const auto ib = node.InputBox(i, box);
    if (!ib) continue;
    const Node& in = *node.inputs()[i];
    total += EstimateTemporaries(in, *ib, reads);
    if (node.kind() == NodeKind::kElementwise || node.kind() == NodeKind::kConcat)
      total += ib->num_elements() * 8;  // a cast copy, at most 8 bytes an element
  }
  return total;
}

// Stage in which a node's values can be pulled: reductions add one.
int PullStage(const Node& node, std::unordered_map<const Node*, int>& memo) {
  if (auto it = memo.find(&node); it != memo.end()) return it->second;
  int s = 0;
  for (const auto& in : node.inputs()) s = std::max(s, PullStage(*in, memo));
  if (node.kind() == NodeKind::kReduce) s += 1;
  memo[&node] = s;
  return s;
}

// Stage in which a node is computed as a target.
int ComputeStage(const Node& node, std::unordered_map<const Node*, int>& memo) {
  const int s = PullStage(node, memo);
  return node.kind() == NodeKind::kReduce ? s - 1 : s;
}

void CollectReductions(const NodePtr& node, std::unordered_set<const Node*>& seen, std::vector<NodePtr>& out) {
  if (!seen.insert(node.get()).second) return;
  for (const auto& in : node->inputs()) CollectReductions(in, seen, out);
  if (node->kind() == NodeKind::kReduce) out.push_back(node);
}

}  // namespace

void CollectChunks(const Node& node, const Box& box, const std::function<bool(const Node*)>& materialized,
                   const std::function<void(const ChunkKey&, const Box&)>& f) {
  if (box.rank() > 0 && box.empty()) return;
  if (materialized(&node)) return;
  switch (node.kind()) {
    case NodeKind::kSource: {
      const auto* src = static_cast<const SourceNode*>(&node);
      ForEachOverlapping(node.chunks(), box, [&](const ChunkIndex& c) {
        f(ChunkKey{src, node.chunks().Ravel(c)}, Intersect(box, node.chunks().ChunkBox(c)));
      });
      return;
    }
    case NodeKind::kMemory: return;
    default: break;
  }
  auto recurse = [&](const Box& b) {
    for (size_t i = 0; i < node.inputs().size(); ++i) {
      if (auto ib = node.InputBox(i, b)) CollectChunks(*node.inputs()[i], *ib, materialized, f);
    }
  };
  if (node.chunk_exact()) {
    ForEachOverlapping(node.chunks(), box, [&](const ChunkIndex& c) { recurse(node.chunks().ChunkBox(c)); });
  } else {
    recurse(box);
  }
}

std::vector<Box> SplitIntoTiles(const Box& box, Index max_elements) {
  std::vector<Box> tiles;
  max_elements = std::max<Index>(max_elements, 1);
  const size_t rank = box.rank();
  if (rank == 0 || box.num_elements() <= max_elements) {
    tiles.push_back(box);
    return tiles;
  }
  // Find the axis to cut: the first one whose trailing block still exceeds the tile.
  size_t axis = 0;
  Index inner = box.num_elements();
  for (; axis < rank; ++axis) {
    inner /= std::max<Index>(box.extent(axis), 1);
    if (inner <= max_elements) break;
  }
  if (axis == rank) axis = rank - 1, inner = 1;
  const Index step = std::max<Index>(1, max_elements / std::max<Index>(inner, 1));
  // Every combination of the axes before `axis`, then runs of `step` along `axis`.
  std::vector<Index> pos(box.start.begin(), box.start.begin() + static_cast<std::ptrdiff_t>(axis));
  while (true) {
    for (Index s = box.start[axis]; s < box.stop[axis]; s += step) {
      Box t = box;
      for (size_t d = 0; d < axis; ++d) {
        t.start[d] = pos[d];
        t.stop[d] = pos[d] + 1;
      }
      t.start[axis] = s;
      t.stop[axis] = std::min(s + step, box.stop[axis]);
      tiles.push_back(std::move(t));
    }
    size_t d = axis;
    while (true) {
      if (d == 0) return tiles;
      --d;
      if (++pos[d] < box.stop[d]) break;
      pos[d] = box.start[d];
    }
  }
}

namespace {

// Whether the walks over one chunk — each (unit box, tile size, part of the chunk), as the planner
// lists them — cover the same rows of the chunk in the same tiles: every tile of every walk is a
// run of whole rows, and the k-th tiles of all walks cover the same rows. Then a band of rows read
// for one walk's tile holds the others' tiles of those rows (ChunkRead::banded).
bool WalkSameRows(const std::set<std::vector<Index>>& walks, size_t rank) {
  if (rank == 0) return false;
  bool first = true;
  Index rows_start = 0, rows_stop = 0, rows_step = 0;
  for (const auto& walk : walks) {
    const size_t unit_rank = (walk.size() - 1 - 2 * rank) / 2;
    if (unit_rank == 0) return false;
    Box unit, part;
    unit.start.assign(walk.begin(), walk.begin() + static_cast<std::ptrdiff_t>(unit_rank));
    unit.stop.assign(walk.begin() + static_cast<std::ptrdiff_t>(unit_rank),
                     walk.begin() + static_cast<std::ptrdiff_t>(2 * unit_rank));
    const Index tile_elements = walk[2 * unit_rank];
    const auto part_at = walk.end() - static_cast<std::ptrdiff_t>(2 * rank);
    part.start.assign(part_at, part_at + static_cast<std::ptrdiff_t>(rank));
    part.stop.assign(part_at + static_cast<std::ptrdiff_t>(rank), walk.end());
    // The unit's first axis is the part's rows, one for one.
    if (unit.extent(0) != part.extent(0)) return false;
    const std::vector<Box> tiles = SplitIntoTiles(unit, tile_elements);
    for (size_t d = 1; d < unit_rank; ++d) {
      if (tiles.front().extent(d) != unit.extent(d)) return false;  // a tile is part of a row
    }
    const Index step = tiles.front().extent(0);
    if (first) {
      rows_start = part.start[0], rows_stop = part.stop[0], rows_step = step;
      first = false;
    } else if (part.start[0] != rows_start || part.stop[0] != rows_stop || step != rows_step) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<Plan> BuildPlan(const std::vector<NodePtr>& outputs, int64_t tile_bytes, bool streaming_output) {
  Plan plan;
  std::unordered_map<const Node*, int> memo;
  std::unordered_set<const Node*> seen;
  std::vector<NodePtr> reductions;
  for (const auto& o : outputs) CollectReductions(o, seen, reductions);

  int n_stages = 1;
  for (const auto& o : outputs) n_stages = std::max(n_stages, ComputeStage(*o, memo) + 1);
  for (const auto& r : reductions) n_stages = std::max(n_stages, ComputeStage(*r, memo) + 1);
  plan.stages.resize(static_cast<size_t>(n_stages));

  std::unordered_map<const Node*, std::pair<int, int>> target_of;
  auto add_target = [&](const NodePtr& node, bool streaming) {
    if (auto it = target_of.find(node.get()); it != target_of.end()) return it->second;
    const int s = ComputeStage(*node, memo);
    Stage& stage = plan.stages[static_cast<size_t>(s)];
    Target t;
    t.node = node;
    t.is_reduce = node->kind() == NodeKind::kReduce;
    t.streaming = streaming && !t.is_reduce;
    const Node& pulled = t.is_reduce ? *node->inputs()[0] : *node;
    if (t.is_reduce) {
      const auto& rn = static_cast<const ReduceNode&>(*node);
      t.reducer = std::make_unique<Reducer>(rn.op(), pulled.dtype(), rn.ddof());
    }
    t.splittable = IsSplittable(pulled);
    const double per_element =
        static_cast<double>(std::max<Index>(ItemSize(pulled.dtype()), 8)) * PullExpansion(pulled);
    t.tile_elements = std::max<Index>(1, static_cast<Index>(static_cast<double>(tile_bytes) / per_element));
    stage.targets.push_back(std::move(t));
    const auto where = std::make_pair(s, static_cast<int>(stage.targets.size()) - 1);
    target_of[node.get()] = where;
    return where;
  };
  for (const auto& r : reductions) add_target(r, false);
  for (const auto& o : outputs) plan.outputs.push_back(add_target(o, streaming_output));

  auto materialized = [](const Node* n) { return n->kind() == NodeKind::kReduce; };
  std::set<ChunkKey> all_chunks;
  for (auto& stage : plan.stages) {
    // Units, grouped by the exact set of source chunks they read; the part of each chunk that the
    // stage's units pull (their bounding box).
    std::map<std::vector<ChunkKey>, size_t> by_chunks;
    std::vector<Task> tasks;
    std::unordered_map<ChunkKey, Box, ChunkKeyHash> pulled_parts;
    for (size_t ti = 0; ti < stage.targets.size(); ++ti) {
      const Target& t = stage.targets[ti];
      const Node& pulled = t.is_reduce ? *t.node->inputs()[0] : *t.node;
      ForEachChunk(pulled.chunks(), [&](const ChunkIndex& c, const Box& b) {
        std::vector<ChunkKey> keys;
        CollectChunks(pulled, b, materialized, [&](const ChunkKey& k, const Box& part) {
          keys.push_back(k);
          auto [it, fresh] = pulled_parts.emplace(k, part);
          if (!fresh) ExtendBox(it->second, part);
        });
        std::sort(keys.begin(), keys.end());
        keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        Unit u{static_cast<int>(ti), c, b, 0};
        if (keys.empty()) {
          tasks.push_back(Task{{std::move(u)}, {}, 0, 0});
          return;
        }
        auto [it, fresh] = by_chunks.emplace(keys, tasks.size());
        if (fresh) tasks.push_back(Task{{}, keys, 0, 0});
        tasks[it->second].units.push_back(std::move(u));
      });
    }
    // Order tasks by the chunks they read, so neighbours share cached chunks.
    std::stable_sort(tasks.begin(), tasks.end(), [](const Task& a, const Task& b) {
      if (a.chunks.empty() || b.chunks.empty()) return !a.chunks.empty() && b.chunks.empty();
      return a.chunks.front() < b.chunks.front();
    });
    // What the stage reads of each chunk: only the part its units pull, when the source can.
    for (const auto& [k, part] : pulled_parts) {
      const ChunkIndex c = k.source->chunks().Unravel(k.linear);
      ChunkRead& read = stage.chunk_reads[k];
      read.box = k.source->chunks().ChunkBox(c);
      if (part != read.box && k.source->source().CanReadPartial(c)) {
        read.box = part;
        read.partial = true;
        plan.info.partial_chunk_reads += 1;
      }
      read.bytes = BoxBytes(read.box, k.source->dtype());
      plan.info.read_bytes += read.bytes;
    }
    int64_t seq = 0;
    for (auto& task : tasks) {
      Index temporaries = 0, partials = 0;
      for (auto& u : task.units) {
        u.sequence = seq++;
        const Target& t = stage.targets[static_cast<size_t>(u.target)];
        const Node& pulled = t.is_reduce ? *t.node->inputs()[0] : *t.node;
        const auto tiles = t.splittable ? SplitIntoTiles(u.box, t.tile_elements) : std::vector<Box>{u.box};
        temporaries = std::max(temporaries, EstimateTemporaries(pulled, tiles.front(), stage.chunk_reads));
        if (t.is_reduce) {
          Index keep = 1;
          const auto& red = static_cast<const ReduceNode&>(*t.node).reduced();
          for (size_t d = 0; d < u.box.rank(); ++d) keep *= red[d] ? 1 : u.box.extent(d);
          partials += keep * t.reducer->state_item_bytes();
        } else if (t.streaming) {
          partials += BoxBytes(u.box, t.node->dtype());
        }
      }
      Index chunk_bytes = 0;
      for (const auto& k : task.chunks) {
        const ChunkIndex c = k.source->chunks().Unravel(k.linear);
        ChunkRead& read = stage.chunk_reads.at(k);
        chunk_bytes += read.bytes;
        task.source_bytes += read.partial ? read.bytes : k.source->source().StoredBytes(c);
        read.uses += 1;
        if (all_chunks.insert(k).second) {
          plan.info.source_chunks += 1;
          plan.info.source_bytes += BoxBytes(k.source->chunks().ChunkBox(c), k.source->dtype());
        }
      }
      task.cost = chunk_bytes + temporaries + partials;
      plan.info.max_task_bytes = std::max(plan.info.max_task_bytes, task.cost);
    }
    // Large chunks read partially and needed by one task are streamed when no byte would be read
    // twice: each tile's part is read when the tile is processed, so the bytes go from the page
    // cache through the CPU's cache once, instead of being copied into a chunk buffer in memory and
    // read back from there. Units over the same box walk the same tiles together (one read serves
    // them all); units over different boxes each read their own parts.
    for (const auto& task : tasks) {
      if (task.units.empty()) continue;
      bool splittable = true;
      // Per chunk: the distinct walks over it — (unit box, tile size, part of the chunk pulled);
      // units with equal walks share every tile read.
      std::map<ChunkKey, std::set<std::vector<Index>>> walks;
      for (const auto& u : task.units) {
        const Target& t = stage.targets[static_cast<size_t>(u.target)];
        splittable = splittable && t.splittable;
        if (!splittable) break;
        const Node& pulled = t.is_reduce ? *t.node->inputs()[0] : *t.node;
        std::map<ChunkKey, Box> parts;
        CollectChunks(pulled, u.box, materialized, [&](const ChunkKey& k, const Box& part) {
          auto [it, fresh] = parts.emplace(k, part);
          if (!fresh) ExtendBox(it->second, part);
        });
        for (const auto& [k, part] : parts) {
          std::vector<Index> walk = u.box.start;
          walk.insert(walk.end(), u.box.stop.begin(), u.box.stop.end());
          walk.push_back(t.tile_elements);
          walk.insert(walk.end(), part.start.begin(), part.start.end());
          walk.insert(walk.end(), part.stop.begin(), part.stop.end());
          walks[k].insert(std::move(walk));
        }
      }
      if (!splittable) continue;
      for (const auto& k : task.chunks) {
        ChunkRead& read = stage.chunk_reads.at(k);
        const ChunkIndex c = k.source->chunks().Unravel(k.linear);
        const ChunkSource& source = k.source->source();
        if (read.uses != 1 || read.bytes < kStreamMinTiles * tile_bytes) continue;
        // Partial reads, or staged ones of the whole chunk (no more staged bytes than the chunk's:
        // the task reserved that much).
        const bool partial = source.CanReadPartial(c);
        if (!partial && !(!read.partial && source.CanReadStaged(c) && source.StagedBytes(c) <= read.bytes)) continue;
        // One walk reads what the stage reads. Several walks must not add up to more than that; on
        // storage (partial reads) they must also differ only along the first axis (each a
        // contiguous range of rows of the read): narrower parts (two channel windows) would be read
        // as many short runs, most of each row read through — unless they walk the same rows in
        // the same tiles, when they are read in bands (ChunkRead::banded). From staged bytes in
        // memory, narrow parts cost only their own elements.
        const auto& chunk_walks = walks[k];
        bool banded = false;
        if (chunk_walks.size() > 1) {
          const size_t rank = read.box.rank();
          Index walked = 0;
          bool rows_only = true;
          for (const auto& walk : chunk_walks) {
            const Index* start = walk.data() + walk.size() - 2 * rank;  // the part, at the end
            const Index* stop = start + rank;
            Index volume = 1;
            for (size_t d = 0; d < rank; ++d) {
              volume *= stop[d] - start[d];
              if (d > 0) rows_only = rows_only && start[d] == read.box.start[d] && stop[d] == read.box.stop[d];
            }
            walked += volume;
          }
          if (partial && !rows_only) {
            if (!WalkSameRows(chunk_walks, rank)) continue;
            banded = true;
          } else if (walked > NumElements(read.box.shape())) {
            continue;
          }
        }
        read.streamed = true;
        read.banded = banded;
        if (banded) plan.info.banded_chunk_reads += 1;
        plan.info.streamed_chunk_reads += 1;
      }
    }
    plan.info.tasks += static_cast<int64_t>(tasks.size());
    stage.tasks = std::move(tasks);
    for (const auto& t : stage.targets) {
      if (t.streaming) continue;
      plan.info.output_bytes += BoxBytes(Box::Full(t.node->shape()), t.node->dtype());
      if (t.is_reduce) plan.info.output_bytes += NumElements(t.node->shape()) * t.reducer->state_item_bytes();
    }
  }
  plan.info.stages = n_stages;
  plan.info.required_bytes = plan.info.output_bytes + plan.info.max_task_bytes;
  return plan;
}

namespace {
std::string DotEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}
std::string ChunkText(const ChunkIndex& c) { return fmt::format("({})", fmt::join(c, ", ")); }
}  // namespace

std::string PlanToDot(const Plan& plan) {
  std::string dot = "digraph hyperchunk {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n";
  std::set<ChunkKey> drawn;
  for (size_t s = 0; s < plan.stages.size(); ++s) {
    const Stage& stage = plan.stages[s];
    for (size_t ti = 0; ti < stage.targets.size(); ++ti) {
      const Target& t = stage.targets[ti];
      dot += fmt::format("  target_{}_{} [shape=doubleoctagon, label=\"{} {}\\n{} {}\"];\n", s, ti,
                         t.is_reduce ? "aggregate" : "result", DotEscape(t.node->Label()), DTypeName(t.node->dtype()),
                         ShapeToString(t.node->shape()));
    }
    for (size_t k = 0; k < stage.tasks.size(); ++k) {
      const Task& task = stage.tasks[k];
      std::string label = fmt::format("task {}", k);
      for (const auto& u : task.units) {
        const Target& t = stage.targets[static_cast<size_t>(u.target)];
        label += fmt::format("\\n{} {} {}", DotEscape(t.node->Label()), t.is_reduce ? "partial" : "chunk",
                             ChunkText(u.chunk));
      }
      dot += fmt::format("  task_{}_{} [shape=box, label=\"{}\"];\n", s, k, label);
      for (const auto& key : task.chunks) {
        const std::string name = fmt::format("chunk_{}_{}", key.source->id(), key.linear);
        if (drawn.insert(key).second) {
          dot += fmt::format("  {} [shape=ellipse, label=\"{}\\nchunk {}\"];\n", name, DotEscape(key.source->Label()),
                             ChunkText(key.source->chunks().Unravel(key.linear)));
        }
        dot += fmt::format("  {} -> task_{}_{};\n", name, s, k);
      }
      std::set<int> fed;
      for (const auto& u : task.units) {
        if (fed.insert(u.target).second) dot += fmt::format("  task_{}_{} -> target_{}_{};\n", s, k, s, u.target);
      }
    }
  }
  // Earlier stages' results feeding later stages.
  for (size_t s = 0; s < plan.stages.size(); ++s) {
    for (size_t ti = 0; ti < plan.stages[s].targets.size(); ++ti) {
      const Node* n = plan.stages[s].targets[ti].node.get();
      for (size_t s2 = s + 1; s2 < plan.stages.size(); ++s2) {
        for (size_t k = 0; k < plan.stages[s2].tasks.size(); ++k) {
          bool uses = false;
          for (const auto& u : plan.stages[s2].tasks[k].units) {
            const Target& t = plan.stages[s2].targets[static_cast<size_t>(u.target)];
            std::function<bool(const Node&)> reaches = [&](const Node& x) {
              for (const auto& in : x.inputs()) {
                if (in.get() == n || (in->kind() != NodeKind::kReduce && reaches(*in))) return true;
              }
              return false;
            };
            uses = uses || reaches(*t.node);
          }
          if (uses) dot += fmt::format("  target_{}_{} -> task_{}_{} [style=dashed];\n", s, ti, s2, k);
        }
      }
    }
  }
  for (size_t i = 0; i < plan.outputs.size(); ++i) {
    dot += fmt::format("  output_{} [shape=note, label=\"output {}\"];\n", i, i);
    dot += fmt::format("  target_{}_{} -> output_{};\n", plan.outputs[i].first, plan.outputs[i].second, i);
  }
  dot += "}\n";
  return dot;
}

}  // namespace hyperchunk::internal
