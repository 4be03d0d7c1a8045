#include "exec/executor.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "exec/buffer_pool.h"
#include "exec/chunk_cache.h"
#include "hyperchunk/core/format.h"

namespace hyperchunk::internal {

namespace {

// Per running task: bytes its reservation handed over to the cache or to pending partials.
struct TaskScratch {
  Index transferred = 0;
  // The last tile read of a streamed chunk: the units of a task walk the same tiles, so each
  // tile's part is read once and serves all of them.
  const SourceNode* tile_source = nullptr;
  Box tile_box;
  NdArray tile;
  // The band of rows last read of a banded chunk (ChunkRead::banded): the tiles of the task's
  // other walks over those rows are cut from it.
  const SourceNode* band_source = nullptr;
  Index band_chunk = -1;
  Box band_box;
  NdArray band;
};

// What the cache holds of a source chunk: the values of `box` (source coordinates) — the whole
// chunk, or the part of it the stage pulls (a partial read).
struct CachedChunk {
  NdArray data;
  Box box;
};

// Source chunks of one stage, kept while tasks still need them (uses counted by the planner).
class ChunkCache {
 public:
  // Whole chunks go on to the Context's chunk cache when the stage is done with them, if they
  // all fit in its budget (a pass over more than that would only flush it).
  ChunkCache(Context& ctx, const std::unordered_map<ChunkKey, ChunkRead, ChunkKeyHash>& reads)
      : ctx_(ctx), shared_(ctx.chunk_cache()) {
    Index whole_bytes = 0;
    for (const auto& [k, read] : reads) {
      Entry& e = entries_[k];
      e.remaining = read.uses;
      e.box = read.box;
      e.partial = read.partial;
      e.streamed = read.streamed;
      e.banded = read.banded;
      if (!read.partial && !read.streamed) whole_bytes += read.bytes;
    }
    keep_ = shared_.budget() > 0 && whole_bytes <= shared_.budget();
  }
  ~ChunkCache() {
    for (auto& [k, e] : entries_) Drop(k, e, /*offer=*/false);
  }

  void Pin(const std::vector<ChunkKey>& keys) {
    std::lock_guard lock(mu_);
    for (const auto& k : keys) entries_[k].pins += 1;
  }

  // A task is done with its chunks: free those no later task needs.
  void Unpin(const std::vector<ChunkKey>& keys) {
    std::lock_guard lock(mu_);
    for (const auto& k : keys) {
      Entry& e = entries_[k];
      e.pins -= 1;
      e.remaining -= 1;
      if (e.remaining <= 0 && e.pins <= 0) Drop(k, e, keep_);
    }
  }

  // Frees loaded chunks that no running task holds; returns the bytes freed.
  Index EvictUnpinned() {
    std::lock_guard lock(mu_);
    Index freed = 0;
    for (auto& [k, e] : entries_) {
      if (e.ready && e.pins <= 0) {
        freed += e.bytes;
        Drop(k, e, /*offer=*/false);
        evictions_ += 1;
      }
    }
    return freed;
  }

  // Whether the stage reads the chunk tile by tile (ChunkRead::streamed) instead of holding it.
  bool Streamed(const ChunkKey& key) {
    std::lock_guard lock(mu_);  // Get may add entries for chunks the plan did not list
    auto it = entries_.find(key);
    return it != entries_.end() && it->second.streamed;
  }

  // `box` (source coordinates, inside one chunk) of a streamed chunk, read from storage now — or
  // the tile the task read last, when it is the same.
  Result<NdArray> ReadStreamed(const ChunkKey& key, const Box& box, TaskScratch& scratch) {
    if (scratch.tile_source == key.source && scratch.tile_box == box) return scratch.tile;
    const ChunkGrid& grid = key.source->chunks();
    const ChunkIndex c = grid.Unravel(key.linear);
    const Box part = Relative(box, grid.ChunkBox(c));
    const ChunkSource& source = key.source->source();
    Box read_box;
    if (Banded(key, read_box)) return ReadBanded(key, c, box, read_box, scratch);
    NdArray data = ctx_.buffer_pool().Allocate(key.source->dtype(), box.shape());
    Status st;
    if (source.CanReadPartial(c)) {
      st = source.ReadChunkBox(c, part, data);
    } else {  // staged (planned only where CanReadStaged): the whole-chunk step once, then this box
      HC_ASSIGN_OR_RETURN(NdArray staged, Staged(key, c, scratch));  // its error names the chunk
      st = source.ReadFromStaged(
          c, std::span(static_cast<const std::byte*>(staged.raw()), static_cast<size_t>(staged.nbytes())), part, data);
    }
    if (!st.ok())
      return st.WithContext(
          fmt::format("reading {} of chunk {} of {}", part.ToString(), ShapeToString(c), key.source->source().name()));
    scratch.tile_source = key.source;
    scratch.tile_box = box;
    scratch.tile = data;
    return data;
  }

