// The Context's chunk cache (internal): decoded source chunks kept between computations, so that
// recomputing after a small change (an ROI moved by a pixel, the next spectrum of the viewer) does
// not read and decode the same chunks again.
//
// - Byte budget: ContextOptions::chunk_cache_bytes. Held chunks count in the Context's memory
//   ledger like everything else the engine holds; when a computation needs the memory, the executor
//   evicts idle chunks (least recently used first) before it waits or fails.
// - Pinned handles: a computation that uses a cached chunk holds a Handle; a pinned chunk is never
//   evicted, so the ledger never undercounts bytes still in use.
// - Whole chunks only: a partial read (a few rows of an uncompressed chunk) is cheaper to repeat
//   than to keep. A cached whole chunk serves partial requests too.
// - Scan resistance: the executor offers a stage's chunks only when they all fit in the budget,
//   so a full pass over a file larger than the cache leaves the cache as it was.
// - Keys are (source, chunk). An entry remembers its source weakly: once the source is gone, the
//   entry is stale and is dropped at the next lookup or eviction, even if a new source is later
//   allocated at the same address.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "exec/buffer_pool.h"
#include "hyperchunk/array/array.h"
#include "hyperchunk/exec/context.h"

namespace hyperchunk::internal {

class SharedChunkCache {
 public:
  SharedChunkCache(std::shared_ptr<MemoryLedger> ledger, int64_t budget);
  ~SharedChunkCache();
  SharedChunkCache(const SharedChunkCache&) = delete;
  SharedChunkCache& operator=(const SharedChunkCache&) = delete;

  struct Entry;
  /// A pinned cached chunk: the entry cannot be evicted while a Handle to it exists.
  class Handle {
   public:
    Handle() = default;
    Handle(Handle&& o) noexcept : cache_(o.cache_), entry_(o.entry_) { o.cache_ = nullptr, o.entry_ = nullptr; }
    Handle& operator=(Handle&& o) noexcept;
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle() { Reset(); }
    explicit operator bool() const { return entry_ != nullptr; }
    /// The whole chunk's values.
    const NdArray& data() const;
    void Reset();

   private:
    friend class SharedChunkCache;
    Handle(SharedChunkCache* cache, Entry* entry) : cache_(cache), entry_(entry) {}
    SharedChunkCache* cache_ = nullptr;
    Entry* entry_ = nullptr;
  };

  int64_t budget() const { return budget_; }

  /// The cached chunk of `source` at `linear`, pinned; an empty Handle when it is not cached.
  Handle Find(const std::shared_ptr<const ChunkSource>& source, Index linear);

  /// Takes over a whole chunk whose `bytes` the caller holds in the ledger: the cache keeps them
  /// accounted, or releases them when the chunk does not fit (evicting idle chunks to make room
  /// first). An entry already cached for the key is kept and the offered one released.
  void Offer(const std::shared_ptr<const ChunkSource>& source, Index linear, NdArray data, int64_t bytes);

  /// Evicts idle chunks, least recently used first, until at least `bytes` are freed (or none is
  /// left to evict); returns the bytes freed.
  int64_t Evict(int64_t bytes);
  /// Evicts every idle chunk.
  int64_t Clear() { return Evict(INT64_MAX); }

  ChunkCacheStats stats() const;

 private:
  struct Key {
    const ChunkSource* source = nullptr;
    Index linear = 0;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return std::hash<const void*>()(k.source) ^ (std::hash<Index>()(k.linear) * 0x9E3779B97F4A7C15ULL);
    }
  };

  void Unpin(Entry* entry);
  // Under mu_: removes the entry and returns its bytes to the ledger (its buffer is freed by the
  // caller outside the lock, through `dropped`).
  void RemoveLocked(const Key& key, std::vector<NdArray>& dropped);
  int64_t EvictLocked(int64_t bytes, std::vector<NdArray>& dropped);

  std::shared_ptr<MemoryLedger> ledger_;
  const int64_t budget_;
  mutable std::mutex mu_;
  std::unordered_map<Key, std::unique_ptr<Entry>, KeyHash> entries_;
  std::list<Key> lru_;  ///< front: most recently used
  int64_t bytes_ = 0;
  int64_t hits_ = 0, misses_ = 0, insertions_ = 0, evictions_ = 0, rejected_ = 0;
};

struct SharedChunkCache::Entry {
  std::weak_ptr<const ChunkSource> source;
  NdArray data;
  int64_t bytes = 0;
  int pins = 0;
  std::list<Key>::iterator lru;
};

}  // namespace hyperchunk::internal
