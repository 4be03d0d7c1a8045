// Context: how work runs (threads, memory budget, progress, logging, cancellation). No globals:
// every front end makes one and passes it down.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace hyperchunk {

namespace internal {
class MemoryLedger;
class BufferPool;
class SharedChunkCache;
}  // namespace internal

/// What a long computation reports; called from the thread that drives it (never concurrently).
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  /// A computation of `total_tasks` tasks moving about `total_bytes` source bytes starts.
  virtual void Start(const std::string& label, int64_t total_tasks, int64_t total_bytes) = 0;
  /// Cumulative counts so far.
  virtual void Update(int64_t done_tasks, int64_t done_bytes) = 0;
  /// The computation ended (ok = false when it failed or was cancelled).
  virtual void Finish(bool ok) = 0;
};

/// A flag any thread may raise (a signal handler included); work stops at the next tile.
class CancelToken {
 public:
  void Cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  void Reset() { cancelled_.store(false, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> cancelled_{false};
};

/// The knobs of a Context; every field has a sensible default.
struct ContextOptions {
  /// Worker threads; 0 means one per hardware thread. 1 runs tasks inline, in order, on the caller.
  int threads = 0;
  /// Bound on the bytes the engine holds at once: outputs, chunks in flight, temporaries.
  int64_t memory_limit = int64_t{1} << 30;
  /// Work inside a chunk is cut into tiles of about this many bytes, so a tile stays in the L2 cache
  /// while every consumer of the chunk processes it.
  int64_t tile_bytes = int64_t{1} << 18;
  /// Decoded source chunks kept between computations (the chunk cache), at most this many bytes;
  /// -1: half of memory_limit; 0: no cache. Cached chunks count in memory_limit and are evicted
  /// (least recently used first) whenever a computation needs the memory.
  int64_t chunk_cache_bytes = -1;
  /// Progress reports (nullptr: none). Only computations longer than the sink decides are shown.
  std::shared_ptr<ProgressSink> progress;
  /// Logger for plan and chunk messages (nullptr: a silent logger).
  std::shared_ptr<spdlog::logger> logger;
};

/// Byte accounting of the engine: what it holds now and the most it held since the last reset.
struct MemoryStats {
  int64_t current_bytes = 0;
  int64_t peak_bytes = 0;
};

/// What the chunk cache holds and did since the Context was made.
struct ChunkCacheStats {
  int64_t budget_bytes = 0;  ///< the cache's byte budget
  int64_t bytes = 0;         ///< decoded bytes held now
  int64_t chunks = 0;        ///< chunks held now
  int64_t pinned = 0;        ///< chunks in use by a running computation (never evicted)
  int64_t hits = 0;          ///< chunks a computation took from the cache instead of storage
  int64_t misses = 0;        ///< lookups that found nothing
  int64_t insertions = 0;    ///< chunks the cache took over after a computation
  int64_t evictions = 0;     ///< chunks dropped to make room
  int64_t rejected = 0;      ///< chunks offered that did not fit
};

/// Carries how computations run. Thread-safe to share; one computation at a time per Context.
class Context {
 public:
  explicit Context(ContextOptions options = {});
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const ContextOptions& options() const { return options_; }
  /// Worker threads actually used (options().threads resolved).
  int threads() const;
  int64_t memory_limit() const { return options_.memory_limit; }
  spdlog::logger& logger() const { return *logger_; }
  ProgressSink* progress() const { return options_.progress.get(); }
  CancelToken& cancel_token() { return cancel_; }

  MemoryStats memory_stats() const;
  void ResetMemoryStats();

  /// The chunk cache: a computation that reads whole source chunks, all of which fit in the
  /// cache's budget, leaves them there; later computations on the same sources (an ROI moved by
  /// one pixel) take them instead of reading and decoding again. Sources are held weakly: a chunk
  /// of a source that is gone is never served.
  ChunkCacheStats chunk_cache_stats() const;
  /// Drops every cached chunk not in use; returns the bytes freed.
  int64_t ClearChunkCache();

  /// Engine-internal accounting hooks (used by the executor).
  void AccountAcquire(int64_t bytes);
  /// Acquires `bytes` only if the total stays within memory_limit() (check and add in one step).
  bool TryAccountAcquire(int64_t bytes);
  void AccountRelease(int64_t bytes);
  /// Engine-internal: recycled chunk buffers.
  internal::BufferPool& buffer_pool() { return *pool_; }
  /// Engine-internal: the chunk cache.
  internal::SharedChunkCache& chunk_cache() { return *cache_; }

 private:
  ContextOptions options_;
  std::shared_ptr<spdlog::logger> logger_;
  CancelToken cancel_;
  std::shared_ptr<internal::MemoryLedger> ledger_;
  std::unique_ptr<internal::BufferPool> pool_;
  std::unique_ptr<internal::SharedChunkCache> cache_;
};

}  // namespace hyperchunk