  // Whether a streamed chunk is read in bands; sets `read_box`, what the stage reads of it.
  bool Banded(const ChunkKey& key, Box& read_box) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end() || !it->second.banded) return false;
    read_box = it->second.box;
    return true;
  }

  // `box` of a banded chunk: cut from the band of its rows (the first axis), every column of
  // `read_box`, read from storage when the task's last band does not hold it.
  Result<NdArray> ReadBanded(const ChunkKey& key, const ChunkIndex& c, const Box& box, const Box& read_box,
                             TaskScratch& scratch) {
    const Box chunk_box = key.source->chunks().ChunkBox(c);
    if (scratch.band_source != key.source || scratch.band_chunk != key.linear || !Contains(scratch.band_box, box)) {
      Box band = read_box;
      band.start[0] = box.start[0];
      band.stop[0] = box.stop[0];
      scratch.band = NdArray();  // back to the pool before the next band is taken from it
      NdArray data = ctx_.buffer_pool().Allocate(key.source->dtype(), band.shape());
      const Box part = Relative(band, chunk_box);
      Status st = key.source->source().ReadChunkBox(c, part, data);
      if (!st.ok()) {
        scratch.band_source = nullptr;
        return st.WithContext(fmt::format("reading {} of chunk {} of {}", part.ToString(), ShapeToString(c),
                                          key.source->source().name()));
      }
      scratch.band_source = key.source;
      scratch.band_chunk = key.linear;
      scratch.band_box = band;
      scratch.band = data;
    }
    NdArray out = ctx_.buffer_pool().Allocate(key.source->dtype(), box.shape());
    CopyBox(scratch.band, Relative(box, scratch.band_box), out, Box::Full(out.shape()));
    scratch.tile_source = key.source;  // the walk's other units take the same tile
    scratch.tile_box = box;
    scratch.tile = out;
    return out;
  }

  // The staged bytes of a streamed chunk (ChunkSource::ReadStaged), read on the first tile and
  // held until the task is done with the chunk.
  Result<NdArray> Staged(const ChunkKey& key, const ChunkIndex& c, TaskScratch& scratch) {
    std::unique_lock lock(mu_);
    Entry& e = entries_[key];
    while (e.loading) cv_.wait(lock);
    if (e.ready) return e.data;
    e.loading = true;
    lock.unlock();
    const ChunkSource& source = key.source->source();
    NdArray buffer = ctx_.buffer_pool().Allocate(DType::kUInt8, {source.StagedBytes(c)});
    Status st =
        source.ReadStaged(c, std::span(static_cast<std::byte*>(buffer.raw()), static_cast<size_t>(buffer.nbytes())));
    lock.lock();
    FinishLoad(e, st, buffer, scratch);
    if (!st.ok()) return st.WithContext(fmt::format("reading chunk {} of {}", ShapeToString(c), source.name()));
    return buffer;
  }

