#include "exec/chunk_cache.h"

#include <vector>

namespace hyperchunk::internal {

SharedChunkCache::SharedChunkCache(std::shared_ptr<MemoryLedger> ledger, int64_t budget)
    : ledger_(std::move(ledger)), budget_(std::max<int64_t>(budget, 0)) {}

SharedChunkCache::~SharedChunkCache() {
  // Handles never outlive their Context (computations run inside it), so nothing is pinned here.
  std::lock_guard lock(mu_);
  if (bytes_) ledger_->Release(bytes_);
  bytes_ = 0;
}

SharedChunkCache::Handle& SharedChunkCache::Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    Reset();
    cache_ = o.cache_;
    entry_ = o.entry_;
    o.cache_ = nullptr;
    o.entry_ = nullptr;
  }
  return *this;
}

const NdArray& SharedChunkCache::Handle::data() const { return entry_->data; }

void SharedChunkCache::Handle::Reset() {
  if (entry_) cache_->Unpin(entry_);
  cache_ = nullptr;
  entry_ = nullptr;
}

void SharedChunkCache::Unpin(Entry* entry) {
  std::lock_guard lock(mu_);
  entry->pins -= 1;
}

SharedChunkCache::Handle SharedChunkCache::Find(const std::shared_ptr<const ChunkSource>& source, Index linear) {
  std::vector<NdArray> dropped;
  std::lock_guard lock(mu_);
  if (budget_ == 0) return {};
  const Key key{source.get(), linear};
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    misses_ += 1;
    return {};
  }
  Entry* e = it->second.get();
  if (e->source.expired()) {  // a source that is gone, and a new one at its address
    if (e->pins == 0) RemoveLocked(key, dropped);
    misses_ += 1;
    return {};
  }
  hits_ += 1;
  e->pins += 1;
  lru_.splice(lru_.begin(), lru_, e->lru);
  return Handle(this, e);
}

void SharedChunkCache::Offer(const std::shared_ptr<const ChunkSource>& source, Index linear, NdArray data,
                             int64_t bytes) {
  std::vector<NdArray> dropped;
  std::lock_guard lock(mu_);
  const Key key{source.get(), linear};
  if (auto it = entries_.find(key); it != entries_.end()) {
    if (!it->second->source.expired() || it->second->pins > 0) {
      ledger_->Release(bytes);  // already held (another computation cached it first)
      dropped.push_back(std::move(data));
      return;
    }
    RemoveLocked(key, dropped);
  }
  if (bytes > budget_) {
    rejected_ += 1;
    ledger_->Release(bytes);
    dropped.push_back(std::move(data));
    return;
  }
  if (bytes_ + bytes > budget_) EvictLocked(bytes_ + bytes - budget_, dropped);
  if (bytes_ + bytes > budget_) {  // the rest is pinned
    rejected_ += 1;
    ledger_->Release(bytes);
    dropped.push_back(std::move(data));
    return;
  }
  auto entry = std::make_unique<Entry>();
  entry->source = source;
  entry->data = std::move(data);
  entry->bytes = bytes;
  lru_.push_front(key);
  entry->lru = lru_.begin();
  entries_.emplace(key, std::move(entry));
  bytes_ += bytes;
  insertions_ += 1;
}

void SharedChunkCache::RemoveLocked(const Key& key, std::vector<NdArray>& dropped) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  Entry& e = *it->second;
  bytes_ -= e.bytes;
  ledger_->Release(e.bytes);
  dropped.push_back(std::move(e.data));
  lru_.erase(e.lru);
  entries_.erase(it);
}

int64_t SharedChunkCache::EvictLocked(int64_t bytes, std::vector<NdArray>& dropped) {
  int64_t freed = 0;
  for (auto it = lru_.end(); it != lru_.begin() && freed < bytes;) {
    --it;
    const Entry& e = *entries_.at(*it);
    if (e.pins > 0) continue;
    freed += e.bytes;
    evictions_ += 1;
    const Key key = *it;
    it = std::next(it);  // RemoveLocked erases the node `it` pointed at; continue before it
    RemoveLocked(key, dropped);
  }
  return freed;
}

int64_t SharedChunkCache::Evict(int64_t bytes) {
  std::vector<NdArray> dropped;  // buffers go back to the pool after the lock is released
  std::lock_guard lock(mu_);
  return EvictLocked(bytes, dropped);
}

ChunkCacheStats SharedChunkCache::stats() const {
  std::lock_guard lock(mu_);
  ChunkCacheStats s;
  s.budget_bytes = budget_;
  s.bytes = bytes_;
  s.chunks = static_cast<int64_t>(entries_.size());
  for (const auto& [k, e] : entries_) s.pinned += e->pins > 0 ? 1 : 0;
  s.hits = hits_;
  s.misses = misses_;
  s.insertions = insertions_;
  s.evictions = evictions_;
  s.rejected = rejected_;
  return s;
}

}  // namespace hyperchunk::internal