  Result<CachedChunk> Get(const ChunkKey& key, TaskScratch& scratch) {
    std::unique_lock lock(mu_);
    Entry& e = entries_[key];
    while (e.loading) cv_.wait(lock);
    const ChunkGrid& grid = key.source->chunks();
    const ChunkIndex c = grid.Unravel(key.linear);
    if (e.box.rank() != grid.rank()) e.box = grid.ChunkBox(c);  // not in the plan: the whole chunk
    if (e.ready) return CachedChunk{e.data, e.box};
    if (auto held = shared_.Find(key.source->shared_source(), key.linear)) {
      // Cached by an earlier computation: the whole chunk, pinned while this stage holds it.
      e.data = held.data();
      e.box = grid.ChunkBox(c);
      e.handle = std::move(held);
      e.ready = true;
      e.bytes = 0;  // accounted by the chunk cache
      hits_ += 1;
      return CachedChunk{e.data, e.box};
    }
    e.loading = true;
    const Box box = e.box;
    const bool partial = e.partial;
    lock.unlock();
    NdArray data = ctx_.buffer_pool().Allocate(key.source->dtype(), box.shape());
    Status st = partial ? key.source->source().ReadChunkBox(c, Relative(box, grid.ChunkBox(c)), data)
                        : key.source->source().ReadChunk(c, data);
    lock.lock();
    FinishLoad(e, st, data, scratch);
    if (st.ok() && e.loads++ > 0) reloads_ += 1;
    if (!st.ok()) {
      if (partial)
        return st.WithContext(fmt::format("reading {} of chunk {} of {}", Relative(box, grid.ChunkBox(c)).ToString(),
                                          ShapeToString(c), key.source->source().name()));
      return st.WithContext(fmt::format("reading chunk {} of {}", ShapeToString(c), key.source->source().name()));
    }
    return CachedChunk{data, box};
  }

  int64_t reloads() const { return reloads_; }
  int64_t evictions() const { return evictions_; }
  int64_t hits() const { return hits_; }

 private:
  struct Entry {
    NdArray data;
    Box box;  ///< what is (or will be) held, source coordinates
    bool partial = false;
    bool streamed = false;  ///< never held: read tile by tile (ReadStreamed)
    bool banded = false;    ///< streamed in bands of rows of `box` (ChunkRead::banded)
    Index bytes = 0;
    int remaining = 0;
    int pins = 0;
    int loads = 0;
    bool ready = false;
    bool loading = false;
    SharedChunkCache::Handle handle;  ///< set when the chunk came from the Context's cache
  };
  // A load is over (under the lock): on success the entry holds the data and takes over the bytes
  // the task reserved for them; waiters wake either way (on failure the next one tries again).
  void FinishLoad(Entry& e, const Status& st, const NdArray& data, TaskScratch& scratch) {
    e.loading = false;
    if (st.ok()) {
      e.data = data;
      e.ready = true;
      e.bytes = data.nbytes();
      scratch.transferred += e.bytes;
    }
    cv_.notify_all();
  }

  // The stage is done with a chunk: unpin it (taken from the chunk cache), hand it to the chunk
  // cache (`offer`: a whole chunk read by this stage; the cache takes over its bytes) or free it.
  void Drop(const ChunkKey& k, Entry& e, bool offer) {
    if (!e.ready) return;
    if (e.handle) {
      e.handle.Reset();
    } else if (offer && !e.partial && !e.streamed && e.bytes > 0) {
      shared_.Offer(k.source->shared_source(), k.linear, std::move(e.data), e.bytes);
    } else {
      ctx_.AccountRelease(e.bytes);
    }
    e.data = NdArray();
    e.ready = false;
    e.bytes = 0;
  }

  Context& ctx_;
  SharedChunkCache& shared_;
  bool keep_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<ChunkKey, Entry, ChunkKeyHash> entries_;
  int64_t reloads_ = 0;
  int64_t evictions_ = 0;
  int64_t hits_ = 0;
};

// Folds partial states of one output chunk in sequence order.
struct Accumulator {
  std::mutex mu;
  std::vector<int64_t> order;
  size_t next = 0;
  std::map<int64_t, ReduceState> pending;
  std::optional<ReduceState> state;
};

class StageRunner {
 public:
  StageRunner(Context& ctx, Stage& stage, std::unordered_map<const Node*, NdArray>& materialized, const ChunkSink* sink,
              std::atomic<bool>& stop)
      : ctx_(ctx),
        stage_(stage),
        materialized_(materialized),
        sink_(sink),
        stop_(stop),
        cache_(ctx, stage.chunk_reads) {
    outputs_.resize(stage_.targets.size());
    accumulators_.resize(stage_.targets.size());
    for (size_t ti = 0; ti < stage_.targets.size(); ++ti) {
      const Target& t = stage_.targets[ti];
      if (!t.is_reduce && !t.streaming) outputs_[ti] = AllocateLarge(t.node->dtype(), t.node->shape());
    }
    for (const Task& task : stage_.tasks) {
      for (const Unit& u : task.units) {
        const Target& t = stage_.targets[static_cast<size_t>(u.target)];
        if (!t.is_reduce) continue;
        const auto& rn = static_cast<const ReduceNode&>(*t.node);
        auto& slot = accumulators_[static_cast<size_t>(u.target)][rn.chunks().Ravel(rn.OutputChunkOf(u.chunk))];
        if (!slot) slot = std::make_unique<Accumulator>();
        slot->order.push_back(u.sequence);
      }
    }
    for (auto& per_target : accumulators_) {
      for (auto& [k, acc] : per_target) std::sort(acc->order.begin(), acc->order.end());
    }
  }

  // Partials still waiting for their turn when a stage stops early hold accounted bytes.
  ~StageRunner() {
    for (auto& per_target : accumulators_) {
      for (auto& [k, acc] : per_target) {
        for (auto& [seq, state] : acc->pending) ctx_.AccountRelease(state.nbytes());
      }
    }
  }
  StageRunner(const StageRunner&) = delete;
  StageRunner& operator=(const StageRunner&) = delete;

  ChunkCache& cache() { return cache_; }

  // Units over the same box walk their tiles together, so each tile is pulled into cache once and
  // feeds every consumer (the navigator and the sum spectrum of one chunk, say).
  Status RunTask(size_t task_index, TaskScratch& scratch) {
    const Task& task = stage_.tasks[task_index];
    // Units over the same box in the same tiles walk together: each tile pulled once serves all.
    struct Walk {
      std::vector<UnitRun> runs;
      std::vector<Box> tiles;
      size_t next = 0;
    };
    std::vector<Walk> walks;
    std::vector<bool> done(task.units.size(), false);
    for (size_t i = 0; i < task.units.size(); ++i) {
      if (done[i]) continue;
      const Target& ti = TargetOf(task.units[i]);
      Walk& walk = walks.emplace_back();
      for (size_t j = i; j < task.units.size(); ++j) {
        const Target& tj = TargetOf(task.units[j]);
        if (done[j] || task.units[j].box != task.units[i].box || tj.splittable != ti.splittable ||
            tj.tile_elements != ti.tile_elements)
          continue;
        done[j] = true;
        walk.runs.push_back(BeginUnit(tj, task.units[j]));
      }
      walk.tiles = Tiles(ti, task.units[i].box);
    }
    // The walks advance in step (the least advanced one first), so walks over the same rows of a
    // chunk (the windows of several line maps) meet in each band of a banded read. Each unit still
    // sees its own tiles in order.
    while (true) {
      Walk* least = nullptr;
      for (Walk& w : walks) {
        if (w.next == w.tiles.size()) continue;
        if (least == nullptr || w.next * least->tiles.size() < least->next * w.tiles.size()) least = &w;
      }
      if (least == nullptr) break;
      HC_RETURN_IF_ERROR(CheckStop());
      for (UnitRun& run : least->runs) HC_RETURN_IF_ERROR(TileUnit(run, least->tiles[least->next], scratch));
      least->next += 1;
    }
    for (Walk& w : walks) {
      for (UnitRun& run : w.runs) HC_RETURN_IF_ERROR(EndUnit(run, scratch));
    }
    return Status::Ok();
  }

  // After every task: the reductions' results, written into the materialized map.
  Status Finish(std::vector<NdArray>& results) {
    results.resize(stage_.targets.size());
    for (size_t ti = 0; ti < stage_.targets.size(); ++ti) {
      const Target& t = stage_.targets[ti];
      if (!t.is_reduce) {
        results[ti] = outputs_[ti];
        if (!t.streaming) materialized_[t.node.get()] = outputs_[ti];
        continue;
      }
      const auto& rn = static_cast<const ReduceNode&>(*t.node);
      const Node& in = *rn.inputs()[0];
      Index total = 1;
      for (size_t d = 0; d < in.shape().size(); ++d) total *= rn.reduced()[d] ? in.shape()[d] : 1;
      NdArray out = NdArray::Empty(rn.dtype(), rn.shape());
      const Index n_chunks = rn.chunks().num_chunks();
      auto& accs = accumulators_[ti];
      for (Index c = 0; c < n_chunks; ++c) {
        const Box box = rn.chunks().ChunkBox(rn.chunks().Unravel(c));
        if (box.rank() > 0 && box.empty()) continue;
        ReduceState state;
        auto it = accs.find(c);
        if (it != accs.end() && it->second->state) {
          state = std::move(*it->second->state);
        } else {
          // No input elements reached this chunk (a zero-length reduced axis): the identity.
          Shape keep = box.shape();
          if (!rn.keepdims()) {
            keep.clear();
            size_t o = 0;
            for (size_t d = 0; d < in.shape().size(); ++d) keep.push_back(rn.reduced()[d] ? 1 : box.extent(o++));
          }
          state = t.reducer->Init(keep);
        }
        NdArray r = t.reducer->Finalize(std::move(state), total);
        HC_ASSIGN_OR_RETURN(NdArray shaped, r.Reshape(box.shape()));
        out.CopyFrom(shaped, box);
      }
      accs.clear();
      results[ti] = out;
      materialized_[t.node.get()] = out;
    }
    return Status::Ok();
  }

 private:
  Status CheckStop() const {
    if (ctx_.cancel_token().cancelled()) return Cancelled("cancelled");
    if (stop_.load(std::memory_order_relaxed)) return Cancelled("stopped after an earlier error");
    return Status::Ok();
  }

  std::vector<Box> Tiles(const Target& t, const Box& box) const {
    return t.splittable ? SplitIntoTiles(box, t.tile_elements) : std::vector<Box>{box};
  }

  // One unit in progress: a reduction's partial state or a streaming chunk's buffer.
  struct UnitRun {
    const Target* target = nullptr;
    const Unit* unit = nullptr;
    ReduceState state;
    NdArray buffer;
    std::vector<Index> offset;
  };

  const Target& TargetOf(const Unit& u) const { return stage_.targets[static_cast<size_t>(u.target)]; }

  UnitRun BeginUnit(const Target& t, const Unit& u) {
    UnitRun run;
    run.target = &t;
    run.unit = &u;
    if (t.is_reduce) {
      const auto& rn = static_cast<const ReduceNode&>(*t.node);
      Shape keep = u.box.shape();
      for (size_t d = 0; d < keep.size(); ++d) {
        if (rn.reduced()[d]) keep[d] = 1;
      }
      run.offset.resize(keep.size());
      run.state = t.reducer->Init(keep);
    } else if (t.streaming) {
      run.buffer = NdArray::Empty(t.node->dtype(), u.box.shape());
    }
    return run;
  }

  Status TileUnit(UnitRun& run, const Box& tile, TaskScratch& scratch) {
    const Target& t = *run.target;
    const Unit& u = *run.unit;
    if (t.is_reduce) {
      const auto& rn = static_cast<const ReduceNode&>(*t.node);
      const Node& in = *rn.inputs()[0];
      HC_ASSIGN_OR_RETURN(NdArray values, Pull(in, tile, scratch));
      for (size_t d = 0; d < run.offset.size(); ++d) run.offset[d] = tile.start[d] - u.box.start[d];
      t.reducer->Accumulate(values, rn.reduced(), run.offset, tile.start, in.shape(), run.state);
      return Status::Ok();
    }
    HC_ASSIGN_OR_RETURN(NdArray values, Pull(*t.node, tile, scratch));
    if (t.streaming) run.buffer.CopyFrom(values, Relative(tile, u.box));
    else outputs_[static_cast<size_t>(u.target)].CopyFrom(values, tile);
    return Status::Ok();
  }

  Status EndUnit(UnitRun& run, TaskScratch& scratch) {
    const Target& t = *run.target;
    const Unit& u = *run.unit;
    if (!t.is_reduce) return t.streaming ? (*sink_)(u.chunk, u.box, run.buffer) : Status::Ok();
    const auto& rn = static_cast<const ReduceNode&>(*t.node);
    Accumulator& acc = *accumulators_[static_cast<size_t>(u.target)].at(rn.chunks().Ravel(rn.OutputChunkOf(u.chunk)));
    std::lock_guard lock(acc.mu);
    if (acc.order[acc.next] != u.sequence) {
      scratch.transferred += run.state.nbytes();  // held until its turn; released when folded
      acc.pending.emplace(u.sequence, std::move(run.state));
      return Status::Ok();
    }
    Fold(*t.reducer, acc, std::move(run.state));
    while (acc.next < acc.order.size()) {
      auto it = acc.pending.find(acc.order[acc.next]);
      if (it == acc.pending.end()) break;
      const Index bytes = it->second.nbytes();
      Fold(*t.reducer, acc, std::move(it->second));
      acc.pending.erase(it);
      ctx_.AccountRelease(bytes);
    }
    return Status::Ok();
  }

  static void Fold(const Reducer& reducer, Accumulator& acc, ReduceState state) {
    if (!acc.state) acc.state = std::move(state);
    else reducer.Merge(*acc.state, state);
    acc.next += 1;
  }

 public:
  Result<NdArray> Pull(const Node& node, const Box& box, TaskScratch& scratch) {
    if (box.rank() > 0 && box.empty()) return NdArray::Empty(node.dtype(), box.shape());
    if (auto it = materialized_.find(&node); it != materialized_.end()) return it->second.Sub(box);
    switch (node.kind()) {
      case NodeKind::kSource: return PullSource(static_cast<const SourceNode&>(node), box, scratch);
      case NodeKind::kMemory: return node.Eval(box, {});
      case NodeKind::kReduce:
        return Internal(fmt::format("reduction '{}' was needed before it was computed", node.Label()));
      default: break;
    }
    if (node.chunk_exact()) {
      std::vector<Index> first, last;
      node.chunks().Overlapping(box, first, last);
      if (first == last && node.chunks().ChunkBox(first) == box) return PullDirect(node, box, scratch);
      NdArray out = NdArray::Empty(node.dtype(), box.shape());
      Status st;
      ForEachChunkIn(node.chunks(), first, last, [&](const ChunkIndex& c) {
        if (!st.ok()) return;
        const Box cb = node.chunks().ChunkBox(c);
        auto part = PullDirect(node, cb, scratch);
        if (!part.ok()) {
          st = part.status();
          return;
        }
        const Box common = Intersect(cb, box);
        CopyBox(*part, Relative(common, cb), out, Relative(common, box));
      });
      if (!st.ok()) return st;
      return out;
    }
    return PullDirect(node, box, scratch);
  }

 private:
  template <typename F>
  static void ForEachChunkIn(const ChunkGrid& grid, const std::vector<Index>& first, const std::vector<Index>& last,
                             F&& f) {
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

  Result<NdArray> PullDirect(const Node& node, const Box& box, TaskScratch& scratch) {
    std::vector<NdArray> ins(node.inputs().size());
    for (size_t i = 0; i < ins.size(); ++i) {
      if (auto ib = node.InputBox(i, box)) {
        HC_ASSIGN_OR_RETURN(ins[i], Pull(*node.inputs()[i], *ib, scratch));
      }
    }
    return node.Eval(box, ins);
  }

  // `box` of a source: a view of the cached chunk (or of the cached part of it) when the box is
  // one contiguous run of it, else a copy.
  Result<NdArray> PullSource(const SourceNode& node, const Box& box, TaskScratch& scratch) {
    const ChunkGrid& grid = node.chunks();
    std::vector<Index> first, last;
    grid.Overlapping(box, first, last);
    if (first == last) {
      const ChunkKey key{&node, grid.Ravel(first)};
      if (cache_.Streamed(key)) return cache_.ReadStreamed(key, box, scratch);
      HC_ASSIGN_OR_RETURN(CachedChunk chunk, cache_.Get(key, scratch));
      if (box == chunk.box) return chunk.data;
      HC_RETURN_IF_ERROR(CheckHeld(node, first, chunk.box, box));
      const Box part = Relative(box, chunk.box);
      if (chunk.data.IsContiguousSub(part)) return chunk.data.Sub(part);
      NdArray copy = ctx_.buffer_pool().Allocate(node.dtype(), box.shape());
      CopyBox(chunk.data, part, copy, Box::Full(copy.shape()));
      return copy;
    }
    NdArray out = ctx_.buffer_pool().Allocate(node.dtype(), box.shape());
    Status st;
    ForEachChunkIn(grid, first, last, [&](const ChunkIndex& c) {
      if (!st.ok()) return;
      const ChunkKey key{&node, grid.Ravel(c)};
      if (cache_.Streamed(key)) {
        const Box common = Intersect(grid.ChunkBox(c), box);
        auto part = cache_.ReadStreamed(key, common, scratch);
        if (part.ok()) CopyBox(*part, Box::Full(part->shape()), out, Relative(common, box));
        else st = part.status();
        return;
      }
      auto chunk = cache_.Get(key, scratch);
      if (!chunk.ok()) {
        st = chunk.status();
        return;
      }
      const Box common = Intersect(grid.ChunkBox(c), box);
      st = CheckHeld(node, c, chunk->box, common);
      if (st.ok()) CopyBox(chunk->data, Relative(common, chunk->box), out, Relative(common, box));
    });
    if (!st.ok()) return st;
    return out;
  }

  // The planner sized each partial read to cover every box the stage pulls from the chunk.
  static Status CheckHeld(const SourceNode& node, const ChunkIndex& c, const Box& held, const Box& wanted) {
    if (Contains(held, wanted)) return Status::Ok();
    return Internal(fmt::format("chunk {} of {}: the cache holds {} of it but {} is needed", ShapeToString(c),
                                node.source().name(), held.ToString(), wanted.ToString()));
  }

  Context& ctx_;
  Stage& stage_;
  std::unordered_map<const Node*, NdArray>& materialized_;
  const ChunkSink* sink_;
  std::atomic<bool>& stop_;
  ChunkCache cache_;
  std::vector<NdArray> outputs_;
  std::vector<std::unordered_map<Index, std::unique_ptr<Accumulator>>> accumulators_;
};

// Progress shared by all stages of one computation.
struct ProgressState {
  ProgressSink* sink = nullptr;
  int64_t done_tasks = 0;
  int64_t done_bytes = 0;
  void Report() {
    if (sink) sink->Update(done_tasks, done_bytes);
  }
};

Status RunStage(Context& ctx, Stage& stage, StageRunner& runner, ProgressState& progress, std::atomic<bool>& stop) {
  const size_t n = stage.tasks.size();
  const int64_t budget = ctx.memory_limit();
  const int threads = static_cast<int>(std::min<size_t>(static_cast<size_t>(ctx.threads()), std::max<size_t>(n, 1)));

  // Reserves a task's bytes (check and acquire in one step: worker threads returning buffers to the
  // pool acquire concurrently), evicting idle cached chunks when nothing else can free memory.
  auto admit = [&](const Task& task, bool nothing_running) -> std::optional<Status> {
    if (ctx.TryAccountAcquire(task.cost)) return Status::Ok();
    ctx.buffer_pool().Trim();
    if (ctx.TryAccountAcquire(task.cost)) return Status::Ok();
    ctx.chunk_cache().Evict(task.cost);
    if (ctx.TryAccountAcquire(task.cost)) return Status::Ok();
    if (!nothing_running) return std::nullopt;
    runner.cache().EvictUnpinned();
    if (ctx.TryAccountAcquire(task.cost)) return Status::Ok();
    return ResourceExhausted(fmt::format("a task needs {} but only {} of the {} memory limit is free",
                                         FormatBytes(task.cost), FormatBytes(budget - ctx.memory_stats().current_bytes),
                                         FormatBytes(budget)));
  };

  auto run_one = [&](size_t i) -> Status {
    Task& task = stage.tasks[i];
    runner.cache().Pin(task.chunks);
    TaskScratch scratch;
    Status st = runner.RunTask(i, scratch);
    scratch.tile = NdArray();  // the task's last tile and band go back to the pool before its bytes
    scratch.band = NdArray();
    runner.cache().Unpin(task.chunks);
    ctx.AccountRelease(task.cost - scratch.transferred);
    return st;
  };

  if (threads <= 1) {
    for (size_t i = 0; i < n; ++i) {
      if (ctx.cancel_token().cancelled()) return Cancelled("cancelled");
      auto admitted = admit(stage.tasks[i], true);
      if (!admitted->ok()) return *admitted;
      HC_RETURN_IF_ERROR(run_one(i));
      progress.done_tasks += 1;
      progress.done_bytes += stage.tasks[i].source_bytes;
      progress.Report();
    }
    return Status::Ok();
  }

  std::mutex mu;
  std::condition_variable cv;
  size_t next = 0, done = 0;
  int running = 0;
  Status first_error;
  int64_t done_bytes = 0;

  auto fail = [&](Status st) {  // under mu
    if (first_error.ok()) first_error = std::move(st);
    stop.store(true);
  };
  auto worker = [&]() {
    std::unique_lock lock(mu);
    while (true) {
      size_t i = 0;
      while (true) {
        if (stop.load() || next >= n) return;
        if (ctx.cancel_token().cancelled()) {
          fail(Cancelled("cancelled"));
          cv.notify_all();
          return;
        }
        auto admitted = admit(stage.tasks[next], running == 0);
        if (admitted && admitted->ok()) break;
        if (admitted) {
          fail(*admitted);
          cv.notify_all();
          return;
        }
        cv.wait_for(lock, std::chrono::milliseconds(50));
      }
      i = next++;
      running += 1;
      lock.unlock();
      Status st = run_one(i);
      lock.lock();
      running -= 1;
      done += 1;
      done_bytes += stage.tasks[i].source_bytes;
      if (!st.ok()) fail(std::move(st));
      cv.notify_all();
    }
  };

  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(threads));
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  {
    std::unique_lock lock(mu);
    const int64_t base_tasks = progress.done_tasks, base_bytes = progress.done_bytes;
    while (!(done == n || (stop.load() && running == 0 && (next >= n || !first_error.ok())))) {
      cv.wait_for(lock, std::chrono::milliseconds(100));
      if (ctx.cancel_token().cancelled() && !stop.load()) {
        fail(Cancelled("cancelled"));
        cv.notify_all();
      }
      progress.done_tasks = base_tasks + static_cast<int64_t>(done);
      progress.done_bytes = base_bytes + done_bytes;
      lock.unlock();
      progress.Report();
      lock.lock();
    }
    progress.done_tasks = base_tasks + static_cast<int64_t>(done);
    progress.done_bytes = base_bytes + done_bytes;
  }
  for (auto& th : pool) th.join();
  progress.Report();
  if (!first_error.ok()) {
    // A cancellation caused by an earlier error is not the error to report.
    return first_error;
  }
  if (ctx.cancel_token().cancelled()) return Cancelled("cancelled");
  return Status::Ok();
}

}  // namespace

Result<std::vector<NdArray>> ExecutePlan(Context& ctx, Plan& plan, const ChunkSink* sink, const std::string& label) {
  ProgressState progress;
  progress.sink = ctx.progress();
  if (progress.sink) progress.sink->Start(label, plan.info.tasks, plan.info.read_bytes);
  std::unordered_map<const Node*, NdArray> materialized;
  std::vector<std::vector<NdArray>> stage_results(plan.stages.size());
  std::atomic<bool> stop{false};
  Index reserved = 0;
  Status status;
  for (size_t s = 0; s < plan.stages.size() && status.ok(); ++s) {
    Stage& stage = plan.stages[s];
    Index out_bytes = 0;
    for (const auto& t : stage.targets) {
      if (t.streaming) continue;
      out_bytes += NumElements(t.node->shape()) * ItemSize(t.node->dtype());
      if (t.is_reduce) out_bytes += NumElements(t.node->shape()) * t.reducer->state_item_bytes();
    }
    // Outputs are reserved outright (the planner checked they fit the limit); cached chunks make
    // room for them first.
    if (const int64_t over = ctx.memory_stats().current_bytes + out_bytes - ctx.memory_limit(); over > 0) {
      ctx.buffer_pool().Trim();
      ctx.chunk_cache().Evict(over);
    }
    ctx.AccountAcquire(out_bytes);
    reserved += out_bytes;
    ctx.logger().debug("stage {}: {} targets, {} tasks, {} source chunks", s, stage.targets.size(), stage.tasks.size(),
                       stage.chunk_reads.size());
    StageRunner runner(ctx, stage, materialized, sink, stop);
    status = RunStage(ctx, stage, runner, progress, stop);
    if (status.ok()) status = runner.Finish(stage_results[s]);
    if (runner.cache().reloads() > 0)
      ctx.logger().warn(
          "memory pressure: {} source chunks were read more than once (raise the memory limit to avoid it)",
          runner.cache().reloads());
  }
  ctx.AccountRelease(reserved);
  ctx.buffer_pool().TrimSmall();  // tile temporaries are pooled only while the plan runs
  if (progress.sink) progress.sink->Finish(status.ok());
  if (!status.ok()) return status;
  std::vector<NdArray> results;
  for (const auto& [s, t] : plan.outputs)
    results.push_back(stage_results[static_cast<size_t>(s)][static_cast<size_t>(t)]);
  return results;
}

}  // namespace hyperchunk::internal
